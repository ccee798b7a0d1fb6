import * as assert from "assert";
import { runProgram, types } from "./harness";
import { Program } from "./harness";
import { allowedInstanceTypes } from "../lib/allowList";
import { defaults as packDefaults } from "../policy/rules";
import { imageWriteActions, parameterWriteActions } from "../ci-stack/policy";
import { configSchema } from "../lib/configSchema";
import { nodeImageComponent, nodeImageKey, shortHash } from "../lib/nodeImage";
import { KubernetesMinor, versions } from "../lib/versions";

type Condition = Record<string, Record<string, string | string[]>>;
type Statement = { Sid?: string; Effect: "Allow" | "Deny"; Action: string | string[]; Resource?: string | string[]; Condition?: Condition; Principal?: "*" | { AWS?: string | string[]; Federated?: string } };
type Policy = { Statement: Statement[] };
type Context = Record<string, string | undefined>;

const ci = (config = {}) => runProgram({ program: "ci-stack", stack: "ci", config });
const json = (value: unknown): Policy => JSON.parse(String(value)) as Policy;
const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);
const glob = (pattern: string, value: string): boolean =>
    new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+^${}()|[\]\\?]/g, "\\$&")).join(".*")}$`).test(value);

function holds(condition: Condition | undefined, context: Context): boolean {
    return Object.entries(condition ?? {}).every(([operator, entries]) =>
        Object.entries(entries).every(([key, expected]) => {
            const actual = context[key];
            const values = list(expected);
            switch (operator) {
                case "StringEquals":
                case "Bool":
                    return actual !== undefined && values.includes(actual);
                case "StringNotEquals":
                    // IAM: true when the key is absent, hence the Null check next to it.
                    return actual === undefined || !values.includes(actual);
                case "StringLike":
                    return actual !== undefined && values.some((v) => glob(v, actual));
                case "Null":
                    return (values[0] === "true") === (actual === undefined);
                default:
                    throw new Error(`the test's evaluator does not know ${operator}`);
            }
        }),
    );
}

/**
 * IAM's verdict for one action on one resource, as far as these policies go: an explicit deny
 * wins, then any allow; `principal` matters for resource policies only.
 */
function verdict(policies: Policy[], action: string, resource: string, context: Context = {}, principal?: string): "allow" | "deny" | "none" {
    const applies = (s: Statement) =>
        list(s.Action).some((a) => glob(a, action)) &&
        list(s.Resource ?? "*").some((r) => glob(r, resource)) &&
        (s.Principal === undefined || s.Principal === "*" || [...list(s.Principal.AWS ?? []), ...list(s.Principal.Federated ?? [])].includes(principal ?? "")) &&
        holds(s.Condition, context);
    const statements = policies.flatMap((p) => p.Statement).filter(applies);
    if (statements.some((s) => s.Effect === "Deny")) return "deny";
    return statements.some((s) => s.Effect === "Allow") ? "allow" : "none";
}

const region = "ap-northeast-2";
const ec2 = (type: string, id = "x-0123") => `arn:aws:ec2:${region}:111122223333:${type}/${id}`;
const labRequest = { "aws:RequestedRegion": region, "aws:RequestTag/Project": "k8s-lab", "aws:RequestTag/Stack": "dev", "aws:RequestTag/LabId": "0a1b2c3d4e5f6789" };
const labResource = { "aws:RequestedRegion": region, "aws:ResourceTag/Project": "k8s-lab", "aws:ResourceTag/Stack": "dev", "aws:ResourceTag/LabId": "0a1b2c3d4e5f6789" };

interface Ci {
    program: Program;
    deploy: Policy;
    preview: Policy;
    daily: { bucket: string; key: string; bucketPolicy: Policy; keyPolicy: Policy };
    previews: { bucket: string; key: string; bucketPolicy: Policy };
    previewRole: string;
}

async function load(config = {}): Promise<Ci> {
    const program = await ci(config);
    const mockArn = (name: string) => `arn:aws:mock:::${name}`;
    return {
        program,
        deploy: json(program.get(types.iamRolePolicy, "github-actions").inputs.policy),
        preview: json(program.get(types.iamRolePolicy, "github-actions-preview").inputs.policy),
        daily: {
            bucket: mockArn("state"),
            key: mockArn("pulumi-secrets"),
            bucketPolicy: json(program.get(types.bucketPolicy, "state").inputs.policy),
            keyPolicy: json(program.get(types.kmsKey, "pulumi-secrets").inputs.policy),
        },
        previews: { bucket: mockArn("previews"), key: mockArn("preview-secrets"), bucketPolicy: json(program.get(types.bucketPolicy, "previews").inputs.policy) },
        previewRole: mockArn("github-actions-preview"),
    };
}

