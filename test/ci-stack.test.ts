import * as assert from "assert";
import { runProgram } from "./harness";

type Statement = { Sid?: string; Action: string | string[]; Resource: string; Condition?: Record<string, Record<string, unknown>>; Principal?: Record<string, string> };
const ci = (config = {}) => runProgram({ program: "ci-stack", stack: "ci", config });

describe("CI stack", () => {
    it("keeps the daily stack's state in a versioned, KMS-encrypted, private bucket, protected", async () => {
        const program = await ci();
        const bucket = program.get("aws:s3/bucket:Bucket", "state");
        assert.strictEqual(bucket.inputs.bucketPrefix, "k8s-lab-state-");
        assert.deepStrictEqual(program.get("aws:s3/bucketVersioning:BucketVersioning", "state").inputs.versioningConfiguration, { status: "Enabled" });
        const encryption = program.get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state").inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
        assert.strictEqual(encryption[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        const block = program.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state").inputs;
        assert.deepStrictEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.strictEqual(program.get("aws:kms/key:Key", "pulumi-secrets").inputs.enableKeyRotation, true);
        assert.match(String(program.output("backendUrl").value), /^s3:\/\//);
        assert.strictEqual(program.output("secretsProvider").value, "awskms://alias/k8s-lab-pulumi?region=ap-northeast-2");
    });

    it("lets only this repository's workflows assume the role, through GitHub's OIDC", async () => {
        const program = await ci();
        assert.deepStrictEqual(program.get("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github").inputs.clientIdLists, ["sts.amazonaws.com"]);
        const trust = JSON.parse(String(program.get("aws:iam/role:Role", "github-actions").inputs.assumeRolePolicy)) as { Statement: Statement[] };
        const [statement] = trust.Statement;
        assert.deepStrictEqual(statement.Condition?.StringLike["token.actions.githubusercontent.com:sub"], ["repo:example-org/k8s-lab:ref:refs/heads/main", "repo:example-org/k8s-lab:pull_request"]);
        assert.strictEqual(statement.Condition?.StringEquals["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
    });

    it("gives the workflows least privilege: no wildcard action, no IAM, EC2 in the lab's region only", async () => {
        const program = await ci();
        const policy = JSON.parse(String(program.get("aws:iam/rolePolicy:RolePolicy", "github-actions").inputs.policy)) as { Statement: Statement[] };
        const actions = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
        assert.ok(!actions.some((a) => a === "*" || a.endsWith(":*") || a.startsWith("iam:")), actions.join(" "));
        for (const statement of policy.Statement.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith("ec2:")))) {
            assert.deepStrictEqual(statement.Condition, { StringEquals: { "aws:RequestedRegion": "ap-northeast-2" } });
        }
        for (const needed of ["ec2:RunInstances", "ec2:CreateNatGateway", "ssm:GetParameter", "tag:GetResources", "s3:PutObject", "kms:Decrypt"]) assert.ok(actions.includes(needed), needed);
    });

    it("raises a budget alarm by email", async () => {
        const budget = (await ci()).get("aws:budgets/budget:Budget", "monthly").inputs as { limitAmount: string; notifications: { subscriberEmailAddresses: string[]; notificationType: string }[] };
        assert.strictEqual(budget.limitAmount, "150");
        assert.deepStrictEqual(budget.notifications.map((n) => [n.notificationType, n.subscriberEmailAddresses]), [["ACTUAL", ["platform-team@example.com"]], ["FORECASTED", ["platform-team@example.com"]]]);
    });

    it("stops with one sentence when the repository is not set", async () => {
        const program = await ci({ githubRepository: "" });
        assert.strictEqual(program.run.error?.message, 'Config key k8s-lab-ci:githubRepository has the value "", which is not allowed: use the GitHub repository as owner/name.');
        assert.deepStrictEqual(program.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), []);
    });
});
