/**
 * Who may do what, as pure functions of the CI stack's config: two roles behind GitHub's OIDC.
 *
 * - The **preview** role, for pull requests: reads what a preview reads (EC2 descriptions,
 *   Canonical's image parameters) and uses its own state bucket and its own key. It cannot read
 *   the daily stack's state, cannot use its key, and has no EC2 action that changes anything.
 * - The **deploy** role, for the default branch through the `lab` deployment environment:
 *   builds and destroys the lab, and only the lab: every create carries the lab's tags, every
 *   change and delete needs them on the resource, instances only of the allowed types.
 */

import { nodeImageParameter, nodeImageTag } from "../lib/nodeImage";

/** The lab's identity tags: the program's provider puts them on everything it creates. */
export const labProject = "k8s-lab";
export const identityTagKeys = ["Project", "Stack", "LabId"] as const;

/** Canonical's AWS account: the owner of the Ubuntu images the lab boots. */
export const canonicalAccount = "099720109477";

/** The tag of a prepared node image (lib/nodeImage.ts), as a condition key on the image. */
const nodeImageCondition = `aws:ResourceTag/${nodeImageTag}`;

/** Session lengths in seconds: the deploy role outlives the up job's 90-minute timeout. */
export const sessionSeconds = { deploy: 7200, preview: 3600 } as const;

export interface GithubIdentity {
    /** owner/name */
    repository: string;
    /** GitHub's immutable numeric ids of the owner and the repository. */
    ownerId: string;
    repositoryId: string;
}

/**
 * Both forms of GitHub's OIDC `sub` for one context (`pull_request`, `environment:lab`): the
 * legacy `repo:owner/name:…` and the immutable `repo:owner@ID/name@ID:…` that repositories
 * created or renamed since mid-2026 send.
 */
export function subjects(github: GithubIdentity, context: string): string[] {
    const [owner, name] = github.repository.split("/");
    return [`repo:${github.repository}:${context}`, `repo:${owner}@${github.ownerId}/${name}@${github.repositoryId}:${context}`];
}

/** Who may assume a role: GitHub's OIDC tokens for exactly these subjects, for STS. */
export function trustPolicy(args: { oidcProviderArn: string; subjects: string[] }): object {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: args.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": args.subjects,
                },
            },
        }],
    };
}

/** The SSM parameters the CI stack's Image Builder writes the prepared node images' ids to (lib/nodeImage.ts), in any region. */
const nodeImageParameters = (region: string, account: string): string => `arn:aws:ssm:${region}:${account}:parameter${nodeImageParameter("*")}`;

const readStatements = (region: string, account: string): object[] => [
    // Describe calls support no resource-level permissions; they change nothing.
    { Sid: "Describe", Effect: "Allow", Action: ["ec2:Describe*"], Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": region } } },
    {
        Sid: "UbuntuImages",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: `arn:aws:ssm:${region}::parameter/aws/service/canonical/*`,
    },
    // The preflight reads which prepared node image to boot (a preview shows the same plan).
    { Sid: "NodeImageParameters", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: nodeImageParameters(region, account) },
];

/**
 * The deploy role never makes, changes, tags, restores or deletes an image or a snapshot, and
 * never writes the parameters that name the prepared node images: only the CI stack (its Image
 * Builder, under Image Builder's service-linked role, and the stack's own up) writes those.
 * (Nothing allows these anyway; the Deny keeps it so whatever is added later. An account admin
 * can still do all of it.)
 */
export const imageWriteActions = [
    "ec2:CreateImage", "ec2:RegisterImage", "ec2:CopyImage", "ec2:ImportImage", "ec2:CreateRestoreImageTask", "ec2:CreateStoreImageTask",
    "ec2:ModifyImageAttribute", "ec2:ResetImageAttribute", "ec2:DeregisterImage", "ec2:RestoreImageFromRecycleBin",
    "ec2:EnableImage", "ec2:DisableImage", "ec2:EnableImageDeprecation", "ec2:DisableImageDeprecation",
    "ec2:EnableImageDeregistrationProtection", "ec2:DisableImageDeregistrationProtection", "ec2:CancelImageLaunchPermission",
    "ec2:EnableAllowedImagesSettings", "ec2:DisableAllowedImagesSettings", "ec2:ReplaceImageCriteriaInAllowedImagesSettings",
    "ec2:EnableImageBlockPublicAccess", "ec2:DisableImageBlockPublicAccess",
    "ec2:CreateSnapshot", "ec2:CreateSnapshots", "ec2:CopySnapshot", "ec2:ImportSnapshot", "ec2:DeleteSnapshot", "ec2:ModifySnapshotAttribute",
    "ec2:ResetSnapshotAttribute", "ec2:RestoreSnapshotFromRecycleBin", "ec2:ModifySnapshotTier", "ec2:RestoreSnapshotTier", "ec2:LockSnapshot", "ec2:UnlockSnapshot",
    "imagebuilder:*",
];
/** What writes an SSM parameter: never on the node images' (any of Image Builder's, in fact). */
export const parameterWriteActions = ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:LabelParameterVersion", "ssm:UnlabelParameterVersion", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"];
const noImageWrites: object[] = [
    { Sid: "NeverWriteImages", Effect: "Deny", Action: imageWriteActions, Resource: "*" },
    { Sid: "NeverTagImages", Effect: "Deny", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: ["arn:aws:ec2:*::image/*", "arn:aws:ec2:*::snapshot/*"] },
];
const noParameterWrites = { Sid: "NeverWriteNodeImageParameters", Effect: "Deny", Action: parameterWriteActions, Resource: "arn:aws:ssm:*:*:parameter/imagebuilder/*" };

