import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as YAML from "yaml";
import { ConfigError, egressModes, parseConfig, sameTarget } from "../../lib/config";
import { allowedInstanceTypes } from "../../lib/allowList";
import { configSchema } from "../../lib/configSchema";
import { Language, message, MessageKey, translator } from "../../lib/messages";
import { ConfigValue, projectFile, rawConfig } from "../harness/stackConfig";

const env: Record<Language, { LANG: string }> = { en: { LANG: "en_US.UTF-8" }, ko: { LANG: "ko_KR.UTF-8" } };

function parse(overrides: Record<string, ConfigValue>, language: Language = "en") {
    return parseConfig(rawConfig("dev", overrides), "k8s-lab", env[language]);
}

function errorOf(overrides: Record<string, ConfigValue>, language: Language): ConfigError {
    try {
        parse(overrides, language);
    } catch (err) {
        if (err instanceof ConfigError) return err;
        throw err;
    }
    throw new Error(`no error for ${JSON.stringify(overrides)}`);
}

describe("config", () => {
    const devDefaults = {
        language: "auto",
        target: "aws",
        kubeconfig: "",
        kubeContext: "",
        publicHost: "127.0.0.1",
        allowRemoteCluster: false,
        controlPlaneLabelValue: "",
        region: "ap-northeast-2",
        availabilityZone: "",
        vpcCidr: "10.0.0.0/16",
        publicSubnetCidr: "10.0.1.0/24",
        privateSubnetCidr: "10.0.2.0/24",
        podCidr: "10.244.0.0/16",
        serviceCidr: "10.96.0.0/12",
        kubernetesVersion: "1.35",
        cni: "calico",
        exposure: "nodePort",
        controlPlaneWorkloads: [],
        verifyRetrySeconds: 300,
        workerCount: 2,
        workerCapacity: "spot",
        controlPlaneInstanceType: "t3.large",
        workerInstanceType: "t3.medium",
        egress: "natInstance",
        natInstanceType: "t4g.nano",
        rootVolumeSizeGb: 30,
        bookinfoPort: 30080,
        grafanaPort: 30300,
        publicCidrs: ["0.0.0.0/0"],
        adminCidrs: [],
        detectAdminIp: true,
        tags: { Environment: "dev" },
    };

    it("reads the dev stack with the defaults of Pulumi.yaml", () => {
        assert.deepStrictEqual(parse({}), devDefaults);
    });

    it("has Pulumi.yaml declare every key as the schema does: type, default, description, in the schema's order", () => {
        const expected = Object.fromEntries(
            Object.entries(configSchema).map(([key, s]) => [
                key,
                { type: s.type, ...(s.type === "array" ? { items: { type: "string" } } : {}), default: s.default, description: s.description },
            ]),
        );
        const declared = projectFile().config;
        const hint = `Pulumi.yaml's config section should read:\n${YAML.stringify({ config: expected }, { lineWidth: 0 })}`;
        assert.deepStrictEqual(declared, expected, hint);
        assert.deepStrictEqual(Object.keys(declared), Object.keys(expected), hint);
    });

    it("reads exactly the keys the schema declares", () => {
        const read = new Set<string>();
        const get = rawConfig("dev");
        parseConfig((key) => (read.add(key), get(key)), "k8s-lab", env.en);
        assert.deepStrictEqual([...read].sort(), Object.keys(configSchema).sort());
    });

    it("gives a key that is not set the schema's default, as the Pulumi CLI gives Pulumi.yaml's", () => {
        assert.deepStrictEqual(parseConfig(() => undefined, "k8s-lab", env.en), { ...devDefaults, tags: {} });
        assert.deepStrictEqual(parse({ vpcCidr: undefined, workerCapacity: undefined, tags: undefined }), { ...devDefaults, tags: {} });
    });

    it("follows the language key over LANG", () => {
        assert.match(errorOf({ workerCount: 0, language: "ko" }, "en").message, /설정 키/);
        assert.match(errorOf({ workerCount: 0, language: "en" }, "ko").message, /^Config key/);
    });

    it("names the key, the value and what is allowed, in one sentence", () => {
        assert.strictEqual(
            errorOf({ workerCount: 0 }, "en").message,
            'Config key k8s-lab:workerCount has the value "0", which is not allowed: use a whole number from 1 to 10.',
        );
        assert.strictEqual(
            errorOf({ workerCount: 0 }, "ko").message,
            'k8s-lab:workerCount 설정 키에 지정한 "0" 값은 허용되지 않습니다: 1부터 10까지의 정수를 사용하세요.',
        );
    });

    it("reports three bad keys in one run, one sentence each, in the schema's order (en)", () => {
        const err = errorOf({ grafanaPort: 80, workerCount: 11, vpcCidr: "10.0.0.0/8" }, "en");
        assert.deepStrictEqual(err.keys, ["vpcCidr", "workerCount", "grafanaPort"]);
        assert.strictEqual(err.key, "vpcCidr");
        assert.strictEqual(err.name, "ConfigError");
        assert.ok(err instanceof pulumi.RunError);
        assert.strictEqual(
            err.message,
            [
                'Config key k8s-lab:vpcCidr has the value "10.0.0.0/8", which is not allowed: use a block from /16 to /28.',
                'Config key k8s-lab:workerCount has the value "11", which is not allowed: use a whole number from 1 to 10.',
                'Config key k8s-lab:grafanaPort has the value "80", which is not allowed: use a NodePort from 30000 to 32767.',
            ].join("\n"),
        );
    });

    it("reports three bad keys in one run, one sentence each, in the schema's order (ko)", () => {
        const err = errorOf({ tags: ["aws:owner=me"], egress: "nat", language: "ko", detectAdminIp: "yes" }, "en");
        assert.deepStrictEqual(err.keys, ["egress", "detectAdminIp", "tags"]);
        assert.strictEqual(
            err.message,
            [
                'k8s-lab:egress 설정 키에 지정한 "nat" 값은 허용되지 않습니다: natInstance 또는 natGateway를 사용하세요(워커가 인터넷에 나가는 방식).',
                'k8s-lab:detectAdminIp 설정 키에 지정한 "yes" 값은 허용되지 않습니다: true 또는 false를 사용하세요.',
                'k8s-lab:tags 설정 키에 지정한 "aws:owner=me" 값은 허용되지 않습니다: ' +
                    "키는 1~128자이고 aws:로 시작하지 않으며 Project, Stack, ManagedBy, LabId, Name이 아니고 값은 256자 이하인 Key=Value 형식을 사용하세요.",
            ].join("\n"),
        );
    });

    it("checks across keys only the keys that parsed, and names each key once", () => {
        // The subnets cannot be placed in a VPC that is not allowed, nor the ports compared with a port that is not one.
        assert.deepStrictEqual(errorOf({ vpcCidr: "10.0.0.0/33", bookinfoPort: "3oo80", grafanaPort: 30080 }, "en").keys, ["vpcCidr", "bookinfoPort"]);
        assert.deepStrictEqual(errorOf({ region: "Seoul", availabilityZone: "us-east-1a" }, "en").keys, ["region"]);
        assert.deepStrictEqual(errorOf({ adminCidrs: "[", detectAdminIp: false }, "en").keys, ["adminCidrs"]);
        // A pod range over both the VPC and the service range: one sentence, naming the first.
        assert.strictEqual(
            errorOf({ podCidr: "10.0.0.0/8" }, "en").message,
            'Config key k8s-lab:podCidr has the value "10.0.0.0/8", which is not allowed: it must not overlap vpcCidr 10.0.0.0/16.',
        );
        // A /28 VPC is allowed, as are /28 subnets, but two subnets do not fit in it.
        assert.deepStrictEqual(errorOf({ vpcCidr: "10.0.0.0/28", publicSubnetCidr: "10.0.0.0/28", privateSubnetCidr: "10.0.0.0/28" }, "en").keys, ["privateSubnetCidr"]);
        // Every key wrong at once (the zone is checked against the region, which is wrong too; a target that
        // is not one judges no key by target; "bad" is a kubeconfig path, a context, a host name and a label value): one sentence for each.
        const keys = Object.keys(configSchema).filter((key) => !["availabilityZone", "kubeconfig", "kubeContext", "publicHost", "controlPlaneLabelValue"].includes(key));
        const everyKey = errorOf(Object.fromEntries(keys.map((key) => [key, "bad"])), "en");
        assert.deepStrictEqual(everyKey.keys, keys);
        assert.strictEqual(everyKey.message.split("\n").length, keys.length);
    });

    type Case = [string, Record<string, ConfigValue>, string, string, MessageKey, Record<string, string | number>?];
    const types = { types: allowedInstanceTypes.join(", ") };
    const cases: Case[] = [
        ["a malformed VPC CIDR", { vpcCidr: "10.0.0.0/33" }, "vpcCidr", "10.0.0.0/33", "allowed.cidr"],
        ["a VPC CIDR with three octets", { vpcCidr: "10.0.0/16" }, "vpcCidr", "10.0.0/16", "allowed.cidr"],
        ["a CIDR that is not a network address", { vpcCidr: "10.0.0.1/16" }, "vpcCidr", "10.0.0.1/16", "allowed.cidrHostBits", { network: "10.0.0.0/16" }],
        ["a VPC larger than AWS allows", { vpcCidr: "10.0.0.0/8" }, "vpcCidr", "10.0.0.0/8", "allowed.cidrPrefix", { min: 16, max: 28 }],
        ["a subnet outside the VPC", { publicSubnetCidr: "10.1.0.0/24" }, "publicSubnetCidr", "10.1.0.0/24", "allowed.subnetInVpc", { vpcCidr: "10.0.0.0/16" }],
        ["overlapping subnets", { privateSubnetCidr: "10.0.1.0/25" }, "privateSubnetCidr", "10.0.1.0/25", "allowed.noOverlap", { otherKey: "publicSubnetCidr", otherValue: "10.0.1.0/24" }],
        ["a pod range overlapping the VPC", { podCidr: "10.0.0.0/16" }, "podCidr", "10.0.0.0/16", "allowed.noOverlap", { otherKey: "vpcCidr", otherValue: "10.0.0.0/16" }],
        ["a service range overlapping the pods", { serviceCidr: "10.244.0.0/16" }, "serviceCidr", "10.244.0.0/16", "allowed.noOverlap", { otherKey: "podCidr", otherValue: "10.244.0.0/16" }],
        ["a service range kube-apiserver refuses", { serviceCidr: "10.96.0.0/11" }, "serviceCidr", "10.96.0.0/11", "allowed.cidrPrefix", { min: 12, max: 24 }],
        ["a Kubernetes version the kubeadm config cannot serve", { kubernetesVersion: "1.30" }, "kubernetesVersion", "1.30", "allowed.kubernetesVersion", { versions: "1.34, 1.35, 1.36", calico: "v3.32.1" }],
        ["a Kubernetes version given with its patch", { kubernetesVersion: "1.35.9" }, "kubernetesVersion", "1.35.9", "allowed.kubernetesVersion", { versions: "1.34, 1.35, 1.36", calico: "v3.32.1" }],
        ["an unsupported CNI", { cni: "flannel" }, "cni", "flannel", "allowed.cni", { cnis: "calico" }],
        ["no workers", { workerCount: 0 }, "workerCount", "0", "allowed.integerRange", { min: 1, max: 10 }],
        ["too many workers", { workerCount: 11 }, "workerCount", "11", "allowed.integerRange", { min: 1, max: 10 }],
        ["a fractional worker count", { workerCount: "2.5" }, "workerCount", "2.5", "allowed.integerRange", { min: 1, max: 10 }],
        ["a root volume too small for the images", { rootVolumeSizeGb: 8 }, "rootVolumeSizeGb", "8", "allowed.integerRange", { min: 30, max: 500 }],
        ["a public port below the NodePort range", { bookinfoPort: 80 }, "bookinfoPort", "80", "allowed.nodePort"],
        ["a public port above the NodePort range", { grafanaPort: 40000 }, "grafanaPort", "40000", "allowed.nodePort"],
        ["the same public port twice", { grafanaPort: 30080 }, "grafanaPort", "30080", "allowed.distinctPort", { otherKey: "bookinfoPort" }],
        ["an empty control-plane instance type", { controlPlaneInstanceType: "" }, "controlPlaneInstanceType", "", "allowed.instanceType", types],
        ["a worker instance type without a size", { workerInstanceType: "t3" }, "workerInstanceType", "t3", "allowed.instanceType", types],
        ["an unknown language", { language: "fr" }, "language", "fr", "allowed.language"],
        ["a region that is not a region name", { region: "Seoul" }, "region", "Seoul", "allowed.region"],
        ["a zone of another region", { availabilityZone: "us-east-1a" }, "availabilityZone", "us-east-1a", "allowed.availabilityZone", { region: "ap-northeast-2" }],
        ["SSH open to the world", { adminCidrs: ["0.0.0.0/0"] }, "adminCidrs", "0.0.0.0/0", "allowed.adminCidr"],
        ["SSH open to half the world", { adminCidrs: ["0.0.0.0/1"] }, "adminCidrs", "0.0.0.0/1", "allowed.adminCidr"],
        ["no way in for the admin", { adminCidrs: [], detectAdminIp: false }, "adminCidrs", "[]", "allowed.adminPath"],
        // Narrow blocks that add up to more than one /8 holds: the world, with reserved space left out.
        ["two /8s of admin CIDRs", { adminCidrs: ["10.0.0.0/8", "11.0.0.0/8"], detectAdminIp: false }, "adminCidrs", "10.0.0.0/8, 11.0.0.0/8", "allowed.adminCidrTotal", { max: "16,777,216" }],
        ["a /8 and one address outside it", { adminCidrs: ["10.0.0.0/8", "203.0.113.7/32"], detectAdminIp: false }, "adminCidrs", "10.0.0.0/8, 203.0.113.7/32", "allowed.adminCidrTotal", { max: "16,777,216" }],
        ["a /8 with detectAdminIp, which adds this machine's address", { adminCidrs: ["10.0.0.0/8"], detectAdminIp: true }, "adminCidrs", "10.0.0.0/8", "allowed.adminCidrTotal", { max: "16,777,215" }],
        [
            "1.0.0.0/8 to 255.0.0.0/8",
            { adminCidrs: Array.from({ length: 255 }, (_, i) => `${i + 1}.0.0.0/8`), detectAdminIp: false },
            "adminCidrs",
            Array.from({ length: 255 }, (_, i) => `${i + 1}.0.0.0/8`).join(", "),
            "allowed.adminCidrTotal",
            { max: "16,777,216" },
        ],
        ["a malformed public CIDR", { publicCidrs: ["everyone"] }, "publicCidrs", "everyone", "allowed.cidr"],
        ["public CIDRs that are not a list", { publicCidrs: "0.0.0.0/0" }, "publicCidrs", "0.0.0.0/0", "allowed.stringList"],
        ["a boolean that is not one", { detectAdminIp: "yes" }, "detectAdminIp", "yes", "allowed.boolean"],
        ["a tag overriding a lab tag", { tags: ["Project=other"] }, "tags", "Project=other", "allowed.tag"],
        ["a tag overriding the lab's identity, which the sweep trusts", { tags: ["LabId=someone-else"] }, "tags", "LabId=someone-else", "allowed.tag"],
        ["a tag without a value separator", { tags: ["Owner"] }, "tags", "Owner", "allowed.tag"],
        ["a tag with an empty key", { tags: ["=value"] }, "tags", "=value", "allowed.tag"],
        ["a tag key of 129 characters", { tags: [`${"k".repeat(129)}=v`] }, "tags", `${"k".repeat(129)}=v`, "allowed.tag"],
        ["a tag value of 257 characters", { tags: [`Owner=${"v".repeat(257)}`] }, "tags", `Owner=${"v".repeat(257)}`, "allowed.tag"],
        ...["aws:owner=me", "AWS:owner=me", "Aws:owner=me"].map((entry): Case => [`a tag key with AWS's reserved prefix (${entry})`, { tags: ["Owner=me", entry] }, "tags", entry, "allowed.tag"]),
        ...["Project", "Stack", "ManagedBy", "LabId", "Name"].map((reserved): Case => [`a tag setting the lab's ${reserved}`, { tags: [`${reserved}=x`] }, "tags", `${reserved}=x`, "allowed.tag"]),
        // Both sides of each boundary: the bad side here, the good side in the accepted values below.
        ["a VPC wider than /16", { vpcCidr: "10.0.0.0/15" }, "vpcCidr", "10.0.0.0/15", "allowed.cidrPrefix", { min: 16, max: 28 }],
        ["a subnet narrower than /28", { publicSubnetCidr: "10.0.1.0/29" }, "publicSubnetCidr", "10.0.1.0/29", "allowed.cidrPrefix", { min: 16, max: 28 }],
        ["a pod range wider than /8", { podCidr: "10.0.0.0/7" }, "podCidr", "10.0.0.0/7", "allowed.cidrPrefix", { min: 8, max: 22 }],
        ["a pod range narrower than /22", { podCidr: "10.244.0.0/23" }, "podCidr", "10.244.0.0/23", "allowed.cidrPrefix", { min: 8, max: 22 }],
        ["a service range narrower than /24", { serviceCidr: "10.96.0.0/25" }, "serviceCidr", "10.96.0.0/25", "allowed.cidrPrefix", { min: 12, max: 24 }],
        ["a NodePort just below the range", { bookinfoPort: 29999 }, "bookinfoPort", "29999", "allowed.nodePort"],
        ["a NodePort just above the range", { grafanaPort: 32768 }, "grafanaPort", "32768", "allowed.nodePort"],
        ["an admin CIDR of /7", { adminCidrs: ["10.0.0.0/7"] }, "adminCidrs", "10.0.0.0/7", "allowed.adminCidr"],
        ["a root volume of 29 GB", { rootVolumeSizeGb: 29 }, "rootVolumeSizeGb", "29", "allowed.integerRange", { min: 30, max: 500 }],
        ["a root volume of 501 GB", { rootVolumeSizeGb: 501 }, "rootVolumeSizeGb", "501", "allowed.integerRange", { min: 30, max: 500 }],
        ["a negative retry time", { verifyRetrySeconds: -1 }, "verifyRetrySeconds", "-1", "allowed.integerRange", { min: 0, max: 3600 }],
        ["a retry time over an hour", { verifyRetrySeconds: 3601 }, "verifyRetrySeconds", "3601", "allowed.integerRange", { min: 0, max: 3600 }],
        // Trailing garbage.
        ["a NodePort with trailing letters", { bookinfoPort: "30080abc" }, "bookinfoPort", "30080abc", "allowed.nodePort"],
        ["a worker count with trailing letters", { workerCount: "2x" }, "workerCount", "2x", "allowed.integerRange", { min: 1, max: 10 }],
        ["a retry time with a unit", { verifyRetrySeconds: "300s" }, "verifyRetrySeconds", "300s", "allowed.integerRange", { min: 0, max: 3600 }],
        ["a CIDR with a trailing letter", { vpcCidr: "10.0.0.0/16x" }, "vpcCidr", "10.0.0.0/16x", "allowed.cidr"],
        ["a boolean with a trailing letter", { detectAdminIp: "truee" }, "detectAdminIp", "truee", "allowed.boolean"],
        ["a region with a trailing letter", { region: "us-east-1x" }, "region", "us-east-1x", "allowed.region"],
        ["an instance type with a trailing space", { workerInstanceType: "t3.medium " }, "workerInstanceType", "t3.medium ", "allowed.instanceType", types],
        // Ranges that overlap from different base addresses.
        ["a pod range inside the VPC from another base", { podCidr: "10.0.128.0/17" }, "podCidr", "10.0.128.0/17", "allowed.noOverlap", { otherKey: "vpcCidr", otherValue: "10.0.0.0/16" }],
        [
            "a pod range around the VPC from another base",
            { vpcCidr: "10.0.128.0/17", publicSubnetCidr: "10.0.129.0/24", privateSubnetCidr: "10.0.130.0/24", podCidr: "10.0.0.0/16" },
            "podCidr",
            "10.0.0.0/16",
            "allowed.noOverlap",
            { otherKey: "vpcCidr", otherValue: "10.0.128.0/17" },
        ],
        ["a service range inside the VPC from another base", { serviceCidr: "10.0.64.0/18" }, "serviceCidr", "10.0.64.0/18", "allowed.noOverlap", { otherKey: "vpcCidr", otherValue: "10.0.0.0/16" }],
        ["a service range around the pods from another base", { serviceCidr: "10.240.0.0/12" }, "serviceCidr", "10.240.0.0/12", "allowed.noOverlap", { otherKey: "podCidr", otherValue: "10.244.0.0/16" }],
        ["a private subnet around the public one from another base", { privateSubnetCidr: "10.0.0.0/23" }, "privateSubnetCidr", "10.0.0.0/23", "allowed.noOverlap", { otherKey: "publicSubnetCidr", otherValue: "10.0.1.0/24" }],
        ["a subnet wider than the VPC", { vpcCidr: "10.0.0.0/20", publicSubnetCidr: "10.0.0.0/19", privateSubnetCidr: "10.0.2.0/24" }, "publicSubnetCidr", "10.0.0.0/19", "allowed.subnetInVpc", { vpcCidr: "10.0.0.0/20" }],
        // The keys of issue 13.
        ["a worker capacity spelt otherwise", { workerCapacity: "ondemand" }, "workerCapacity", "ondemand", "allowed.workerCapacity", { capacities: "spot, onDemand" }],
        ["an egress that is not one", { egress: "internetGateway" }, "egress", "internetGateway", "allowed.egress"],
        ["a NAT instance type without a size", { natInstanceType: "t4g" }, "natInstanceType", "t4g", "allowed.instanceType", types],
        // Well-formed types off the allow-list, which IAM and the policy pack would refuse at deploy time.
        ["a NAT instance type that does not exist", { natInstanceType: "t9.huge" }, "natInstanceType", "t9.huge", "allowed.instanceType", types],
        ["a NAT instance type off the allow-list", { natInstanceType: "t3.micro" }, "natInstanceType", "t3.micro", "allowed.instanceType", types],
        ["a control-plane type off the allow-list", { controlPlaneInstanceType: "m7i-flex.large" }, "controlPlaneInstanceType", "m7i-flex.large", "allowed.instanceType", types],
        ["a worker type one size above the allow-list", { workerInstanceType: "t3.2xlarge" }, "workerInstanceType", "t3.2xlarge", "allowed.instanceType", types],
    ];

    for (const [what, overrides, key, value, allowed, params] of cases) {
        for (const language of ["en", "ko"] as Language[]) {
            it(`rejects ${what} (${language})`, () => {
                const err = errorOf(overrides, language);
                const allowedText = (message as (l: Language, k: MessageKey, p?: object) => string)(language, allowed, params);
                const expected = message(language, "config.invalid", { key: `k8s-lab:${key}`, value: JSON.stringify(value), allowed: allowedText });
                assert.strictEqual(err.message, expected);
                assert.deepStrictEqual([err.key, err.keys], [key, [key]]);
                assert.doesNotMatch(err.message, /\{\w+\}/, "a parameter was left unfilled");
                assert.doesNotMatch(err.message, /\n/);
            });
        }
    }

    it("accepts admin CIDRs that add up to one /8's worth at most, counting the detected address", () => {
        const accepted = [
            { adminCidrs: ["10.0.0.0/8", "10.1.2.3/32"], detectAdminIp: false },
            { adminCidrs: ["10.0.0.0/9", "11.0.0.0/9"], detectAdminIp: false },
            { adminCidrs: ["10.0.0.0/9", "11.0.0.0/10", "11.64.0.0/11"], detectAdminIp: true },
        ];
        assert.deepStrictEqual(accepted.map((overrides) => parse(overrides).adminCidrs), accepted.map((overrides) => overrides.adminCidrs));
    });

    it("names each egress mode in the egress message, which writes them out in words", () => {
        for (const language of ["en", "ko"] as Language[]) {
            assert.deepStrictEqual([...message(language, "allowed.egress").matchAll(/\bnat\w+/g)].map((m) => m[0]), [...egressModes], language);
        }
    });

    it("accepts narrower admin CIDRs and the user's own tags", () => {
        const config = parse({ adminCidrs: ["203.0.113.0/24", "10.20.0.0/16"], tags: ["Owner=platform", "CostCenter=lab=1"] });
        assert.deepStrictEqual(config.adminCidrs, ["203.0.113.0/24", "10.20.0.0/16"]);
        assert.deepStrictEqual(config.tags, { Owner: "platform", CostCenter: "lab=1" });
    });

    it("accepts valid values other than the defaults, and each boundary's good side", () => {
        const accepted: Record<string, ConfigValue>[] = [
            { controlPlaneInstanceType: "t3a.large", workerInstanceType: "m7i.large", natInstanceType: "t4g.medium" },
            { controlPlaneInstanceType: "m7g.large", workerInstanceType: "t3.xlarge", natInstanceType: "t4g.nano" },
            { region: "us-gov-west-1", availabilityZone: "us-gov-west-1b" },
            { region: "eu-central-2", availabilityZone: "eu-central-2c" },
            { workerCount: 1, workerCapacity: "onDemand", egress: "natGateway" },
            { workerCount: 10 },
            { bookinfoPort: 30000, grafanaPort: 32767 },
            { rootVolumeSizeGb: 500, verifyRetrySeconds: 0 },
            { rootVolumeSizeGb: 30, verifyRetrySeconds: 3600 },
            { adminCidrs: ["10.0.0.0/8"], detectAdminIp: false },
            { vpcCidr: "10.0.0.0/16", publicSubnetCidr: "10.0.0.0/28", privateSubnetCidr: "10.0.255.240/28" },
            { vpcCidr: "10.0.0.0/27", publicSubnetCidr: "10.0.0.0/28", privateSubnetCidr: "10.0.0.16/28" },
            { podCidr: "100.0.0.0/8", serviceCidr: "10.96.0.0/24" },
            { podCidr: "10.244.0.0/22", serviceCidr: "172.16.0.0/12" },
            // Ranges side by side, from different base addresses, do not overlap.
            { vpcCidr: "10.0.128.0/17", publicSubnetCidr: "10.0.128.0/24", privateSubnetCidr: "10.0.129.0/24", podCidr: "10.0.0.0/17", serviceCidr: "10.1.0.0/16" },
            { controlPlaneWorkloads: ["monitoring/kube-prometheus-stack-prometheus", "default/web.v1"] },
            { tags: [`${"k".repeat(128)}=${"v".repeat(256)}`, "Owner=", "awsome=yes", "Team=a=b"] },
        ];
        const expected = (overrides: Record<string, ConfigValue>) => {
            const { tags, ...rest } = overrides;
            return {
                ...devDefaults,
                ...rest,
                tags: Array.isArray(tags) ? Object.fromEntries(tags.map((tag) => [tag.slice(0, tag.indexOf("=")), tag.slice(tag.indexOf("=") + 1)])) : devDefaults.tags,
            };
        };
        assert.deepStrictEqual(accepted.map((overrides) => parse(overrides)), accepted.map(expected));
    });
});

