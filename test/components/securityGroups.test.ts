import * as assert from "assert";
import { ClusterSecurityGroups, ClusterSecurityGroupsArgs, nodeRules, rulePairs } from "../../components/securityGroups";
import { buildComponent, RecordedResource, Resources, runProgram, types } from "../harness";

const CONTROL_PLANE = "security-groups-control-plane-id";
const WORKERS = "security-groups-workers-id";

/** AWS refuses a rule description with any other character. */
const awsDescription = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** The cluster's own rules from CIDRs (the NAT instance's group is components/natInstance.ts's). */
const cidrRules = (built: Resources): RecordedResource[] => built.ofType(types.ingressRule).filter((r) => r.inputs.cidrIpv4 !== undefined && r.inputs.securityGroupId !== "network-nat-id");
const ports = (rules: RecordedResource[]): string[] => [...new Set(rules.map((r) => `${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort}`))].sort();
const adminRules = (built: Resources) => cidrRules(built).filter((r) => [22, 6443].includes(Number(r.inputs.fromPort))).map((r) => [r.name, r.inputs.cidrIpv4, r.inputs.description]);

/** The groups as index.ts declares them, with the dev stack's defaults unless `args` says. */
const build = (args: Partial<ClusterSecurityGroupsArgs> = {}) =>
    buildComponent((opts) => new ClusterSecurityGroups("security-groups", {
        labName: "k8s-lab-dev",
        vpcId: "network-vpc-id",
        endpoints: [{ publicPort: 30080, purpose: "Bookinfo productpage" }, { publicPort: 30300, purpose: "Grafana" }],
        publicCidrs: ["0.0.0.0/0"],
        adminCidrs: [],
        detectedCidr: "198.51.100.23/32",
        ...args,
    }, opts));

