/**
 * The long-lived CI stack: where the daily stack's state and secrets live so they survive the
 * runner, a separate bucket and key for pull-request previews, the two roles the workflows
 * assume through GitHub's OIDC, the spot service-linked role (unless the account has another one), a budget alarm, and
 * the weekly build of the prepared node image the lab boots when it exists (./nodeImage.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountOf, bucketPolicy, deployPolicy, keyPolicy, previewPolicy, sessionSeconds, subjects, trustPolicy } from "./policy";
import { Architecture, nodeImage } from "./nodeImage";
import { allowedInstanceTypes } from "../lib/allowList";
import { configSchema } from "../lib/configSchema";
import { languageFromEnv, translator } from "../lib/messages";
import { KubernetesMinor, versions } from "../lib/versions";

export = async () => {
    const config = new pulumi.Config();
    const region = config.require("region");
    const repository = config.require("githubRepository");
    const ownerId = config.get("githubOwnerId") ?? "";
    const repositoryId = config.get("githubRepositoryId") ?? "";
    const environment = config.get("deployEnvironment") ?? "lab";
    const labStack = config.get("labStack") ?? "dev";
    const spotRole = config.getBoolean("spotServiceLinkedRole") ?? true;
    const email = config.require("budgetEmail");
    const budget = config.requireNumber("budgetMonthlyUsd");
    const buildNodeImage = config.getBoolean("nodeImage") ?? true;
    // The lab's default unless set: the image follows the lab's default minor when it moves.
    const imageKubernetes = config.get("nodeImageKubernetesVersion") ?? configSchema.kubernetesVersion.default;
    const imageArchitecture = config.get("nodeImageArchitecture") ?? "amd64";
    const t = translator(languageFromEnv());
    const invalid = (key: string, value: string, allowed: string) => new pulumi.RunError(t("config.invalid", { key: `k8s-lab-ci:${key}`, value: JSON.stringify(value), allowed }));
    if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw invalid("githubRepository", repository, t("allowed.repository"));
    if (!/^[1-9]\d*$/.test(ownerId)) throw invalid("githubOwnerId", ownerId, t("allowed.githubId"));
    if (!/^[1-9]\d*$/.test(repositoryId)) throw invalid("githubRepositoryId", repositoryId, t("allowed.githubId"));
    if (!/^[\w.-]{1,100}$/.test(environment)) throw invalid("deployEnvironment", environment, t("allowed.ciName"));
    if (!/^[\w.-]{1,100}$/.test(labStack)) throw invalid("labStack", labStack, t("allowed.ciName"));
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid("budgetEmail", email, t("allowed.email"));
    const minors = Object.keys(versions.kubernetes);
    if (!minors.includes(imageKubernetes)) throw invalid("nodeImageKubernetesVersion", imageKubernetes, t("allowed.kubernetesVersion", { versions: minors.join(", "), calico: versions.calico }));
    if (imageArchitecture !== "amd64" && imageArchitecture !== "arm64") throw invalid("nodeImageArchitecture", imageArchitecture, t("allowed.architecture"));
    const github = { repository, ownerId, repositoryId };

    const provider = new aws.Provider("aws", { region: region as aws.Region, defaultTags: { tags: { Project: "k8s-lab", Stack: "ci", ManagedBy: "pulumi" } } });
    const opts = { provider };

    // The account's own images: the prepared node images the deploy role may launch.
    const account = (await aws.getCallerIdentity({}, opts)).accountId;
    const oidc = new aws.iam.OpenIdConnectProvider("github", { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] }, opts);
    const role = (name: string, description: string, context: string, maxSessionDuration: number) =>
        new aws.iam.Role(name, {
            description,
            assumeRolePolicy: oidc.arn.apply((arn) => JSON.stringify(trustPolicy({ oidcProviderArn: arn, subjects: subjects(github, context) }))),
            maxSessionDuration,
        }, opts);
    // The deploy role keeps the name of the former single role, so its ARN (a repository variable) stays.
    const deployRole = role("github-actions", `k8s-lab: the daily up and destroy and the sweep, from the ${environment} environment only`, `environment:${environment}`, sessionSeconds.deploy);
    const previewRole = role("github-actions-preview", "k8s-lab: pull-request previews on a throwaway stack; reads EC2, never the daily state", "pull_request", sessionSeconds.preview);

    // The daily stack's state and key outlive everything else: protected against a stray
    // destroy, never readable by the preview role (IAM gives it nothing here, and both
    // resource policies deny it by name).
    const key = new aws.kms.Key("pulumi-secrets", {
        description: "k8s-lab: Pulumi secrets provider of the daily stack",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: previewRole.arn.apply((arn) => JSON.stringify(keyPolicy({ account: accountOf(arn), denied: [arn] }))),
    }, { ...opts, protect: true });
    new aws.kms.Alias("pulumi-secrets", { name: "alias/k8s-lab-pulumi", targetKeyId: key.keyId }, opts);
    const bucket = stateBucket("state", "k8s-lab-state-", key, previewRole.arn.apply((arn) => [arn]), opts);

    // Previews: a bucket and a key of their own, emptied after a week.
    const previewKey = new aws.kms.Key("preview-secrets", { description: "k8s-lab: Pulumi secrets provider of pull-request previews", enableKeyRotation: true, deletionWindowInDays: 7 }, opts);
    new aws.kms.Alias("preview-secrets", { name: "alias/k8s-lab-preview", targetKeyId: previewKey.keyId }, opts);
    const previewBucket = stateBucket("previews", "k8s-lab-previews-", previewKey, [], opts);
    new aws.s3.BucketLifecycleConfiguration("previews", {
        bucket: previewBucket.id,
        rules: [{ id: "throwaway-stacks", status: "Enabled", filter: {}, expiration: { days: 7 }, noncurrentVersionExpiration: { noncurrentDays: 1 } }],
    }, opts);

    new aws.iam.RolePolicy("github-actions", {
        role: deployRole.id,
        policy: pulumi.all([bucket.arn, key.arn]).apply(([bucketArn, keyArn]) =>
            JSON.stringify(deployPolicy({ region, account, labStack, instanceTypes: allowedInstanceTypes, bucketArn, keyArn }))),
    }, opts);
    new aws.iam.RolePolicy("github-actions-preview", {
        role: previewRole.id,
        policy: pulumi.all([previewBucket.arn, previewKey.arn]).apply(([bucketArn, keyArn]) => JSON.stringify(previewPolicy({ region, account, bucketArn, keyArn }))),
    }, opts);

    // Spot instances need this role once per account; without it a spot launch fails, and the
    // deploy role may not create it (no IAM). The lab's workers are spot by default, so it is
    // created here when the account has none, and kept when the one it has is this stack's (its
    // description): creating a role the account already has would fail the up. It is account-wide,
    // so neither a destroy nor spotServiceLinkedRole=false ever deletes it (retainOnDelete).
    if (spotRole && (await spotRoleIsOurs(opts))) {
        new aws.iam.ServiceLinkedRole("spot", { awsServiceName: "spot.amazonaws.com", description: spotRoleDescription }, { ...opts, retainOnDelete: true });
    }

    new aws.budgets.Budget("monthly", {
        budgetType: "COST",
        limitAmount: String(budget),
        limitUnit: "USD",
        timeUnit: "MONTHLY",
        notifications: [
            { comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberEmailAddresses: [email] },
            { comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberEmailAddresses: [email] },
        ],
    }, opts);

    // The lab's nodes boot it when it exists for exactly their pinned versions (lib/preflight.ts).
    const image = buildNodeImage ? nodeImage({ region, account, kubernetesVersion: imageKubernetes as KubernetesMinor, architecture: imageArchitecture as Architecture }, opts) : undefined;

    return {
        ...(image === undefined ? {} : { nodeImageKey: image.key, nodeImageParameter: image.parameter.name, nodeImagePipelineArn: image.pipeline.arn }),
        backendUrl: pulumi.interpolate`s3://${bucket.bucket}`,
        secretsProvider: `awskms://alias/k8s-lab-pulumi?region=${region}`,
        roleArn: deployRole.arn,
        previewBackendUrl: pulumi.interpolate`s3://${previewBucket.bucket}`,
        previewSecretsProvider: `awskms://alias/k8s-lab-preview?region=${region}`,
        previewRoleArn: previewRole.arn,
    };
};

const spotRoleDescription = "EC2 spot instances of the k8s-lab";

/** True when the account has no spot service-linked role, or has the one this stack created. */
async function spotRoleIsOurs(opts: pulumi.InvokeOptions): Promise<boolean> {
    const name = "AWSServiceRoleForEC2Spot";
    const found = await aws.iam.getRoles({ nameRegex: `^${name}$`, pathPrefix: "/aws-service-role/spot.amazonaws.com/" }, opts);
    return found.names.length === 0 || (await aws.iam.getRole({ name }, opts)).description === spotRoleDescription;
}

/** A private, versioned, KMS-encrypted, TLS-only state bucket. */
function stateBucket(name: string, prefix: string, key: aws.kms.Key, denied: pulumi.Input<string[]>, opts: pulumi.CustomResourceOptions): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket(name, { bucketPrefix: prefix }, { ...opts, protect: name === "state" });
    new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(name, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    }, opts);
    const block = new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
    new aws.s3.BucketPolicy(name, {
        bucket: bucket.id,
        policy: pulumi.all([bucket.arn, denied]).apply(([bucketArn, principals]) => JSON.stringify(bucketPolicy({ bucketArn, denied: principals }))),
    }, { ...opts, dependsOn: [block] });
    return bucket;
}
