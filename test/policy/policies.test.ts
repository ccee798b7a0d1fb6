import * as assert from "assert";
import { catalogue } from "../../lib/messages";
import { policyMessages } from "../../policy/messages";
import { policies, ResourceValidationArgs } from "../../policy/policies";
import { Program, RecordedResource, runProgram } from "../harness";

type Resource = { type: string; name: string; props: Record<string, unknown>; provider?: { type: string; props: Record<string, unknown> } };

/**
 * Arguments as the policy engine builds them. With @pulumi/policy 1.21, `validateResourceOfType`
 * calls `notApplicable()` for other types, so the hand-built object provides it.
 */
function argsFor(r: Resource, config: Record<string, unknown> = {}): ResourceValidationArgs {
    return {
        type: r.type,
        name: r.name,
        urn: `urn:pulumi:dev::k8s-lab::${r.type}::${r.name}`,
        props: r.props,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        provider: r.provider && { type: r.provider.type, urn: "", name: "", props: r.provider.props },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
        },
    } as ResourceValidationArgs;
}

/** Runs every policy on a resource; returns `policy: message` for each violation. */
async function violations(r: Resource, config: Record<string, unknown> = {}): Promise<string[]> {
    const found: string[] = [];
    for (const policy of policies) {
        await policy.validateResource(argsFor(r, config), (message: string) => void found.push(`${policy.name}: ${message}`));
    }
    return found;
}

function asPolicyResource(program: Program, r: RecordedResource): Resource {
    const provider = r.provider?.match(/pulumi:providers:(\w+)::(\S+?)::/);
    const providerResource = provider ? program.resources.find((p) => p.type === `pulumi:providers:${provider[1]}` && p.name === provider[2]) : undefined;
    return { type: r.type, name: r.name, props: r.inputs, provider: providerResource && { type: providerResource.type, props: providerResource.inputs } };
}

describe("policy pack", () => {
    it("keeps its messages identical to the main catalogue's, in both languages", () => {
        for (const language of ["en", "ko"] as const) {
            for (const [key, text] of Object.entries(policyMessages[language])) {
                assert.strictEqual((catalogue[language] as Record<string, string>)[key], text, `${language} ${key}`);
            }
        }
    });

    for (const exposure of ["nodePort", "portForward", "hostPort"]) {
        it(`reports nothing on any resource the program declares (dev stack, ${exposure})`, async () => {
            const program = await runProgram({ config: { exposure } });
            const found = (await Promise.all(program.resources.map((r) => violations(asPolicyResource(program, r))))).flat();
            assert.deepStrictEqual(found, []);
            assert.ok(program.resources.length > 50);
        });
    }

    const provider = { type: "pulumi:providers:aws", props: { defaultTags: JSON.stringify({ tags: { Project: "k8s-lab", Stack: "dev", ManagedBy: "pulumi" } }) } };
    const sg = (ingress: Record<string, unknown>[]): Resource => ({ type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", props: { ingress }, provider });
    const rule = (props: Record<string, unknown>): Resource => ({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "rule", props, provider });
    const vpcRule = (props: Record<string, unknown>): Resource => ({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "vpc-rule", props, provider });
    const instance = (props: Record<string, unknown>): Resource => ({
        type: "aws:ec2/instance:Instance",
        name: "node",
        props: { instanceType: "t3.large", metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, ...props },
        provider,
    });

    const bad: [string, Resource, RegExp][] = [
        ["inline SSH from the world", sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]), /no-world-ssh-or-api: sg opens 22 \(SSH\) to 0\.0\.0\.0\/0/],
        ["inline ingress on another port", sg([{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }]), /no-world-ingress-except-public-ports: sg opens 8080\/tcp to 0\.0\.0\.0\/0; only 30080, 30300 may be open/],
        ["an IPv6 world CIDR", sg([{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }]), /sg opens 443\/tcp to ::\/0/],
        ["a range that includes a public port and others", rule({ type: "ingress", protocol: "tcp", fromPort: 30000, toPort: 30100, cidrBlocks: ["0.0.0.0/0"] }), /rule opens 30000-30100\/tcp to 0\.0\.0\.0\/0/],
        ["protocol -1, every port", rule({ type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }), /rule opens 0-65535\/all to 0\.0\.0\.0\/0/],
        ["a vpc ingress rule on 6443", vpcRule({ ipProtocol: "tcp", fromPort: 6443, toPort: 6443, cidrIpv4: "0.0.0.0/0" }), /vpc-rule opens 6443 \(Kubernetes API\) to 0\.0\.0\.0\/0/],
        ["a vpc ingress rule with protocol -1", vpcRule({ ipProtocol: "-1", cidrIpv6: "::/0" }), /vpc-rule opens 0-65535\/all to ::\/0/],
        ["an instance without IMDSv2", instance({ metadataOptions: { httpTokens: "optional" } }), /imdsv2-required: node does not require IMDSv2/],
        ["an unencrypted root volume", instance({ rootBlockDevice: { volumeSize: 30 } }), /encrypted-volumes: node has an unencrypted volume \(root\)/],
        ["an unencrypted extra volume", instance({ ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] }), /node has an unencrypted volume \(\/dev\/sdf\)/],
        ["an instance type off the list", instance({ instanceType: "p5.48xlarge" }), /instance-type-allow-list: node uses instance type p5\.48xlarge/],
        ["a resource without the lab's tags", { type: "aws:ec2/vpc:Vpc", name: "vpc", props: { tags: { Name: "x" } }, provider: { type: "pulumi:providers:aws", props: {} } }, /required-tags: vpc lacks the tags Project, Stack, ManagedBy/],
        ["a LoadBalancer Service", { type: "kubernetes:core/v1:Service", name: "lb", props: { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } } }, /no-loadbalancer-services: lb is a LoadBalancer Service/],
    ];
    for (const [what, resource, expected] of bad) {
        it(`reports ${what}`, async () => {
            const found = await violations(resource);
            assert.ok(found.some((v) => expected.test(v)), found.join("\n") || "nothing reported");
        });
    }

    it("allows the public ports to the world, and takes other ports from the pack config", async () => {
        assert.deepStrictEqual(await violations(vpcRule({ ipProtocol: "tcp", fromPort: 30080, toPort: 30080, cidrIpv4: "0.0.0.0/0" })), []);
        assert.deepStrictEqual(await violations(vpcRule({ ipProtocol: "tcp", fromPort: 8443, toPort: 8443, cidrIpv4: "0.0.0.0/0" }), { allowedPorts: [8443] }), []);
        assert.deepStrictEqual(await violations(vpcRule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "203.0.113.7/32" })), [], "SSH from an admin CIDR");
    });

    it("speaks Korean to a Korean operator", async () => {
        const lang = process.env.LANG;
        process.env.LANG = "ko_KR.UTF-8";
        try {
            const found = await violations(sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]));
            assert.ok(found.some((v) => v.includes("SSH와 Kubernetes API는 절대 전체 인터넷에 열지 않습니다")), found.join("\n"));
        } finally {
            process.env.LANG = lang;
        }
    });
});