describe("ClusterSecurityGroups", () => {
    it("opens only the public ports of the control-plane node to 0.0.0.0/0", async () => {
        const world = cidrRules(await build()).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
        assert.deepStrictEqual(ports(world), ["tcp/30080-30080", "tcp/30300-30300"]);
        assert.ok(world.every((r) => r.inputs.securityGroupId === CONTROL_PLANE));
    });

    it("opens SSH and the Kubernetes API to the admin CIDRs and the detected IP only", async () => {
        const groups = await build({ adminCidrs: ["203.0.113.0/24"] });
        for (const port of [22, 6443]) {
            const rules = cidrRules(groups).filter((r) => r.inputs.fromPort === port || r.inputs.toPort === port);
            assert.deepStrictEqual(rules.map((r) => r.inputs.cidrIpv4).sort(), ["198.51.100.23/32", "203.0.113.0/24"], `port ${port}`);
            assert.ok(rules.every((r) => r.inputs.securityGroupId === CONTROL_PLANE));
        }
    });

    it("names the detected address's rules by port alone, so that CI can remove exactly them after its job", async () => {
        assert.deepStrictEqual(adminRules(await build({ adminCidrs: ["203.0.113.0/24"] })), [
            ["security-groups-control-plane-admin-22-203.0.113.0-24", "203.0.113.0/24", "SSH from an admin CIDR"],
            ["security-groups-control-plane-admin-6443-203.0.113.0-24", "203.0.113.0/24", "Kubernetes API from an admin CIDR"],
            ["security-groups-control-plane-detected-22", "198.51.100.23/32", "SSH from the machine running pulumi (detected)"],
            ["security-groups-control-plane-detected-6443", "198.51.100.23/32", "Kubernetes API from the machine running pulumi (detected)"],
        ]);
        // Another machine, the same names: its address replaces the last one's.
        assert.deepStrictEqual(adminRules(await build({ detectedCidr: "192.0.2.77/32" })), [
            ["security-groups-control-plane-detected-22", "192.0.2.77/32", "SSH from the machine running pulumi (detected)"],
            ["security-groups-control-plane-detected-6443", "192.0.2.77/32", "Kubernetes API from the machine running pulumi (detected)"],
        ]);
    });

    it("gets the detected address from the program, and no rule of its own when it is already an admin CIDR", async () => {
        const program = await runProgram({ config: { adminCidrs: ["198.51.100.23/32"] } });
        // One rule per port, the configured one, which CI never removes.
        assert.deepStrictEqual(adminRules(program), [
            ["security-groups-control-plane-admin-22-198.51.100.23-32", "198.51.100.23/32", "SSH from an admin CIDR"],
            ["security-groups-control-plane-admin-6443-198.51.100.23-32", "198.51.100.23/32", "Kubernetes API from an admin CIDR"],
        ]);
        assert.deepStrictEqual(adminRules(await runProgram()).map(([, cidr]) => cidr), ["198.51.100.23/32", "198.51.100.23/32"]);
    });

    it("opens the public ports only to the allowed CIDRs when they are narrowed", async () => {
        const groups = await build({ publicCidrs: ["192.0.2.0/24"], endpoints: [{ publicPort: 31080, purpose: "Bookinfo productpage" }, { publicPort: 30300, purpose: "Grafana" }] });
        const publicRules = cidrRules(groups).filter((r) => ![22, 6443].includes(Number(r.inputs.fromPort)));
        assert.deepStrictEqual(ports(publicRules), ["tcp/30300-30300", "tcp/31080-31080"]);
        assert.ok(publicRules.every((r) => r.inputs.cidrIpv4 === "192.0.2.0/24"));
    });

    it("takes nothing from outside the cluster on the workers", async () => {
        const workerRules = (await build()).ofType(types.ingressRule).filter((r) => r.inputs.securityGroupId === WORKERS);
        assert.ok(workerRules.length > 0);
        assert.ok(workerRules.every((r) => r.inputs.cidrIpv4 === undefined && [CONTROL_PLANE, WORKERS].includes(String(r.inputs.referencedSecurityGroupId))));
    });

    it("lets the nodes talk for the CNI, the kubelets and the API server, and nothing wider", async () => {
        const groups = await build();
        const nodeToNode = groups.ofType(types.ingressRule).filter((r) => r.inputs.referencedSecurityGroupId !== undefined);
        const has = (to: string, from: string, protocol: string, port: number): boolean =>
            nodeToNode.some((r) => r.inputs.securityGroupId === to && r.inputs.referencedSecurityGroupId === from && r.inputs.ipProtocol === protocol && r.inputs.fromPort === port);
        for (const [to, from] of [[CONTROL_PLANE, WORKERS], [WORKERS, CONTROL_PLANE], [WORKERS, WORKERS]]) {
            assert.ok(has(to, from, "udp", 4789), `VXLAN ${from} -> ${to}`);
            assert.ok(has(to, from, "tcp", 10250), `kubelet ${from} -> ${to}`);
        }
        assert.ok(has(CONTROL_PLANE, WORKERS, "tcp", 6443), "kubelets reach the API server");
        assert.ok(has(WORKERS, CONTROL_PLANE, "tcp", 22), "the control-plane node is the workers' jump host");
        assert.ok(!has(CONTROL_PLANE, WORKERS, "tcp", 22), "workers do not SSH into the control-plane node");
        assert.ok(groups.ofType(types.ingressRule).every((r) => r.inputs.ipProtocol !== "-1"), "no rule opens every protocol");
        assert.ok(nodeToNode.every((r) => r.inputs.fromPort === r.inputs.toPort), "no port ranges between nodes");
    });

    it("describes every rule by its purpose, in characters AWS accepts", async () => {
        const groups = await build({ adminCidrs: ["203.0.113.0/24"] });
        for (const rule of [...groups.ofType(types.ingressRule), ...groups.ofType(types.egressRule)]) {
            assert.match(String(rule.inputs.description), awsDescription, rule.name);
        }
        for (const group of groups.ofType(types.securityGroup)) {
            assert.match(String(group.inputs.description), awsDescription, group.name);
        }
        const descriptions = groups.ofType(types.ingressRule).map((r) => r.inputs.description);
        for (const rule of nodeRules) assert.ok(descriptions.includes(rule.purpose), rule.purpose);
    });

    it("leaves egress open on both groups", async () => {
        const egress = (await build()).ofType(types.egressRule);
        assert.deepStrictEqual(egress.map((r) => r.inputs.securityGroupId).sort(), [CONTROL_PLANE, WORKERS]);
        assert.ok(egress.every((r) => r.inputs.ipProtocol === "-1" && r.inputs.cidrIpv4 === "0.0.0.0/0"));
    });

    it("maps a rule to the groups it names", () => {
        const rule = (to: "all" | "controlPlane" | "workers", from?: "controlPlane" | "workers") => ({ protocol: "tcp" as const, fromPort: 1, toPort: 1, to, from, purpose: "x" });
        assert.deepStrictEqual(rulePairs(rule("all")), [["controlPlane", "workers"], ["workers", "controlPlane"], ["workers", "workers"]]);
        assert.deepStrictEqual(rulePairs(rule("controlPlane")), [["controlPlane", "workers"]]);
        assert.deepStrictEqual(rulePairs(rule("workers", "controlPlane")), [["workers", "controlPlane"]]);
    });
});
