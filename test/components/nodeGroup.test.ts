import * as assert from "assert";
import { NodeGroup, NodeGroupArgs } from "../../components/nodeGroup";
import { parseConfig } from "../../lib/config";
import { Language, translator } from "../../lib/messages";
import { nodeImageKey } from "../../lib/nodeImage";
import { bootedImages, preflight } from "../../lib/preflight";
import { buildComponent, callWithMocks, HarnessOptions, runProgram, types } from "../harness";
import { ConfigValue, rawConfig } from "../harness/stackConfig";

/** The cluster's nodes (not the NAT instance). */
const nodesOf = (program: Awaited<ReturnType<typeof runProgram>>) => program.ofType(types.instance).filter((i) => i.parent?.startsWith("k8slab:index:NodeGroup::"));

/** The node plan preflight reads for the dev stack plus `config`, in this process under the mocks `options` answer with; what the program gives each node and says. */
const plan = (options: HarnessOptions = {}, config: Record<string, ConfigValue> = {}, language: Language = "en") =>
    callWithMocks(() => preflight(parseConfig(rawConfig("dev", config), "k8s-lab", {}), translator(language), {}), options);

/** A group of `args.count` nodes built alone, from fake inputs. */
const build = (name: string, args: Partial<NodeGroupArgs> = {}) =>
    buildComponent((opts) => new NodeGroup(name, {
        labName: "k8s-lab-dev",
        count: 2,
        nodeType: { instanceType: "t3.large", architecture: "amd64", memoryGiB: 8, ami: "ami-1" },
        subnetId: "subnet-1",
        securityGroupId: "sg-1",
        keyName: "key-1",
        rootVolumeSizeGb: 30,
        publicIp: false,
        userData: "#!/bin/sh\n",
        labTags: { LabId: "0a1b" },
        ...args,
    }, opts));