describe("config of the existingCluster target", () => {
    /** The dev stack on an existing cluster: the dev stack's AWS keys (region, tags) removed, a context named. */
    const cluster: Record<string, ConfigValue> = { target: "existingCluster", kubeContext: "kind-k8s-lab", region: undefined, tags: undefined };

    it("reads the cluster's keys, and keeps every AWS key at its default", () => {
        const config = parse({ ...cluster, kubeconfig: "~/.kube/kind", publicHost: "lab.example", allowRemoteCluster: true, controlPlaneLabelValue: "true", exposure: "hostPort" });
        const aws = parseConfig(() => undefined, "k8s-lab", env.en);
        assert.deepStrictEqual(config, {
            ...aws, target: "existingCluster", kubeconfig: "~/.kube/kind", kubeContext: "kind-k8s-lab", publicHost: "lab.example", allowRemoteCluster: true, controlPlaneLabelValue: "true", exposure: "hostPort",
        });
    });

    it("takes a publicHost on this machine (Grafana's admin password goes there), another only with allowRemoteCluster (en, ko)", () => {
        // 0.0.0.0 is taken, as for the API server: a connection to it stays on this machine. ::1 is no host name nor IPv4 address (allowed.publicHost).
        assert.deepStrictEqual(["127.0.0.1", "127.0.0.2", "localhost", "0.0.0.0"].map((publicHost) => parse({ ...cluster, publicHost }).publicHost), ["127.0.0.1", "127.0.0.2", "localhost", "0.0.0.0"]);
        assert.strictEqual(parse(cluster).publicHost, "127.0.0.1");
        assert.deepStrictEqual(["lab.example", "192.168.1.10", "localhost.example.com"].map((publicHost) => parse({ ...cluster, publicHost, allowRemoteCluster: true }).publicHost), ["lab.example", "192.168.1.10", "localhost.example.com"]);
        assert.deepStrictEqual(errorOf({ ...cluster, publicHost: "::1" }, "en").keys, ["publicHost"]);
        assert.deepStrictEqual((["en", "ko"] as const).map((language) => errorOf({ ...cluster, publicHost: "192.168.1.10" }, language).message), [
            'Config key k8s-lab:publicHost has the value "192.168.1.10", which is not allowed: use a host on this machine, such as 127.0.0.1 or localhost, since lab verify sends Grafana\'s admin password there; set k8s-lab:allowRemoteCluster to true only when the lab is on a cluster elsewhere.',
            'k8s-lab:publicHost 설정 키에 지정한 "192.168.1.10" 값은 허용되지 않습니다: lab verify가 Grafana 관리자 비밀번호를 이 호스트로 보내므로 127.0.0.1이나 localhost처럼 이 컴퓨터의 호스트를 사용하고, 실습 환경이 다른 곳의 클러스터에 있을 때에만 k8s-lab:allowRemoteCluster 설정을 true로 지정하세요.',
        ]);
        // An allowRemoteCluster that is not a boolean is named alone.
        assert.deepStrictEqual(errorOf({ ...cluster, publicHost: "lab.example", allowRemoteCluster: "yes" }, "en").keys, ["allowRemoteCluster"]);
    });

    it("takes an AWS key set to its default as not set, as the CLI hands every default over", () => {
        assert.strictEqual(parse({ ...cluster, region: "ap-northeast-2", workerCount: 2, publicCidrs: ["0.0.0.0/0"] }).target, "existingCluster");
    });

    const sentences: Record<Language, string[]> = {
        en: [
            "Config key k8s-lab:region does not apply to the existingCluster target, so remove it from the stack's config: it shapes the AWS network, nodes or cluster, and that target builds none of them.",
            'Config key k8s-lab:exposure has the value "portForward", which is not allowed: use one of nodePort, hostPort, since portForward runs systemd services on a node over SSH, which the existingCluster target does not reach.',
            'Config key k8s-lab:kubeContext has the value "", which is not allowed: with target existingCluster, name the kubeconfig context to deploy into, such as kind-k8s-lab, since a lab never deploys into whichever context happens to be current.',
        ],
        ko: [
            "k8s-lab:region 설정 키는 existingCluster 대상에 적용되지 않으므로 스택 설정에서 지우세요: AWS 네트워크, 노드, 클러스터를 정하는 키이며 이 대상은 그것들을 만들지 않습니다.",
            'k8s-lab:exposure 설정 키에 지정한 "portForward" 값은 허용되지 않습니다: portForward는 SSH로 노드에 systemd 서비스를 두는데 existingCluster 대상은 노드에 SSH로 접속하지 않으므로 nodePort, hostPort 중 하나를 사용하세요.',
            'k8s-lab:kubeContext 설정 키에 지정한 "" 값은 허용되지 않습니다: 실습 환경은 현재 선택된 컨텍스트에 아무렇게나 배포하지 않으므로 target이 existingCluster이면 배포할 kubeconfig 컨텍스트를 kind-k8s-lab처럼 지정하세요.',
        ],
    };
    for (const language of ["en", "ko"] as const) {
        it(`refuses a set AWS key, portForward and a missing context, each one sentence (${language})`, () => {
            const one = (overrides: Record<string, ConfigValue>) => errorOf({ ...cluster, ...overrides }, language);
            assert.deepStrictEqual([one({ region: "us-east-1" }).message, one({ exposure: "portForward" }).message, one({ kubeContext: "" }).message], sentences[language]);
            // All three at once: three sentences, in the schema's order.
            const all = one({ region: "us-east-1", exposure: "portForward", kubeContext: undefined });
            assert.deepStrictEqual(all.keys, ["kubeContext", "region", "exposure"]);
            assert.deepStrictEqual(all.message.split("\n").sort(), [...sentences[language]].sort());
        });
    }

    it("refuses each set AWS key, even one whose value is not allowed either, and never prints the kubeconfig", () => {
        const err = errorOf({ ...cluster, workerCount: 0, tags: ["Owner=me"], detectAdminIp: false, egress: "natGateway" }, "en");
        assert.deepStrictEqual(err.keys, ["workerCount", "egress", "detectAdminIp", "tags"]);
        assert.ok(err.message.split("\n").every((line) => line.includes("does not apply to the existingCluster target")));
        const content = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user: {token: s3cret}\n";
        const aws = errorOf({ kubeconfig: content, kubeContext: "kind-k8s-lab" }, "en");
        assert.deepStrictEqual(aws.keys, ["kubeconfig", "kubeContext"]);
        assert.strictEqual(
            aws.message.split("\n")[0],
            "Config key k8s-lab:kubeconfig does not apply to the aws target, so remove it from the stack's config: it names the existing cluster to deploy onto, and that target builds its own.",
        );
        assert.doesNotMatch(aws.message, /s3cret/);
    });

    it("serves the two exposures an existing cluster allows, and refuses a target that is not one", () => {
        assert.strictEqual(parse({ ...cluster, exposure: "hostPort" }).exposure, "hostPort");
        assert.strictEqual(parse({ ...cluster, exposure: "nodePort" }).exposure, "nodePort");
        assert.strictEqual(errorOf({ target: "kind" }, "en").message, 'Config key k8s-lab:target has the value "kind", which is not allowed: use one of aws, existingCluster.');
        assert.deepStrictEqual(errorOf({ ...cluster, publicHost: "http://localhost", controlPlaneLabelValue: "yes please" }, "en").keys, ["publicHost", "controlPlaneLabelValue"]);
    });
});

