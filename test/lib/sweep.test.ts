import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackRegion } from "../../cli/awsSweep";
import { deleteOrder, goneAmong, GroupRule, isNotFound, Leftover, sweep, SweepClient } from "../../lib/sweep";
import { runProgram, types } from "../harness";
import { root } from "../harness/stackConfig";

const arn = (type: string, id: string) => `arn:aws:ec2:ap-northeast-2:123456789012:${type}/${id}`;
const ours = { Project: "k8s-lab", Stack: "dev", LabId: "0a1b2c3d4e5f6789" };

/**
 * A small EC2 account: resources with tags, security-group rules that may name another group;
 * like EC2 it refuses to delete a group that a rule of another group still names.
 */
function account() {
    const resources: { arn: string; tags: Record<string, string> }[] = [];
    let rules: GroupRule[] = [];
    const calls: string[] = [];
    const add = (type: string, id: string, tags: Record<string, string>) => resources.push({ arn: arn(type, id), tags });
    const client: SweepClient = {
        tagged: async (tags) => resources.filter((r) => Object.entries(tags).every(([k, v]) => r.tags[k] === v)).map((r) => r.arn),
        groupReferences: async (ids) => (calls.push(`references ${ids.join(" ")}`), rules.filter((r) => ids.includes(r.groupId))),
        revoke: async (rule) => {
            calls.push(`revoke ${rule.ruleId}`);
            rules = rules.filter((r) => r.ruleId !== rule.ruleId);
        },
        remove: async (r: Leftover) => {
            if (r.type === "security-group" && rules.some((rule) => rule.referencedGroupId === r.id && rule.groupId !== r.id)) {
                throw new Error(`DependencyViolation: resource ${r.id} has a dependent object`);
            }
            calls.push(`delete ${r.type}/${r.id}`);
            const index = resources.findIndex((x) => x.arn === r.arn);
            resources.splice(index, 1);
        },
    };
    return { client, calls, add, resources, setRules: (r: GroupRule[]) => (rules = r) };
}