const stateStatements = (bucketArn: string, keyArn: string): object[] => [
    { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArn },
    { Sid: "StateObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/*` },
    { Sid: "SecretsKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], Resource: keyArn },
];

/** Pull requests: read-only in EC2 and SSM, their own bucket and key. */
export function previewPolicy(args: { region: string; account: string; bucketArn: string; keyArn: string }): object {
    return { Version: "2012-10-17", Statement: [...readStatements(args.region, args.account), ...stateStatements(args.bucketArn, args.keyArn), noParameterWrites] };
}

/** The EC2 resource types the lab creates, each tagged at creation by the program's provider. */
const taggedTypes = ["vpc", "subnet", "internet-gateway", "route-table", "elastic-ip", "natgateway", "security-group", "security-group-rule", "key-pair", "instance", "volume"];

/** Actions that create a tagged lab resource (the new resource must carry the lab's tags). */
export const createActions = [
    "ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway", "ec2:CreateRouteTable", "ec2:AllocateAddress", "ec2:CreateNatGateway",
    "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:ImportKeyPair", "ec2:RunInstances",
];

/** Actions on resources that exist (the resource must carry the lab's tags). */
export const changeActions = [
    "ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup", "ec2:CreateNatGateway",
    "ec2:ModifyVpcAttribute", "ec2:ModifySubnetAttribute",
    "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
    "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
    "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
    "ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances", "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions",
    "ec2:DisassociateAddress", "ec2:ReleaseAddress", "ec2:DeleteNatGateway",
    "ec2:DeleteSecurityGroup", "ec2:DeleteKeyPair", "ec2:DeleteVolume", "ec2:DeleteRouteTable", "ec2:DeleteInternetGateway", "ec2:DeleteSubnet", "ec2:DeleteVpc",
    "ec2:CreateTags", "ec2:DeleteTags",
];

/**
 * The daily workflows: build and destroy the lab in one region and nothing else. New resources
 * must be tagged Project=k8s-lab, Stack=<the daily stack> and carry a LabId; existing ones can
 * be changed, tagged or deleted only when they carry the same tags. Instances run only an
 * allowed type and a Canonical image or a prepared node image of this account that carries the
 * node-image tag (the lab boots only the one its parameter names), in the lab's subnet and
 * security groups, with the lab's key, and are never changed to another type. No IAM, no other
 * region, no image or snapshot made, changed or tagged, no node image parameter written.
 */
export function deployPolicy(args: { region: string; account: string; labStack: string; instanceTypes: readonly string[]; bucketArn: string; keyArn: string }): object {
    const arn = (type: string): string => `arn:aws:ec2:${args.region}:*:${type}/*`;
    const region = { "aws:RequestedRegion": args.region };
    const tagged = (prefix: "aws:RequestTag" | "aws:ResourceTag") => ({
        StringEquals: { ...region, [`${prefix}/Project`]: labProject, [`${prefix}/Stack`]: args.labStack },
        Null: { [`${prefix}/LabId`]: "false" },
    });
    return {
        Version: "2012-10-17",
        Statement: [
            ...readStatements(args.region, args.account),
            {
                Sid: "CreateTaggedLabResources",
                Effect: "Allow",
                Action: createActions.filter((a) => a !== "ec2:RunInstances"),
                Resource: taggedTypes.filter((t) => t !== "instance" && t !== "volume").map(arn),
                Condition: tagged("aws:RequestTag"),
            },
            {
                Sid: "RunLabInstancesOfAllowedTypes",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [arn("instance")],
                Condition: { ...tagged("aws:RequestTag"), StringEquals: { ...tagged("aws:RequestTag").StringEquals, "ec2:InstanceType": [...args.instanceTypes] } },
            },
            { Sid: "RunInstancesVolumesTagged", Effect: "Allow", Action: ["ec2:RunInstances"], Resource: [arn("volume")], Condition: tagged("aws:RequestTag") },
            {
                Sid: "RunInstancesInTheLabsNetwork",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [arn("subnet"), arn("security-group"), arn("key-pair")],
                Condition: tagged("aws:ResourceTag"),
            },
            {
                Sid: "RunInstancesOfCanonicalImages",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [`arn:aws:ec2:${args.region}::image/*`],
                Condition: { StringEquals: { ...region, "ec2:Owner": canonicalAccount } },
            },
            {
                Sid: "RunInstancesOfPreparedNodeImages",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [`arn:aws:ec2:${args.region}::image/*`],
                Condition: { StringEquals: { ...region, "ec2:Owner": args.account }, Null: { [nodeImageCondition]: "false" } },
            },
            {
                // The provider tags an instance and its volumes at launch, not the network
                // interface or the spot request that come with it: they are allowed only as part
                // of a RunInstances call, which every statement above must allow as a whole.
                Sid: "RunInstancesUntaggedParts",
                Effect: "Allow",
                Action: ["ec2:RunInstances"],
                Resource: [arn("network-interface"), arn("spot-instances-request")],
                Condition: { StringEquals: region },
            },
            {
                // The provider cancels a spot instance's request before it terminates the
                // instance (destroy, replacement). Requests carry no tags, and cancelling one
                // never terminates an instance: TerminateInstances still needs the lab's tags.
                Sid: "CancelSpotRequests",
                Effect: "Allow",
                Action: ["ec2:CancelSpotInstanceRequests"],
                Resource: [arn("spot-instances-request")],
                Condition: { StringEquals: region },
            },
            { Sid: "ChangeOnlyTheLab", Effect: "Allow", Action: changeActions, Resource: taggedTypes.map(arn), Condition: tagged("aws:ResourceTag") },
            {
                // Stop, change the type, start: the allow-list holds for a running lab too. The
                // two conditions are ANDed: only a request that sets an instance type (the key is
                // present) to one outside the list is refused; other attributes stay allowed.
                Sid: "NoOtherInstanceTypeLater",
                Effect: "Deny",
                Action: ["ec2:ModifyInstanceAttribute"],
                Resource: "*",
                Condition: { Null: { "ec2:Attribute/InstanceType": "false" }, StringNotEquals: { "ec2:Attribute/InstanceType": [...args.instanceTypes] } },
            },
            {
                Sid: "TagOnlyWhenCreating",
                Effect: "Allow",
                Action: ["ec2:CreateTags"],
                Resource: taggedTypes.map(arn),
                // ec2:CreateAction names the API call without the service prefix: RunInstances.
                Condition: { StringEquals: { ...region, "ec2:CreateAction": createActions.map((a) => a.replace(/^ec2:/, "")) } },
            },
            { Sid: "SweepLookup", Effect: "Allow", Action: ["tag:GetResources"], Resource: "*" },
            ...stateStatements(args.bucketArn, args.keyArn),
            ...noImageWrites,
            noParameterWrites,
        ],
    };
}

/**
 * What an AWS service may assume a role for (EC2 for an instance profile, Image Builder for its
 * lifecycle policies); with `account`, only on behalf of that account (aws:SourceAccount, against
 * the confused deputy; no aws:SourceArn: Image Builder is not documented to send one for lifecycle policies).
 */
export function serviceTrustPolicy(service: string, account?: string): object {
    const condition = account === undefined ? {} : { Condition: { StringEquals: { "aws:SourceAccount": account } } };
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...condition }] };
}

