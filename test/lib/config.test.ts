import * as assert from "assert";
import { ConfigError, parseConfig } from "../../lib/config";
import { Language, message, MessageKey } from "../../lib/messages";
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
    it("reads the dev stack with the defaults of Pulumi.yaml", () => {
        const config = parse({});
        assert.strictEqual(config.region, "ap-northeast-2");
        assert.strictEqual(config.workerCount, 2);
        assert.deepStrictEqual([config.bookinfoPort, config.grafanaPort], [30080, 30300]);
        assert.deepStrictEqual(config.publicCidrs, ["0.0.0.0/0"]);
        assert.deepStrictEqual(config.adminCidrs, []);
        assert.strictEqual(config.detectAdminIp, true);
        assert.strictEqual(config.controlPlaneInstanceType, "t3.large");
        assert.ok(config.rootVolumeSizeGb >= 30);
        assert.deepStrictEqual(config.tags, { Environment: "dev" });
    });

    it("reads exactly the keys Pulumi.yaml declares, each with a type, a default and a description", () => {
        const read = new Set<string>();
        const get = rawConfig("dev");
        parseConfig((key) => (read.add(key), get(key)), "k8s-lab", env.en);
        const declared = projectFile().config;
        assert.deepStrictEqual([...read].sort(), Object.keys(declared).sort());
        for (const [key, d] of Object.entries(declared)) {
            assert.ok(d.type && d.default !== undefined && d.description, `${key} lacks a type, default or description`);
        }
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
        assert.strictEqual(
            errorOf({ vpcCidr: undefined }, "en").message,
            "Config key k8s-lab:vpcCidr is not set: use an IPv4 CIDR block such as 10.0.0.0/16.",
        );
    });

    type Case = [string, Record<string, ConfigValue>, string, string, MessageKey, Record<string, string | number>?];
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
        ["an empty control-plane instance type", { controlPlaneInstanceType: "" }, "controlPlaneInstanceType", "", "allowed.instanceType"],
        ["a worker instance type without a size", { workerInstanceType: "t3" }, "workerInstanceType", "t3", "allowed.instanceType"],
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
    ];

    for (const [what, overrides, key, value, allowed, params] of cases) {
        for (const language of ["en", "ko"] as Language[]) {
            it(`stops on ${what} (${language})`, () => {
                const err = errorOf(overrides, language);
                const allowedText = (message as (l: Language, k: MessageKey, p?: object) => string)(language, allowed, params);
                const expected = message(language, "config.invalid", { key: `k8s-lab:${key}`, value: JSON.stringify(value), allowed: allowedText });
                assert.strictEqual(err.message, expected);
                assert.strictEqual(err.key, key);
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

    it("accepts narrower admin CIDRs and the user's own tags", () => {
        const config = parse({ adminCidrs: ["203.0.113.0/24", "10.20.0.0/16"], tags: ["Owner=platform", "CostCenter=lab=1"] });
        assert.deepStrictEqual(config.adminCidrs, ["203.0.113.0/24", "10.20.0.0/16"]);
        assert.deepStrictEqual(config.tags, { Owner: "platform", CostCenter: "lab=1" });
    });
});