describe("NodeGroup", () => {
    it("exports each node's addresses, a public one only when asked", async () => {
        const workers = await build("worker", { count: 3 });
        assert.deepStrictEqual(workers.resources.filter((r) => r.custom).map((r) => [r.name, r.inputs.associatePublicIpAddress]), [["worker-0", false], ["worker-1", false], ["worker-2", false]]);
        assert.deepStrictEqual(await workers.value(workers.component.privateIps), ["10.0.2.10", "10.0.2.11", "10.0.2.12"]);
        assert.deepStrictEqual(await workers.value(workers.component.publicIps), ["", "", ""]);
        const controlPlane = await build("control-plane", { count: 1, publicIp: true });
        assert.deepStrictEqual(await controlPlane.value(controlPlane.component.publicIps), ["203.0.113.1"]);
    });

    it("builds one control-plane node with a public IP and N workers without one", async () => {
        const program = await runProgram({ config: { workerCount: 3 } });
        const instances = program.ofType(types.instance);
        const controlPlane = instances.filter((i) => i.parent === "k8slab:index:NodeGroup::control-plane");
        const workers = instances.filter((i) => i.parent === "k8slab:index:NodeGroup::worker");
        assert.strictEqual(controlPlane.length, 1);
        assert.strictEqual(workers.length, 3);
        assert.strictEqual(controlPlane[0].inputs.associatePublicIpAddress, true);
        assert.strictEqual(controlPlane[0].inputs.subnetId, "network-public-id");
        assert.strictEqual(controlPlane[0].inputs.instanceType, "t3.large");
        for (const worker of workers) {
            assert.strictEqual(worker.inputs.associatePublicIpAddress, false);
            assert.strictEqual(worker.inputs.subnetId, "network-private-id");
            assert.deepStrictEqual(worker.inputs.vpcSecurityGroupIds, ["security-groups-workers-id"]);
        }
        assert.strictEqual((program.output("workerPrivateIps").value as string[]).length, 3);
    });

    it("creates every node only after its way to the internet, since its preparation downloads at boot", async () => {
        const program = await runProgram();
        const egress = (i: { dependsOn: string[] }) => i.dependsOn.filter((d) => /^aws:(ec2\/route|ec2\/routeTableAssociation|vpc\/securityGroupEgressRule):/.test(d)).sort();
        const nodes = nodesOf(program);
        assert.strictEqual(nodes.length, 3);
        for (const node of nodes) {
            const controlPlane = node.parent === "k8slab:index:NodeGroup::control-plane";
            assert.deepStrictEqual(egress(node), controlPlane ? [
                "aws:ec2/route:Route::network-public-internet",
                "aws:ec2/routeTableAssociation:RouteTableAssociation::network-public",
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::security-groups-control-plane-egress",
            ] : [
                "aws:ec2/route:Route::network-private-internet",
                "aws:ec2/routeTableAssociation:RouteTableAssociation::network-private",
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::security-groups-workers-egress",
            ], node.name);
        }
    });

    it("requires IMDSv2 and an encrypted gp3 root volume of the configured size on every node", async () => {
        const group = await build("worker", { rootVolumeSizeGb: 40 });
        const instances = group.ofType(types.instance);
        assert.strictEqual(instances.length, 2);
        for (const instance of instances) {
            assert.deepStrictEqual(instance.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
            assert.deepStrictEqual(instance.inputs.rootBlockDevice, { volumeType: "gp3", volumeSize: 40, encrypted: true, deleteOnTermination: true });
        }
    });

    it("tags every root volume at launch with the provider's default tags, the LabId included, and its Name", async () => {
        // The scenario of index.test.ts's provider test (a tag of the operator's, another region), run once for both.
        const program = await runProgram({ config: { region: "ap-northeast-1", tags: ["Owner=platform"] }, zones: { "ap-northeast-1a": "all" } });
        const defaultTags = (JSON.parse(String(program.get(types.awsProvider, "aws").inputs.defaultTags)) as { tags: Record<string, string> }).tags;
        assert.deepStrictEqual(defaultTags, { Owner: "platform", Project: "k8s-lab", Stack: "dev", LabId: "0a1b2c3d4e5f6789", ManagedBy: "pulumi" });
        assert.deepStrictEqual(
            Object.fromEntries(program.ofType(types.instance).map((i) => [i.name, i.inputs.volumeTags])),
            Object.fromEntries([["control-plane-0", "control-plane-0"], ["network-nat", "nat"], ["worker-0", "worker-0"], ["worker-1", "worker-1"]].map(([name, tag]) => [name, { ...defaultTags, Name: `k8s-lab-dev-${tag}` }])),
        );
        // volumeTags and the root block device's own tags conflict in the provider.
        assert.deepStrictEqual(program.ofType(types.instance).filter((i) => "tags" in (i.inputs.rootBlockDevice as object)), []);
    });

    it("boots Ubuntu 24.04 from Canonical's parameter for the instance type's architecture", async () => {
        const amd = await runProgram();
        assert.ok(nodesOf(amd).every((i) => i.inputs.ami === "ami-ubuntu2404amd64"));
        const arm = await runProgram({ config: { controlPlaneInstanceType: "t4g.large" } });
        const byName = Object.fromEntries(nodesOf(arm).map((i) => [i.name, i.inputs.ami]));
        assert.deepStrictEqual(byName, { "control-plane-0": "ami-ubuntu2404arm64", "worker-0": "ami-ubuntu2404amd64", "worker-1": "ami-ubuntu2404amd64" });
    });

    it("boots the prepared node image the CI stack's parameter names for the pinned versions, says which image each role boots, and keeps the user data", async () => {
        const amdKey = nodeImageKey("1.35", "amd64");
        const armKey = nodeImageKey("1.35", "arm64");
        const images = { [amdKey]: "ami-0prepared", [nodeImageKey("1.34", "amd64")]: "ami-0other-minor" };
        const en = { LANG: "en_US.UTF-8" };
        const prepared = await runProgram({ nodeImages: images, env: en });
        const fallback = await runProgram({ env: en });
        const amis = (program: Awaited<ReturnType<typeof runProgram>>) => Object.fromEntries(program.ofType(types.instance).map((i) => [i.name, i.inputs.ami]));
        // The NAT instance boots Canonical's image whatever the account has.
        assert.deepStrictEqual(amis(prepared), { "control-plane-0": "ami-0prepared", "network-nat": "ami-ubuntu2404arm64", "worker-0": "ami-0prepared", "worker-1": "ami-0prepared" });
        assert.deepStrictEqual(amis(fallback), { "control-plane-0": "ami-ubuntu2404amd64", "network-nat": "ami-ubuntu2404arm64", "worker-0": "ami-ubuntu2404amd64", "worker-1": "ami-ubuntu2404amd64" });
        assert.deepStrictEqual(prepared.run.infos.filter((line) => line.includes("node image")), [
            `The control-plane node (control plane, Grafana and productpage) boots the prepared node image ami-0prepared (key ${amdKey}): containerd, Kubernetes and the bootstrap's images are on it already.`,
            `The worker node boots the prepared node image ami-0prepared (key ${amdKey}): containerd, Kubernetes and the bootstrap's images are on it already.`,
        ]);
        assert.deepStrictEqual(fallback.run.infos.filter((line) => line.includes("node image")), ["control-plane node (control plane, Grafana and productpage)", "worker node"].map((role) =>
            `No prepared node image with key ${amdKey} in this account: the ${role} boots Canonical's Ubuntu ami-ubuntu2404amd64, installs containerd and Kubernetes and pulls the bootstrap's images from the internet, which takes longer.`));
        // The run says what it booted, for its timings.
        assert.deepStrictEqual(prepared.output("nodeImage").value, { controlPlane: { key: amdKey, ami: "ami-0prepared" }, worker: { key: amdKey, ami: "ami-0prepared" } });
        assert.deepStrictEqual(fallback.output("nodeImage").value, { controlPlane: "ubuntu", worker: "ubuntu" });
        // Another minor's image or another architecture's is never taken: an arm64 control plane falls back, its amd64 workers do not.
        const arm = (await plan({ nodeImages: images }, { controlPlaneInstanceType: "t4g.large" })).value;
        assert.deepStrictEqual([arm?.controlPlane.ami, arm?.nat?.ami, arm?.worker.ami], ["ami-ubuntu2404arm64", "ami-ubuntu2404arm64", "ami-0prepared"]);
        assert.deepStrictEqual(arm && bootedImages(arm), { controlPlane: "ubuntu", worker: { key: amdKey, ami: "ami-0prepared" } });
        assert.notStrictEqual(armKey, amdKey);
        assert.deepStrictEqual((await plan({ nodeImages: images }, { kubernetesVersion: "1.36" })).value?.worker.ami, "ami-ubuntu2404amd64");
        // The node's user data is the same either way, and a kept lab's nodes stay when a new image appears.
        for (const name of ["control-plane-0", "worker-0"]) {
            assert.strictEqual(prepared.get(types.instance, name).inputs.userData, fallback.get(types.instance, name).inputs.userData);
            assert.deepStrictEqual(prepared.get(types.instance, name).options.ignoreChanges, ["ami"]);
        }
    });

    it("trusts only the parameter: its placeholder, an image the account does not own or that is not available, falls back", async () => {
        const key = nodeImageKey("1.35", "amd64");
        const worker = async (options: HarnessOptions) => (await plan(options)).value?.worker.ami;
        assert.deepStrictEqual(
            [
                await worker({ nodeImages: { [key]: "ami-0prepared" } }),
                // The CI stack's placeholder, before the first build: Canonical's Ubuntu (aws:ec2:image), which the account does not own; "none" before that.
                await worker({ nodeImages: { [key]: "ami-ubuntu2404amd64" }, ownImages: [] }),
                await worker({ nodeImages: { [key]: "none" } }),
                // Named, but not owned by the account or not available (deleted, pending).
                await worker({ nodeImages: { [key]: "ami-0prepared" }, ownImages: [] }),
                // An image of the account tagged with the key, but no parameter names it: never found by tag.
                await worker({ ownImages: ["ami-0tagged"] }),
            ],
            ["ami-0prepared", "ami-ubuntu2404amd64", "ami-ubuntu2404amd64", "ami-ubuntu2404amd64", "ami-ubuntu2404amd64"],
        );
        // A parameter that cannot be read (a deploy role from before the CI stack's update): Ubuntu, and said why; a missing one is said nothing of.
        const denied = "AccessDeniedException: not authorized to perform: ssm:GetParameter";
        const unreadable = await plan({ nodeImages: { [key]: "ami-0prepared" }, nodeImageParameterError: denied });
        assert.strictEqual(unreadable.value?.worker.ami, "ami-ubuntu2404amd64");
        const said = [...new Set(unreadable.warnings.filter((line) => line.includes("parameter")))];
        assert.deepStrictEqual(said.map((line) => line.replace(/\(.*\)/, "(…)")), [`The prepared node image's parameter /imagebuilder/k8s-lab/node-image/${key} could not be read (…): the nodes boot Canonical's Ubuntu.`]);
        assert.match(said[0], /AccessDeniedException: not authorized to perform: ssm:GetParameter/);
        assert.deepStrictEqual((await plan()).warnings.filter((line) => line.includes("parameter")), []);
    });

    it("boots a named image only when it is what Image Builder built for the key: its key's tag, the architecture, Image Builder's tags of this account and region; else warns and boots Ubuntu (en, ko)", async () => {
        const key = nodeImageKey("1.35", "amd64");
        const built = { "k8s-lab:node-image": key, CreatedBy: "EC2 Image Builder", Ec2ImageBuilderArn: "arn:aws:imagebuilder:ap-northeast-2:111122223333:image/k8s-lab-node-amd64/1.0.0/3" };
        const run = (image: { architecture?: string; tags?: Record<string, string> }, language: Language = "en") => plan({ nodeImages: { [key]: "ami-0named" }, images: { "ami-0named": image } }, {}, language);
        const parameter = `/imagebuilder/k8s-lab/node-image/${key}`;
        const said = (reason: string) => [`The prepared node image's parameter ${parameter} names ami-0named, which is not the image Image Builder built for it (${reason}): the nodes boot Canonical's Ubuntu.`];
        const cases: [string, { architecture?: string; tags?: Record<string, string> }, string[], string][] = [
            ["Image Builder's image of the key", { tags: built }, [], "ami-0named"],
            ["another key's image", { tags: { ...built, "k8s-lab:node-image": "0123456789abcdef" } }, said(`its tag k8s-lab:node-image is "0123456789abcdef", not ${key}`), "ami-ubuntu2404amd64"],
            ["an image without the key's tag", { tags: { CreatedBy: built.CreatedBy, Ec2ImageBuilderArn: built.Ec2ImageBuilderArn } }, said(`its tag k8s-lab:node-image is "", not ${key}`), "ami-ubuntu2404amd64"],
            ["an arm64 image", { tags: built, architecture: "arm64" }, said("its architecture is arm64, not x86_64"), "ami-ubuntu2404amd64"],
            ["an image someone tagged by hand", { tags: { ...built, CreatedBy: "someone" } }, said('its tag CreatedBy is "someone", not EC2 Image Builder'), "ami-ubuntu2404amd64"],
            ["an image of another account's Image Builder", { tags: { ...built, Ec2ImageBuilderArn: "arn:aws:imagebuilder:ap-northeast-2:444455556666:image/k8s-lab-node-amd64/1.0.0/3" } },
                said('its tag Ec2ImageBuilderArn is "arn:aws:imagebuilder:ap-northeast-2:444455556666:image/k8s-lab-node-amd64/1.0.0/3", not an Image Builder image of account 111122223333 in ap-northeast-2'), "ami-ubuntu2404amd64"],
            ["an image of another region's Image Builder", { tags: { ...built, Ec2ImageBuilderArn: "arn:aws:imagebuilder:us-east-1:111122223333:image/k8s-lab-node-amd64/1.0.0/3" } },
                said('its tag Ec2ImageBuilderArn is "arn:aws:imagebuilder:us-east-1:111122223333:image/k8s-lab-node-amd64/1.0.0/3", not an Image Builder image of account 111122223333 in ap-northeast-2'), "ami-ubuntu2404amd64"],
            ["an Image Builder component's ARN", { tags: { ...built, Ec2ImageBuilderArn: "arn:aws:imagebuilder:ap-northeast-2:111122223333:component/x/1.0.0/1" } },
                said('its tag Ec2ImageBuilderArn is "arn:aws:imagebuilder:ap-northeast-2:111122223333:component/x/1.0.0/1", not an Image Builder image of account 111122223333 in ap-northeast-2'), "ami-ubuntu2404amd64"],
        ];
        for (const [what, image, warnings, ami] of cases) {
            const called = await run(image);
            assert.deepStrictEqual([what, [...new Set(called.warnings)], called.value?.worker.ami, called.value?.controlPlane.ami], [what, warnings, ami, ami]);
        }
        // One whole run for the wiring: the nodes boot what preflight chose.
        const program = await runProgram({ nodeImages: { [key]: "ami-0named" }, images: { "ami-0named": { tags: { ...built, CreatedBy: "someone" } } }, env: { LANG: "en_US.UTF-8" } });
        assert.deepStrictEqual([[...new Set(program.run.warnings)], program.get(types.instance, "worker-0").inputs.ami], [said('its tag CreatedBy is "someone", not EC2 Image Builder'), "ami-ubuntu2404amd64"]);
        const ko = await run({ tags: { ...built, CreatedBy: "someone" } }, "ko");
        assert.deepStrictEqual([...new Set(ko.warnings)], [
            `준비된 노드 이미지의 파라미터 ${parameter} 값이 가리키는 ami-0named 이미지는 Image Builder가 이 파라미터용으로 만든 이미지가 아닙니다(CreatedBy 태그 값: "someone", 필요한 값: EC2 Image Builder). 노드는 Canonical Ubuntu 이미지로 부팅합니다.`,
        ]);
    });

    it("replaces a node when its user data changes, and gives each role its own", async () => {
        const program = await runProgram();
        const instances = program.ofType(types.instance);
        assert.ok(instances.every((i) => i.inputs.userDataReplaceOnChange === true));
        assert.match(String(program.get(types.instance, "control-plane-0").inputs.userData), /^NODE_ROLE='control-plane'$/m);
        assert.match(String(program.get(types.instance, "worker-0").inputs.userData), /^NODE_ROLE='worker'$/m);
        assert.match(String(program.get(types.instance, "worker-0").inputs.userData), /^LAB_NAME='k8s-lab-dev'$/m);
    });

    it("warns, in the operator's language, when the control-plane type is short of memory", async () => {
        const en = await plan({}, { controlPlaneInstanceType: "t3.medium" });
        assert.deepStrictEqual(en.warnings, [
            "Instance type t3.medium has 4 GiB of memory; the control-plane node (control plane, Grafana and productpage) needs at least 8 GiB and may run out of memory.",
        ]);
        const ko = await plan({}, { controlPlaneInstanceType: "t3.medium" }, "ko");
        assert.match(ko.warnings.join("\n"), /t3\.medium 인스턴스 타입의 메모리는 4 GiB입니다/);
        assert.deepStrictEqual((await runProgram()).run.warnings, [], "the defaults fit");
    });

    it("stops before building anything when an instance type cannot be looked up", async () => {
        const program = await runProgram({ config: { workerInstanceType: "t3a.xlarge" } });
        assert.match(program.run.error?.message ?? "", /^Could not look up the instance type t3a\.xlarge given in workerInstanceType in ap-northeast-2 \(.*InvalidInstanceType.*\)/);
        assert.deepStrictEqual(program.resources.filter((r) => r.type.startsWith("aws:ec2")), []);
    });
});