/**
 * The managed policies of the Image Builder build instance's role, and nothing else: Systems
 * Manager's core (Image Builder drives the instance through it) and what Image Builder's agent
 * needs (its components, its logs). The instance writes no image: Image Builder's service does.
 */
export const nodeImageInstancePolicies = [
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
];
/**
 * The build instance role's inline policy: no parameter read. AmazonSSMManagedInstanceCore (which
 * Image Builder needs, to drive the instance through the agent) allows ssm:GetParameter(s) on
 * every parameter of the account; the build reads none (its component has no {{ssm:…}}), so a
 * compromised build (a package or an image it pulls) reads none either.
 */
export const nodeImageInstanceDenyPolicy = {
    Version: "2012-10-17",
    Statement: [{ Sid: "NoParameterReads", Effect: "Deny", Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], Resource: "*" }],
};

/** The managed policy of the role Image Builder's lifecycle policy deletes old images with. */
export const nodeImageLifecyclePolicy = "arn:aws:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy";

/** Every request to a state bucket over TLS, and principals that must never touch it. */
export function bucketPolicy(args: { bucketArn: string; denied: string[] }): object {
    const objects = [args.bucketArn, `${args.bucketArn}/*`];
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: objects, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ...(args.denied.length === 0 ? [] : [{ Sid: "NeverPreviews", Effect: "Deny", Principal: { AWS: args.denied }, Action: "s3:*", Resource: objects }]),
        ],
    };
}

/** The account of an IAM ARN: arn:aws:iam::123456789012:role/x → 123456789012. */
export const accountOf = (arn: string): string => arn.split(":")[4] ?? "";

/** The daily key: administered through IAM as usual, never usable by the denied principals. */
export function keyPolicy(args: { account: string; denied: string[] }): object {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${args.account}:root` }, Action: "kms:*", Resource: "*" },
            { Sid: "NeverPreviews", Effect: "Deny", Principal: { AWS: args.denied }, Action: "kms:*", Resource: "*" },
        ],
    };
}