describe("sweep", () => {
    it("revokes the rules by which the two groups name each other, then deletes the groups", async () => {
        const aws = account();
        aws.add("instance", "i-1", ours);
        aws.add("security-group", "sg-cp", ours);
        aws.add("security-group", "sg-w", ours);
        aws.add("vpc", "vpc-1", ours);
        aws.setRules([
            { groupId: "sg-cp", ruleId: "sgr-1", egress: false, referencedGroupId: "sg-w" },
            { groupId: "sg-w", ruleId: "sgr-2", egress: false, referencedGroupId: "sg-cp" },
            { groupId: "sg-w", ruleId: "sgr-3", egress: false, referencedGroupId: "sg-w" },
        ]);
        const result = await sweep(aws.client, ours, true);
        assert.deepStrictEqual(aws.calls, ["delete instance/i-1", "references sg-cp sg-w", "revoke sgr-1", "revoke sgr-2", "revoke sgr-3", "delete security-group/sg-cp", "delete security-group/sg-w", "delete vpc/vpc-1"]);
        assert.deepStrictEqual([result.failed, result.revoked.map((r) => r.ruleId), aws.resources], [[], ["sgr-1", "sgr-2", "sgr-3"], []]);
    });

    it("finds the NAT instance and its security group with the rest of the lab, and deletes the instance before the groups", async () => {
        const aws = account();
        aws.add("vpc", "vpc-1", ours);
        aws.add("security-group", "sg-nat", ours);
        aws.add("route-table", "rtb-private", ours);
        aws.add("instance", "i-worker", ours);
        aws.add("instance", "i-nat", ours);
        const result = await sweep(aws.client, ours, true);
        assert.deepStrictEqual(aws.calls, ["delete instance/i-worker", "delete instance/i-nat", "references sg-nat", "delete security-group/sg-nat", "delete route-table/rtb-private", "delete vpc/vpc-1"]);
        assert.deepStrictEqual([result.failed, aws.resources], [[], []]);
    });

    it("knows every taggable EC2 type the program creates, with a NAT instance or a NAT gateway", async () => {
        const arnTypes: Record<string, string> = {
            [types.vpc]: "vpc", [types.subnet]: "subnet", [types.internetGateway]: "internet-gateway", [types.routeTable]: "route-table",
            [types.securityGroup]: "security-group", [types.keyPair]: "key-pair", [types.instance]: "instance", [types.eip]: "elastic-ip",
            [types.natGateway]: "natgateway",
        };
        // Routes and associations go with their route table, rules with their group.
        const untagged: string[] = [types.route, types.routeTableAssociation];
        for (const egress of ["natInstance", "natGateway"]) {
            const program = await runProgram({ config: { egress } });
            const types = [...new Set(program.resources.filter((r) => r.type.startsWith("aws:ec2/")).map((r) => r.type))];
            assert.deepStrictEqual(types.filter((t) => !untagged.includes(t) && !(deleteOrder as readonly string[]).includes(arnTypes[t] ?? "")), [], egress);
        }
    });

    it("without the revocation the account refuses, as EC2 does (the fake is faithful)", async () => {
        const aws = account();
        aws.add("security-group", "sg-cp", ours);
        aws.add("security-group", "sg-w", ours);
        aws.setRules([{ groupId: "sg-cp", ruleId: "sgr-1", egress: false, referencedGroupId: "sg-w" }, { groupId: "sg-w", ruleId: "sgr-2", egress: true, referencedGroupId: "sg-cp" }]);
        await assert.rejects(aws.client.remove({ type: "security-group", id: "sg-cp", arn: arn("security-group", "sg-cp") }), /DependencyViolation/);
    });

    it("lists and deletes only what carries this lab's LabId, never a lab of the same stack name elsewhere", async () => {
        const aws = account();
        const laptop = { ...ours, LabId: "ffffffffffffffff" };
        aws.add("instance", "i-ours", ours);
        aws.add("instance", "i-laptop", laptop);
        aws.add("vpc", "vpc-laptop", laptop);
        aws.add("vpc", "vpc-untagged", { Project: "k8s-lab", Stack: "dev" });
        const listed = await sweep(aws.client, ours, false);
        assert.deepStrictEqual(listed.found.map((r) => r.id), ["i-ours"]);
        await sweep(aws.client, ours, true);
        assert.deepStrictEqual(aws.resources.map((r) => r.arn), [arn("instance", "i-laptop"), arn("vpc", "vpc-laptop"), arn("vpc", "vpc-untagged")]);
    });

    it("counts what EC2 no longer knows (NotFound) as deleted, and any other error as a failure", async () => {
        /** An SDK error as @aws-sdk/client-ec2 throws it: the code in name (and Code). */
        const ec2Error = (code: string) => Object.assign(new Error(`The ${code} does not exist`), { name: code, Code: code });
        const aws = account();
        for (const [type, id] of [["instance", "i-gone"], ["security-group", "sg-gone"], ["natgateway", "nat-gone"], ["elastic-ip", "eipalloc-denied"], ["vpc", "vpc-1"]]) aws.add(type, id, ours);
        aws.setRules([{ groupId: "sg-gone", ruleId: "sgr-gone", egress: false, referencedGroupId: "sg-gone" }]);
        const errors: Record<string, Error> = {
            "i-gone": ec2Error("InvalidInstanceID.NotFound"),
            "sg-gone": ec2Error("InvalidGroup.NotFound"),
            "nat-gone": ec2Error("NatGatewayNotFound"),
            "eipalloc-denied": ec2Error("UnauthorizedOperation"),
        };
        const client: SweepClient = {
            ...aws.client,
            revoke: async () => { throw ec2Error("InvalidSecurityGroupRuleId.NotFound"); },
            remove: async (r) => (errors[r.id] ? Promise.reject(errors[r.id]) : aws.client.remove(r)),
        };
        const result = await sweep(client, ours, true);
        assert.deepStrictEqual(
            { deleted: result.deleted.map((r) => r.id), revoked: result.revoked.map((r) => r.ruleId), failed: result.failed.map((f) => [f.resource.id, f.reason]) },
            { deleted: ["i-gone", "nat-gone", "sg-gone", "vpc-1"], revoked: ["sgr-gone"], failed: [["eipalloc-denied", "The UnauthorizedOperation does not exist"]] },
        );
        assert.deepStrictEqual(
            ["InvalidVpcID.NotFound", "InvalidKeyPair.NotFound", "NatGatewayNotFound", "InvalidParameterValue", "DependencyViolation", "NotFoundish"].map((code) => isNotFound(ec2Error(code))),
            [true, true, true, false, false, false],
        );
        assert.deepStrictEqual([isNotFound(new Error("InvalidGroup.NotFound")), isNotFound("InvalidGroup.NotFound"), isNotFound(undefined)], [false, false, false]);
    });

    it("tells which instances are gone even when one of them is unknown to a batched Describe", async () => {
        const known: Record<string, string> = { "i-running": "running", "i-terminated": "terminated" };
        const calls: string[][] = [];
        const describe = async (ids: string[]) => {
            calls.push(ids);
            const unknown = ids.find((id) => !(id in known));
            if (unknown) throw Object.assign(new Error(`The instance ID '${unknown}' does not exist`), { name: "InvalidInstanceID.NotFound" });
            return ids.filter((id) => known[id] === "terminated");
        };
        assert.deepStrictEqual(await goneAmong(["i-running", "i-purged", "i-terminated"], describe), ["i-purged", "i-terminated"]);
        assert.deepStrictEqual(calls, [["i-running", "i-purged", "i-terminated"], ["i-running"], ["i-purged"], ["i-terminated"]]);
        assert.deepStrictEqual(await goneAmong([], describe), []);
        await assert.rejects(goneAmong(["i-running"], async () => { throw Object.assign(new Error("throttled"), { name: "RequestLimitExceeded" }); }), /throttled/);
    });

    it("refuses to sweep without a LabId", async () => {
        const aws = account();
        await assert.rejects(sweep(aws.client, { ...ours, LabId: "" }, true), /LabId/);
    });

    it("looks in the stack's region, not the shell's", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-sweep-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: k8s-lab\nconfig:\n  region:\n    type: string\n    default: ap-northeast-2\n");
            fs.writeFileSync(path.join(dir, "Pulumi.tokyo.yaml"), "config:\n  k8s-lab:region: ap-northeast-1\n");
            fs.writeFileSync(path.join(dir, "Pulumi.plain.yaml"), "config:\n  k8s-lab:workerCount: 3\n");
            const before = process.env.AWS_REGION;
            process.env.AWS_REGION = "us-east-1";
            try {
                assert.deepStrictEqual(["tokyo", "plain", "missing"].map((stack) => stackRegion(dir, stack)), ["ap-northeast-1", "ap-northeast-2", "ap-northeast-2"]);
            } finally {
                if (before === undefined) delete process.env.AWS_REGION;
                else process.env.AWS_REGION = before;
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.strictEqual(stackRegion(root, "dev"), "ap-northeast-2");
    });
});
