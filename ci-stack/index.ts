/**
 * The long-lived CI stack: where the daily stack's state and secrets live so they survive the
 * runner, the role the workflows assume through GitHub's OIDC, and a budget alarm.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { trustPolicy, workflowPolicy } from "./policy";
import { languageFromEnv, translator } from "../lib/messages";

export = async () => {
    const config = new pulumi.Config();
    const region = config.require("region");
    const repository = config.require("githubRepository");
    const email = config.require("budgetEmail");
    const budget = config.requireNumber("budgetMonthlyUsd");
    const t = translator(languageFromEnv());
    const invalid = (key: string, value: string, allowed: string) => new pulumi.RunError(t("config.invalid", { key: `k8s-lab-ci:${key}`, value: JSON.stringify(value), allowed }));
    if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw invalid("githubRepository", repository, t("allowed.repository"));
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid("budgetEmail", email, t("allowed.email"));

    const provider = new aws.Provider("aws", { region: region as aws.Region, defaultTags: { tags: { Project: "k8s-lab", Stack: "ci", ManagedBy: "pulumi" } } });
    const opts = { provider };
    // The state and its key outlive everything else: protected against a stray destroy.
    const key = new aws.kms.Key("pulumi-secrets", { description: "k8s-lab: Pulumi secrets provider", enableKeyRotation: true, deletionWindowInDays: 30 }, { ...opts, protect: true });
    new aws.kms.Alias("pulumi-secrets", { name: "alias/k8s-lab-pulumi", targetKeyId: key.keyId }, opts);
    const bucket = new aws.s3.Bucket("state", { bucketPrefix: "k8s-lab-state-" }, { ...opts, protect: true });
    new aws.s3.BucketVersioning("state", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration("state", {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    }, opts);
    new aws.s3.BucketPublicAccessBlock("state", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);

    const github = new aws.iam.OpenIdConnectProvider("github", { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] }, opts);
    const role = new aws.iam.Role("github-actions", {
        description: "k8s-lab workflows: preview, the daily up and destroy, the sweep",
        assumeRolePolicy: github.arn.apply((arn) => JSON.stringify(trustPolicy({ oidcProviderArn: arn, repository }))),
        maxSessionDuration: 7200,
    }, opts);
    new aws.iam.RolePolicy("github-actions", {
        role: role.id,
        policy: pulumi.all([bucket.arn, key.arn]).apply(([bucketArn, keyArn]) => JSON.stringify(workflowPolicy({ region, bucketArn, keyArn }))),
    }, opts);

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

    return {
        backendUrl: pulumi.interpolate`s3://${bucket.bucket}`,
        secretsProvider: `awskms://alias/k8s-lab-pulumi?region=${region}`,
        roleArn: role.arn,
    };
};