describe("CI stack", () => {
    it("keeps the daily stack's state in a versioned, KMS-encrypted, private bucket, protected, and previews in another", async () => {
        const program = await ci();
        for (const [name, prefix, key] of [["state", "k8s-lab-state-", "pulumi-secrets"], ["previews", "k8s-lab-previews-", "preview-secrets"]]) {
            assert.strictEqual(program.get(types.bucket, name).inputs.bucketPrefix, prefix);
            assert.deepStrictEqual(program.get(types.bucketVersioning, name).inputs.versioningConfiguration, { status: "Enabled" });
            assert.deepStrictEqual(program.get(types.bucketEncryption, name).inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:mock:::${key}` }, bucketKeyEnabled: true },
            ]);
            const block = program.get(types.bucketPublicAccessBlock, name).inputs;
            assert.deepStrictEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
            assert.strictEqual(program.get(types.kmsKey, key).inputs.enableKeyRotation, true);
        }
        assert.deepStrictEqual(program.get(types.bucketLifecycle, "previews").inputs.rules, [
            { id: "throwaway-stacks", status: "Enabled", filter: {}, expiration: { days: 7 }, noncurrentVersionExpiration: { noncurrentDays: 1 } },
        ]);
        // The mocks give a prefixed bucket no name; the URL's form is what counts.
        assert.match(String(program.output("backendUrl").value), /^s3:\/\//);
        assert.match(String(program.output("previewBackendUrl").value), /^s3:\/\//);
        assert.deepStrictEqual(
            Object.fromEntries(["secretsProvider", "roleArn", "previewSecretsProvider", "previewRoleArn"].map((k) => [k, program.output(k).value])),
            {
                secretsProvider: "awskms://alias/k8s-lab-pulumi?region=ap-northeast-2",
                roleArn: "arn:aws:mock:::github-actions",
                previewSecretsProvider: "awskms://alias/k8s-lab-preview?region=ap-northeast-2",
                previewRoleArn: "arn:aws:mock:::github-actions-preview",
            },
        );
    });

    it("trusts pull requests only with the preview role, and the deploy role only from the lab environment, in both sub forms", async () => {
        const program = await ci();
        assert.deepStrictEqual(program.get(types.oidcProvider, "github").inputs.clientIdLists, ["sts.amazonaws.com"]);
        const trust = (role: string) => json(program.get(types.iamRole, role).inputs.assumeRolePolicy);
        const assumes = (role: string, sub: string, aud = "sts.amazonaws.com") =>
            verdict([trust(role)], "sts:AssumeRoleWithWebIdentity", "*", { "token.actions.githubusercontent.com:sub": sub, "token.actions.githubusercontent.com:aud": aud }, "arn:aws:mock:::github") === "allow";
        const table: [string, boolean, boolean][] = [
            // sub, deploy role, preview role
            ["repo:example-org/k8s-lab:environment:lab", true, false],
            ["repo:example-org@123456/k8s-lab@456789:environment:lab", true, false],
            ["repo:example-org/k8s-lab:pull_request", false, true],
            ["repo:example-org@123456/k8s-lab@456789:pull_request", false, true],
            ["repo:example-org/k8s-lab:ref:refs/heads/main", false, false],
            ["repo:example-org/k8s-lab:environment:staging", false, false],
            ["repo:example-org@123456/k8s-lab@999999:environment:lab", false, false],
            ["repo:other-org/k8s-lab:environment:lab", false, false],
            ["repo:other-org/k8s-lab:pull_request", false, false],
        ];
        assert.deepStrictEqual(table.map(([sub]) => [sub, assumes("github-actions", sub), assumes("github-actions-preview", sub)]), table);
        assert.strictEqual(assumes("github-actions", "repo:example-org/k8s-lab:environment:lab", "something-else"), false);
    });

    it("keeps the preview role out of the daily state and key, and away from every EC2 change", async () => {
        const { deploy, preview, daily, previews, previewRole } = await load();
        const asPreview = (action: string, resource: string, resourcePolicy?: Policy) =>
            verdict(resourcePolicy ? [preview, resourcePolicy] : [preview], action, resource, { "aws:RequestedRegion": region, "aws:SecureTransport": "true" }, previewRole);
        assert.deepStrictEqual(
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].map((a) => asPreview(a, `${daily.bucket}/.pulumi/stacks/k8s-lab/dev.json`, daily.bucketPolicy)),
            ["deny", "deny", "deny"],
        );
        assert.strictEqual(asPreview("s3:ListBucket", daily.bucket, daily.bucketPolicy), "deny");
        assert.deepStrictEqual(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"].map((a) => asPreview(a, daily.key, daily.keyPolicy)), ["deny", "deny", "deny"]);
        // Its own throwaway state works.
        assert.deepStrictEqual(
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].map((a) => asPreview(a, `${previews.bucket}/.pulumi/stacks/k8s-lab/pr-7.json`, previews.bucketPolicy)),
            ["allow", "allow", "allow"],
        );
        assert.deepStrictEqual(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"].map((a) => asPreview(a, previews.key)), ["allow", "allow", "allow"]);
        // What a preview reads.
        assert.strictEqual(asPreview("ec2:DescribeInstanceTypes", "*"), "allow");
        assert.strictEqual(asPreview("ssm:GetParameter", `arn:aws:ssm:${region}::parameter/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id`), "allow");
        // No EC2 action but Describe*, and none of the deploy role's changes, even on the lab's own resources.
        const previewEc2 = preview.Statement.flatMap((s) => list(s.Action)).filter((a) => a.startsWith("ec2:"));
        assert.deepStrictEqual(previewEc2, ["ec2:Describe*"]);
        const mutating = [...new Set(deploy.Statement.flatMap((s) => list(s.Action)).filter((a) => a.startsWith("ec2:") && !a.startsWith("ec2:Describe")))];
        assert.ok(mutating.length > 30, mutating.join(" "));
        const lab = { ...labRequest, ...labResource, "ec2:InstanceType": "t3.large", "ec2:CreateAction": "RunInstances" };
        assert.deepStrictEqual(mutating.filter((a) => verdict([preview], a, ec2("instance"), lab) !== "none"), []);
    });

    it("lets the deploy role create only what carries the lab's tags, and run only allowed instance types", async () => {
        const { deploy } = await load();
        const can = (action: string, resource: string, context: Context) => verdict([deploy], action, resource, context) === "allow";
        const run = { ...labRequest, "ec2:InstanceType": "t3.large" };
        // What the lab program really sends in RunInstances: the instance's tags merged with the
        // provider's default tags, the volume's from volumeTags (the provider does not put default
        // tags on the volume in that request), nothing on the network interface.
        const lab = await runProgram();
        const defaults = (JSON.parse(String(lab.get(types.awsProvider, "aws").inputs.defaultTags)) as { tags: Record<string, string> }).tags;
        const requestTags = (tags: unknown): Context =>
            ({ "aws:RequestedRegion": region, ...Object.fromEntries(Object.entries((tags ?? {}) as Record<string, string>).map(([k, v]) => [`aws:RequestTag/${k}`, v])) });
        const sent = lab.ofType(types.instance).map((i) => ({
            instance: { ...requestTags({ ...defaults, ...(i.inputs.tags as object) }), "ec2:InstanceType": String(i.inputs.instanceType) },
            volume: requestTags(i.inputs.volumeTags),
        }));
        // The three nodes and the NAT instance (t4g.nano), in the order they are recorded.
        assert.deepStrictEqual(sent.map((r) => r.instance["ec2:InstanceType"]), ["t3.large", "t4g.nano", "t3.medium", "t3.medium"]);
        for (const request of sent) {
            assert.deepStrictEqual(
                [can("ec2:RunInstances", ec2("instance"), request.instance), can("ec2:RunInstances", ec2("volume"), request.volume)],
                [true, true],
                JSON.stringify(request),
            );
        }
        // RunInstances authorizes every resource it creates or uses; each must pass.
        assert.deepStrictEqual(
            Object.fromEntries(
                Object.entries({
                    instance: [ec2("instance"), run],
                    volume: [ec2("volume"), sent[0].volume],
                    "network-interface": [ec2("network-interface"), { "aws:RequestedRegion": region }],
                    "spot-instances-request": [ec2("spot-instances-request"), { "aws:RequestedRegion": region }],
                    subnet: [ec2("subnet"), labResource],
                    "security-group": [ec2("security-group"), labResource],
                    "key-pair": [ec2("key-pair"), labResource],
                    image: [`arn:aws:ec2:${region}::image/ami-1`, { "aws:RequestedRegion": region, "ec2:Owner": "099720109477" }],
                } as Record<string, [string, Context]>).map(([type, [arn, context]]) => [type, can("ec2:RunInstances", arn, context)]),
            ),
            { instance: true, volume: true, "network-interface": true, "spot-instances-request": true, subnet: true, "security-group": true, "key-pair": true, image: true },
        );
        const without = (context: Context, key: string): Context => ({ ...context, [key]: undefined });
        assert.deepStrictEqual(
            [
                can("ec2:RunInstances", ec2("instance"), { ...run, "ec2:InstanceType": "p5.48xlarge" }),
                can("ec2:RunInstances", ec2("instance"), { ...run, "ec2:InstanceType": "t3.2xlarge" }),
                can("ec2:RunInstances", ec2("instance"), without(run, "aws:RequestTag/LabId")),
                can("ec2:RunInstances", ec2("instance"), { ...run, "aws:RequestTag/Stack": "laptop" }),
                can("ec2:RunInstances", ec2("instance"), { ...run, "aws:RequestedRegion": "us-east-1" }),
                can("ec2:RunInstances", ec2("volume"), without(labRequest, "aws:RequestTag/Project")),
                can("ec2:RunInstances", ec2("subnet"), { "aws:RequestedRegion": region }),
                can("ec2:RunInstances", ec2("security-group"), { ...labResource, "aws:ResourceTag/Project": "someone-else" }),
                can("ec2:RunInstances", `arn:aws:ec2:${region}::image/ami-1`, { "aws:RequestedRegion": region, "ec2:Owner": "123456789012" }),
                can("ec2:RunInstances", ec2("network-interface"), { ...labRequest, "aws:RequestedRegion": "us-east-1" }),
            ],
            [false, false, false, false, false, false, false, false, false, false],
        );
        // Network interfaces and spot requests come only with RunInstances, never on their own.
        assert.deepStrictEqual(
            ["ec2:CreateNetworkInterface", "ec2:RequestSpotInstances", "ec2:DeleteNetworkInterface"].map((a) =>
                can(a, ec2(a.includes("Spot") ? "spot-instances-request" : "network-interface"), { ...labRequest, ...labResource })),
            [false, false, false],
        );
        // The provider cancels a spot worker's request before terminating it (destroy, replacement):
        // allowed on spot requests (untaggable) in the lab's region only, on nothing else.
        const cancel = (resource: string, requested: string) => can("ec2:CancelSpotInstanceRequests", resource, { "aws:RequestedRegion": requested });
        assert.deepStrictEqual(
            [cancel(ec2("spot-instances-request"), region), cancel(ec2("spot-instances-request").replace(region, "us-east-1"), "us-east-1"), cancel(ec2("instance"), region)],
            [true, false, false],
        );
        // Every allowed type may run, from the one list the policy pack uses too.
        assert.deepStrictEqual(allowedInstanceTypes.filter((type) => !can("ec2:RunInstances", ec2("instance"), { ...run, "ec2:InstanceType": type })), []);
        assert.deepStrictEqual(packDefaults.allowedInstanceTypes, [...allowedInstanceTypes]);
        // Creating the network: tagged, or not at all.
        assert.deepStrictEqual(
            ["ec2:CreateVpc", "ec2:AllocateAddress", "ec2:ImportKeyPair"].map((a) => [can(a, ec2(a === "ec2:CreateVpc" ? "vpc" : a === "ec2:AllocateAddress" ? "elastic-ip" : "key-pair"), labRequest), can(a, ec2("vpc"), { "aws:RequestedRegion": region })]),
            [[true, false], [true, false], [true, false]],
        );
    });

    it("lets the deploy role change, tag and delete only the lab's resources", async () => {
        const { deploy } = await load();
        const can = (action: string, resource: string, context: Context) => verdict([deploy], action, resource, context) === "allow";
        const foreign = { "aws:RequestedRegion": region, "aws:ResourceTag/Project": "billing", "aws:ResourceTag/Stack": "prod" };
        const laptop = { ...labResource, "aws:ResourceTag/LabId": undefined };
        for (const [action, type] of [["ec2:TerminateInstances", "instance"], ["ec2:DeleteSecurityGroup", "security-group"], ["ec2:RevokeSecurityGroupIngress", "security-group"], ["ec2:DeleteVpc", "vpc"], ["ec2:DeleteVolume", "volume"], ["ec2:ReleaseAddress", "elastic-ip"], ["ec2:DeleteNatGateway", "natgateway"]]) {
            assert.deepStrictEqual([action, can(action, ec2(type), labResource), can(action, ec2(type), foreign), can(action, ec2(type), laptop), can(action, ec2(type), { "aws:RequestedRegion": region })], [action, true, false, false, false]);
        }
        // CreateTags: as part of a create, or on what is already the lab's; never to adopt something else.
        assert.deepStrictEqual(
            [
                can("ec2:CreateTags", ec2("instance"), { "aws:RequestedRegion": region, "ec2:CreateAction": "RunInstances" }),
                can("ec2:CreateTags", ec2("security-group"), { "aws:RequestedRegion": region, "ec2:CreateAction": "CreateSecurityGroup" }),
                can("ec2:CreateTags", ec2("instance"), labResource),
                can("ec2:CreateTags", ec2("instance"), { ...foreign, "aws:RequestTag/Project": "k8s-lab", "aws:RequestTag/Stack": "dev" }),
                can("ec2:CreateTags", ec2("instance"), { "aws:RequestedRegion": region }),
                can("ec2:CreateTags", ec2("instance"), { "aws:RequestedRegion": region, "ec2:CreateAction": "CreateSnapshot" }),
            ],
            [true, true, true, false, false, false],
        );
        const actions = deploy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => list(s.Action));
        assert.deepStrictEqual(actions.filter((a) => a === "*" || a.endsWith(":*") || a.startsWith("iam:") || (a.includes("*") && a !== "ec2:Describe*")), []);
        // Every EC2 statement that allows is bound to the lab's region.
        for (const statement of deploy.Statement.filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => a.startsWith("ec2:")))) {
            assert.strictEqual(statement.Condition?.StringEquals?.["aws:RequestedRegion"], region, statement.Sid);
        }
    });

    it("never lets the deploy role change a lab instance to a type outside the allow-list (stop, modify, start)", async () => {
        const { deploy } = await load();
        const modify = (context: Context) => verdict([deploy], "ec2:ModifyInstanceAttribute", ec2("instance"), { ...labResource, ...context });
        assert.deepStrictEqual(
            [
                modify({ "ec2:Attribute/InstanceType": "p5.48xlarge" }),
                modify({ "ec2:Attribute/InstanceType": "t3.2xlarge" }),
                modify({ "ec2:Attribute/InstanceType": "t3.large" }),
                modify({ "ec2:Attribute/InstanceType": allowedInstanceTypes[allowedInstanceTypes.length - 1] }),
                // Another attribute (no instance type in the request) stays allowed.
                modify({ "ec2:Attribute/DisableApiTermination": "false" }),
                modify({}),
                // Someone else's instance: never.
                verdict([deploy], "ec2:ModifyInstanceAttribute", ec2("instance"), { "aws:RequestedRegion": region, "ec2:Attribute/InstanceType": "t3.large" }),
            ],
            ["deny", "deny", "allow", "allow", "allow", "allow", "none"],
        );
        assert.deepStrictEqual(allowedInstanceTypes.filter((type) => modify({ "ec2:Attribute/InstanceType": type }) !== "allow"), []);
        // Stopping and starting stay allowed: the type is what the Deny guards.
        assert.deepStrictEqual(["ec2:StopInstances", "ec2:StartInstances"].map((a) => verdict([deploy], a, ec2("instance"), labResource)), ["allow", "allow"]);
    });

    it("refuses plain HTTP to both state buckets", async () => {
        const { daily, previews } = await load();
        for (const { bucket, bucketPolicy } of [daily, previews]) {
            const plain = { "aws:SecureTransport": "false" };
            assert.deepStrictEqual(
                [verdict([bucketPolicy], "s3:GetObject", `${bucket}/.pulumi/x.json`, plain, "arn:aws:iam::111122223333:role/anyone"), verdict([bucketPolicy], "s3:ListBucket", bucket, plain, "arn:aws:iam::111122223333:role/anyone")],
                ["deny", "deny"],
            );
            assert.strictEqual(verdict([bucketPolicy], "s3:GetObject", `${bucket}/.pulumi/x.json`, { "aws:SecureTransport": "true" }, "arn:aws:iam::111122223333:role/github-actions"), "none");
        }
    });

    it("gives each role a session longer than its job, and creates the spot service-linked role only where the account has none or has this stack's", async () => {
        const program = await ci();
        assert.deepStrictEqual(
            ["github-actions", "github-actions-preview"].map((r) => program.get(types.iamRole, r).inputs.maxSessionDuration),
            [7200, 3600],
        );
        // On by default (the workers are spot by default), in an account without the role; never deleted by this stack.
        const spot = (run: Program) => run.ofType(types.serviceLinkedRole).map((r) => [r.inputs.awsServiceName, r.inputs.description, r.options.retainOnDelete]);
        const ours = ["spot.amazonaws.com", "EC2 spot instances of the k8s-lab", true];
        assert.deepStrictEqual(spot(program), [ours]);
        assert.deepStrictEqual(spot(await ci({ spotServiceLinkedRole: true })), [ours]);
        assert.deepStrictEqual(spot(await ci({ spotServiceLinkedRole: false })), []);
        // An account that has the role already (any spot launch ever made there): left alone, unless it is this stack's,
        // which the next apply finds and must keep managing.
        const account = (description: string) => ({ AWSServiceRoleForEC2Spot: { path: "/aws-service-role/spot.amazonaws.com/", description }, AWSServiceRoleForEC2SpotFleet: { path: "/aws-service-role/spotfleet.amazonaws.com/", description: "" } });
        assert.deepStrictEqual(spot(await runProgram({ program: "ci-stack", stack: "ci", iamRoles: account("Default EC2 Spot Service Linked Role") })), []);
        assert.deepStrictEqual(spot(await runProgram({ program: "ci-stack", stack: "ci", iamRoles: account("EC2 spot instances of the k8s-lab") })), [ours]);
        // Only the spot role counts: another role of the same prefix does not.
        assert.deepStrictEqual(spot(await runProgram({ program: "ci-stack", stack: "ci", iamRoles: { AWSServiceRoleForEC2SpotFleet: account("").AWSServiceRoleForEC2SpotFleet } })), [ours]);
    });

    it("raises a budget alarm by email", async () => {
        const budget = (await ci()).get(types.budget, "monthly").inputs as { limitAmount: string; notifications: { subscriberEmailAddresses: string[]; notificationType: string }[] };
        assert.strictEqual(budget.limitAmount, "150");
        assert.deepStrictEqual(budget.notifications.map((n) => [n.notificationType, n.subscriberEmailAddresses]), [["ACTUAL", ["platform-team@example.com"]], ["FORECASTED", ["platform-team@example.com"]]]);
    });

    it("stops with one sentence when the repository or its IDs are not set, before building anything", async () => {
        const cases: [Record<string, string>, string][] = [
            [{ githubRepository: "" }, 'Config key k8s-lab-ci:githubRepository has the value "", which is not allowed: use the GitHub repository as owner/name.'],
            [{ githubOwnerId: "" }, "Config key k8s-lab-ci:githubOwnerId has the value \"\", which is not allowed: use the numeric ID GitHub gives it, as printed by gh api repos/OWNER/NAME --jq '.owner.id, .id'."],
            [{ githubRepositoryId: "0" }, "Config key k8s-lab-ci:githubRepositoryId has the value \"0\", which is not allowed: use the numeric ID GitHub gives it, as printed by gh api repos/OWNER/NAME --jq '.owner.id, .id'."],
            [{ githubRepositoryId: "12a" }, "Config key k8s-lab-ci:githubRepositoryId has the value \"12a\", which is not allowed: use the numeric ID GitHub gives it, as printed by gh api repos/OWNER/NAME --jq '.owner.id, .id'."],
            [{ deployEnvironment: "lab env" }, 'Config key k8s-lab-ci:deployEnvironment has the value "lab env", which is not allowed: use 1 to 100 letters, digits, dots, dashes or underscores.'],
        ];
        for (const [config, message] of cases) {
            const program = await ci(config);
            assert.strictEqual(program.run.error?.message, message);
            assert.deepStrictEqual(program.resources.filter((r) => r.type !== types.stack), []);
        }
        // The smallest valid ID passes.
        assert.strictEqual((await ci({ githubOwnerId: "1" })).run.error, undefined);
    });
});

describe("CI stack: the prepared node image", () => {
    const key = nodeImageKey("1.35", "amd64");
    const parameter = `/imagebuilder/k8s-lab/node-image/${key}`;
    const ib = (kind: string) => `aws:imagebuilder/${kind[0].toLowerCase()}${kind.slice(1)}:${kind}`;
    const arn = (resource: string) => `arn:aws:mock:::${resource}`;

    it("builds it with Image Builder: weekly and once whenever the recipe changes, without waiting, its id in the key's parameter", async () => {
        const program = await ci();
        const inputs = (type: string, resource: string) => program.get(type, resource).inputs;
        assert.deepStrictEqual(
            program.resources.filter((r) => r.type.startsWith("aws:imagebuilder/")).map((r) => `${r.type.split(":").pop()}::${r.name}`).sort(),
            ["Component::node-image", "DistributionConfiguration::node-image", "ImagePipeline::node-image", "ImageRecipe::node-image", "InfrastructureConfiguration::node-image", "LifecyclePolicy::node-image", "LifecyclePolicy::node-image-other-keys"],
        );
        const description = "k8s-lab node image: containerd, Kubernetes 1.35.9, the bootstrap's images (amd64)";
        const data = nodeImageComponent("1.35");
        const componentName = `k8s-lab-node-${shortHash(data)}`;
        assert.deepStrictEqual(inputs(ib("Component"), "node-image"), { name: componentName, version: "1.0.0", platform: "Linux", description, data });
        const recipe = {
            description,
            // The SSM parameter the lab reads Canonical's image from, resolved at each build.
            parentImage: "ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
            blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: 16, volumeType: "gp3", deleteOnTermination: "true" } }],
        };
        assert.deepStrictEqual(inputs(ib("ImageRecipe"), "node-image"), {
            // Named by a hash of all its inputs: a new component or any other change is a new name.
            name: `k8s-lab-node-${shortHash({ component: componentName, ...recipe })}`,
            version: "1.0.0",
            ...recipe,
            components: [{ componentArn: arn("node-image") }],
        });
        assert.deepStrictEqual(inputs(ib("InfrastructureConfiguration"), "node-image"), {
            name: "k8s-lab-node-image",
            description: "k8s-lab: the node image's build instance, in the build network (HTTP and HTTPS out, nothing in)",
            instanceProfileName: "node-image-build-id",
            instanceTypes: ["t3.medium", "t3a.medium"],
            subnetId: "node-image-build-id",
            securityGroupIds: ["node-image-build-id"],
            instanceMetadataOptions: { httpTokens: "required" },
            terminateInstanceOnFailure: true,
        });
        assert.deepStrictEqual(inputs(ib("DistributionConfiguration"), "node-image"), {
            name: "k8s-lab-node-image",
            description: "k8s-lab: the node image, tagged with its key, its id in the key's parameter",
            distributions: [{
                region: "ap-northeast-2",
                amiDistributionConfiguration: {
                    name: `k8s-lab-node-${key}-{{ imagebuilder:buildDate }}`,
                    description,
                    amiTags: { "k8s-lab:node-image": key, Project: "k8s-lab", KubernetesVersion: "1.35.9", Architecture: "amd64" },
                },
                // aws:ec2:image: SSM takes only an image id the account can use, whoever writes it.
                ssmParameterConfigurations: [{ parameterName: parameter, dataType: "aws:ec2:image" }],
            }],
        });
        assert.deepStrictEqual(inputs(ib("ImagePipeline"), "node-image"), {
            name: "k8s-lab-node-image",
            description: "k8s-lab: rebuilds the node image weekly on Canonical's current Ubuntu",
            imageRecipeArn: arn("node-image"),
            infrastructureConfigurationArn: arn("node-image"),
            distributionConfigurationArn: arn("node-image"),
            imageTestsConfiguration: { imageTestsEnabled: false },
            schedule: { scheduleExpression: "cron(0 3 ? * SUN *)", timezone: "Asia/Seoul", pipelineExecutionStartCondition: "EXPRESSION_MATCH_ONLY" },
            tags: { "k8s-lab:node-image-build": "k8s-lab", "k8s-lab:node-image": key },
        });
        // No Image resource (it would hold the up for the whole build): one execution started, again whenever the recipe changes.
        const start = program.get(types.localCommand, "node-image-build");
        assert.deepStrictEqual(start.inputs, {
            create: "aws imagebuilder start-image-pipeline-execution --image-pipeline-arn \"$PIPELINE\" --region \"$REGION\" --query requestId --output text",
            environment: { PIPELINE: arn("node-image"), REGION: "ap-northeast-2" },
            triggers: [arn("node-image")],
        });
        // After the parameter exists, so that the Pulumi create never overwrites the build's write.
        assert.deepStrictEqual(start.dependsOn, ["aws:imagebuilder/imagePipeline:ImagePipeline::node-image", "aws:ssm/parameter:Parameter::node-image"]);
        assert.deepStrictEqual([program.output("nodeImageKey").value, program.output("nodeImageParameter").value, program.output("nodeImagePipelineArn").value], [key, parameter, arn("node-image")]);
    });

    it("owns the parameter the lab reads, of data type aws:ec2:image: Canonical's Ubuntu as the placeholder, never written back over the build's value", async () => {
        const program = await ci();
        const declared = program.get(types.ssmParameter, "node-image");
        assert.deepStrictEqual(declared.inputs, {
            name: parameter,
            description: `k8s-lab: the prepared node image of key ${key}, written by Image Builder`,
            type: "String",
            dataType: "aws:ec2:image",
            value: "ami-ubuntu2404amd64",
            overwrite: true,
        });
        assert.deepStrictEqual([declared.options.ignoreChanges, declared.options.deleteBeforeReplace], [["value"], true]);
        // Another minor is another key, so another parameter (the old one is deleted with the replacement); no image, no parameter.
        assert.strictEqual((await ci({ nodeImageKubernetesVersion: "1.34" })).get(types.ssmParameter, "node-image").inputs.name, `/imagebuilder/k8s-lab/node-image/${nodeImageKey("1.34", "amd64")}`);
        assert.deepStrictEqual((await ci({ nodeImage: false })).ofType(types.ssmParameter), []);
    });

    it("builds in a network of its own: one public subnet, HTTP and HTTPS out, nothing in, no NAT", async () => {
        const program = await ci();
        const build = (type: string) => program.ofType(type).filter((r) => r.name === "node-image-build").map((r) => r.inputs);
        assert.deepStrictEqual(build(types.vpc), [{ cidrBlock: "10.254.0.0/24", enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: "k8s-lab-node-image-build" } }]);
        assert.deepStrictEqual(build(types.subnet), [{ vpcId: "node-image-build-id", cidrBlock: "10.254.0.0/24", mapPublicIpOnLaunch: true }]);
        assert.deepStrictEqual(build(types.internetGateway), [{ vpcId: "node-image-build-id" }]);
        assert.deepStrictEqual(build(types.routeTable), [{ vpcId: "node-image-build-id", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "node-image-build-id" }] }]);
        assert.deepStrictEqual(build(types.routeTableAssociation), [{ subnetId: "node-image-build-id", routeTableId: "node-image-build-id" }]);
        assert.deepStrictEqual(build(types.securityGroup), [{
            vpcId: "node-image-build-id",
            description: "k8s-lab: the node image's build instance: HTTP and HTTPS out, nothing in",
            ingress: [],
            egress: [
                { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "Ubuntu's package mirrors" },
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "Packages, registries, Systems Manager" },
            ],
        }]);
        assert.deepStrictEqual(program.ofType(types.natGateway), []);
    });

    it("keeps the newest two images of the key and deletes other keys' images after a week, selected by tag", async () => {
        const program = await ci();
        const remove = { type: "DELETE", includeResources: { amis: true, snapshots: true } };
        assert.deepStrictEqual(program.ofType(ib("LifecyclePolicy")).map((r) => [r.name, r.inputs]), [
            ["node-image", {
                name: "k8s-lab-node-image",
                description: `k8s-lab: keeps the newest 2 node images of key ${key}; older ones are deleted with their snapshots`,
                executionRole: arn("node-image-lifecycle"),
                resourceType: "AMI_IMAGE",
                resourceSelection: { tagMap: { "k8s-lab:node-image": key } },
                policyDetails: [{ action: remove, filter: { type: "COUNT", value: 2 } }],
            }],
            ["node-image-other-keys", {
                name: "k8s-lab-node-image-other-keys",
                description: "k8s-lab: deletes node images of any other key 7 days after they were built, with their snapshots",
                executionRole: arn("node-image-lifecycle"),
                resourceType: "AMI_IMAGE",
                resourceSelection: { tagMap: { "k8s-lab:node-image-build": "k8s-lab" } },
                policyDetails: [{ action: remove, filter: { type: "AGE", value: 7, unit: "DAYS" }, exclusionRules: { tagMap: { "k8s-lab:node-image": key } } }],
            }],
        ]);
    });

    it("gives the build instance and the lifecycle policies roles of their own, with exactly the managed policies they need, the lifecycle's for this account only", async () => {
        const program = await ci();
        const trust = (role: string) => JSON.parse(String(program.get(types.iamRole, role).inputs.assumeRolePolicy)) as unknown;
        assert.deepStrictEqual([trust("node-image-build"), trust("node-image-lifecycle")], [
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] },
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "imagebuilder.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }] },
        ]);
        assert.deepStrictEqual(
            program.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => [r.name, r.inputs.role, r.inputs.policyArn]),
            [
                ["node-image-build-0", "node-image-build-id", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                ["node-image-build-1", "node-image-build-id", "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder"],
                ["node-image-lifecycle", "node-image-lifecycle-id", "arn:aws:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy"],
            ],
        );
        assert.deepStrictEqual(program.get("aws:iam/instanceProfile:InstanceProfile", "node-image-build").inputs, { role: "node-image-build-id" });
        // One inline policy on them, the build instance's: no parameter read, which AmazonSSMManagedInstanceCore allows on every
        // parameter and the build never needs (its component reads none). Image Builder's write of the parameter is its
        // service-linked role's, which AWS manages and which may write /imagebuilder/* only: nothing to grant.
        assert.deepStrictEqual(program.ofType(types.iamRolePolicy).map((r) => r.name).sort(), ["github-actions", "github-actions-preview", "node-image-build"]);
        const deny = program.get(types.iamRolePolicy, "node-image-build");
        assert.strictEqual(deny.inputs.role, "node-image-build-id");
        assert.deepStrictEqual(JSON.parse(String(deny.inputs.policy)), {
            Version: "2012-10-17",
            Statement: [{ Sid: "NoParameterReads", Effect: "Deny", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: "*" }],
        });
        // What the Deny takes away the build never uses: no {{ssm:…}} in its component, no aws ssm in its script.
        for (const minor of Object.keys(versions.kubernetes) as KubernetesMinor[]) assert.doesNotMatch(nodeImageComponent(minor), /\{\{\s*ssm:|aws ssm|ssm:GetParameter/i);
    });

    it("builds for the configured minor (the lab's default unless set) and architecture, or not at all, and refuses others with one sentence", async () => {
        assert.strictEqual((await ci()).output("nodeImageKey").value, nodeImageKey(configSchema.kubernetesVersion.default as KubernetesMinor, "amd64"));
        const arm = await ci({ nodeImageKubernetesVersion: "1.36", nodeImageArchitecture: "arm64" });
        assert.strictEqual(arm.output("nodeImageKey").value, nodeImageKey("1.36", "arm64"));
        assert.deepStrictEqual(arm.get(ib("InfrastructureConfiguration"), "node-image").inputs.instanceTypes, ["t4g.medium", "m6g.medium"]);
        assert.strictEqual(arm.get(ib("ImageRecipe"), "node-image").inputs.parentImage, "ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id");
        const off = await ci({ nodeImage: false });
        assert.deepStrictEqual(off.resources.filter((r) => r.type.startsWith("aws:imagebuilder/") || r.name.startsWith("node-image")), []);
        assert.deepStrictEqual([off.run.outputs.nodeImageKey, off.run.outputs.nodeImageParameter], [undefined, undefined]);
        for (const [config, message] of [
            [{ nodeImageKubernetesVersion: "1.33" }, 'Config key k8s-lab-ci:nodeImageKubernetesVersion has the value "1.33", which is not allowed: use one of 1.34, 1.35, 1.36: the kubeadm.k8s.io/v1beta4 config the lab renders needs 1.31 or later, and Calico v3.32.1 is tested on these.'],
            [{ nodeImageArchitecture: "x86_64" }, 'Config key k8s-lab-ci:nodeImageArchitecture has the value "x86_64", which is not allowed: use amd64 or arm64, the architecture of the lab\'s node instance types.'],
        ] as const) {
            const program = await ci(config);
            assert.strictEqual(program.run.error?.message, message);
            assert.deepStrictEqual(program.resources.filter((r) => r.type !== types.stack), []);
        }
    });

    it("lets both roles read the node images' parameters and neither write them; the deploy role launches the account's images carrying the node-image tag, and never makes, changes, restores or tags an image", async () => {
        const { deploy, preview } = await load();
        const image = `arn:aws:ec2:${region}::image/ami-0prepared`;
        const run = (context: Context) => verdict([deploy], "ec2:RunInstances", image, { "aws:RequestedRegion": region, ...context });
        assert.deepStrictEqual(
            [
                run({ "ec2:Owner": "099720109477" }),
                run({ "ec2:Owner": "111122223333", "aws:ResourceTag/k8s-lab:node-image": key }),
                // The account's image without the tag, another account's with it, the tag elsewhere.
                run({ "ec2:Owner": "111122223333" }),
                run({ "ec2:Owner": "444455556666", "aws:ResourceTag/k8s-lab:node-image": key }),
                verdict([deploy], "ec2:RunInstances", image, { "aws:RequestedRegion": "us-east-1", "ec2:Owner": "111122223333", "aws:ResourceTag/k8s-lab:node-image": key }),
            ],
            ["allow", "allow", "none", "none", "none"],
        );
        const parameterArn = (name: string, account = "111122223333") => `arn:aws:ssm:${region}:${account}:parameter${name}`;
        const ssm = (policy: Policy, action: string, name: string, account?: string) => verdict([policy], action, parameterArn(name, account), { "aws:RequestedRegion": region });
        assert.deepStrictEqual(
            [deploy, preview].map((policy) => [
                ssm(policy, "ssm:GetParameter", parameter),
                ssm(policy, "ssm:GetParameter", "/imagebuilder/other/thing"),
                ssm(policy, "ssm:GetParameter", parameter, "444455556666"),
                ...parameterWriteActions.map((action) => ssm(policy, action, parameter)),
            ]),
            [deploy, preview].map(() => ["allow", "none", "none", ...parameterWriteActions.map(() => "deny")]),
        );
        assert.deepStrictEqual(parameterWriteActions, ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:LabelParameterVersion", "ssm:UnlabelParameterVersion", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"]);
        const never = { Sid: "NeverWriteNodeImageParameters", Effect: "Deny", Action: [...parameterWriteActions], Resource: "arn:aws:ssm:*:*:parameter/imagebuilder/*" };
        assert.deepStrictEqual(deploy.Statement.filter((s) => s.Sid === "RunInstancesOfPreparedNodeImages" || s.Sid === "NodeImageParameters" || s.Sid?.startsWith("Never")), [
            { Sid: "NodeImageParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: `arn:aws:ssm:${region}:111122223333:parameter/imagebuilder/k8s-lab/node-image/*` },
            {
                Sid: "RunInstancesOfPreparedNodeImages",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [`arn:aws:ec2:${region}::image/*`],
                Condition: { StringEquals: { "aws:RequestedRegion": region, "ec2:Owner": "111122223333" }, Null: { "aws:ResourceTag/k8s-lab:node-image": "false" } },
            },
            { Sid: "NeverWriteImages", Effect: "Deny", Action: [...imageWriteActions], Resource: "*" },
            { Sid: "NeverTagImages", Effect: "Deny", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: ["arn:aws:ec2:*::image/*", "arn:aws:ec2:*::snapshot/*"] },
            never,
        ]);
        assert.deepStrictEqual(preview.Statement.filter((s) => s.Sid?.startsWith("Never")), [never]);
        // Neither role makes, registers, copies, imports, restores, enables, disables or tags an image, whatever the tags say.
        const asImage = { "ec2:CreateAction": "RunInstances", ...labRequest, ...labResource };
        const imageActions = [
            "ec2:CreateImage", "ec2:RegisterImage", "ec2:CopyImage", "ec2:ImportImage", "ec2:CreateTags", "ec2:DeleteTags", "ec2:ModifyImageAttribute", "ec2:DeregisterImage",
            "ec2:RestoreImageFromRecycleBin", "ec2:EnableImage", "ec2:DisableImage", "ec2:EnableImageDeprecation", "ec2:DisableImageDeprecation",
            "ec2:EnableImageDeregistrationProtection", "ec2:DisableImageDeregistrationProtection", "imagebuilder:StartImagePipelineExecution",
        ];
        assert.deepStrictEqual(imageActions.map((action) => [action, verdict([deploy], action, image, asImage), verdict([preview], action, image, asImage)]), imageActions.map((action) => [action, "deny", "none"]));
        const snapshotActions = ["ec2:CreateSnapshot", "ec2:DeleteSnapshot", "ec2:RestoreSnapshotFromRecycleBin", "ec2:ModifySnapshotAttribute", "ec2:LockSnapshot"];
        assert.deepStrictEqual(snapshotActions.map((action) => verdict([deploy], action, `arn:aws:ec2:${region}::snapshot/snap-1`, asImage)), snapshotActions.map(() => "deny"));
    });
});