describe("a lab's target (sameTarget)", () => {
    const check = (configured: string, previous: { target: unknown; exposure: unknown }, language: Language = "en") => {
        try {
            sameTarget(configured, previous, "k8s-lab", translator(language));
            return "kept";
        } catch (e) {
            assert.ok(e instanceof ConfigError && e.key === "target");
            return e.message;
        }
    };

    it("lets a new lab take any target and a lab keep its own; a lab from before the key runs on aws", () => {
        assert.deepStrictEqual(
            [check("existingCluster", { target: undefined, exposure: undefined }), check("aws", { target: "aws", exposure: "nodePort" }), check("aws", { target: undefined, exposure: "hostPort" })],
            ["kept", "kept", "kept"],
        );
    });

    it("refuses another target than the lab's in one sentence (en, ko)", () => {
        assert.deepStrictEqual([check("existingCluster", { target: undefined, exposure: "nodePort" }), check("aws", { target: "existingCluster", exposure: "nodePort" }, "ko")], [
            "This stack's lab runs on target aws and k8s-lab:target is now existingCluster: switching would delete the lab while building the other, so destroy the lab first (npx k8s-lab destroy), then apply with the new target.",
            "이 스택의 실습 환경은 existingCluster 대상에서 실행 중인데 설정 키 k8s-lab:target 값은 이제 aws 대상입니다. 대상을 바꾸면 다른 대상을 만들면서 실습 환경을 지우게 되므로 먼저 실습 환경을 삭제(npx k8s-lab destroy)한 뒤 새 대상으로 적용하세요.",
        ]);
    });
});
