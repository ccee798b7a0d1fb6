import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackRegion } from "../../cli/awsSweep";
import { GroupRule, Leftover, sweep, SweepClient } from "../../lib/sweep";
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
