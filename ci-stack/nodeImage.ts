/**
 * The prepared node image's build chain, in the CI stack: EC2 Image Builder runs the lab's own
 * build script (lib/nodeImage.ts: scripts/node-image.sh, which installs with node-install.sh, the
 * text the user data installs with) on Canonical's current Ubuntu, and tags the image with its key.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nodeImageComponent, nodeImageKey, nodeImageTag } from "../lib/nodeImage";
import { KubernetesMinor, ubuntuAmiParameter, versions } from "../lib/versions";
import { nodeImageInstancePolicies, nodeImageLifecyclePolicy, serviceTrustPolicy } from "./policy";

export type Architecture = "amd64" | "arm64";

/** The build instance: the smallest current type of the architecture with room for the pulls. */
export const buildInstanceTypes: Readonly<Record<Architecture, string>> = { amd64: "t3.medium", arm64: "t4g.medium" };
/** Weekly, Sunday 03:00 in Seoul: Canonical's security updates reach the image within a week. */
export const nodeImageSchedule = { scheduleExpression: "cron(0 3 ? * SUN *)", timezone: "Asia/Seoul", pipelineExecutionStartCondition: "EXPRESSION_MATCH_ONLY" };
/** How many images of the current key the lifecycle policy keeps, newest first. */
export const keptImages = 2;
/** The image's root volume in GB: Ubuntu, the packages and the pulled images, with room; the lab's nodes have 30 or more. */
const rootVolumeGb = 16;

export interface NodeImageArgs {
    region: string;
    kubernetesVersion: KubernetesMinor;
    architecture: Architecture;
}

/**
 * Image Builder's component (the build script), recipe (Canonical's Ubuntu from the SSM parameter
 * the lab reads, resolved at each build), infrastructure (a build instance with a role of its own),
 * distribution (the AMI tagged with its key), a weekly pipeline, one build whenever the recipe
 * changes, and a lifecycle policy that keeps the newest two images of the recipe.
 */
export function nodeImage(args: NodeImageArgs, opts: pulumi.CustomResourceOptions): { key: string; pipeline: aws.imagebuilder.ImagePipeline } {
    const key = nodeImageKey(args.kubernetesVersion, args.architecture);
    const kubernetes = versions.kubernetes[args.kubernetesVersion];
    const description = `k8s-lab node image: containerd, Kubernetes ${kubernetes}, the bootstrap's images (${args.architecture})`;
    // Components and recipes are immutable, one version per name: the key names them, so a change
    // makes new ones (the pipeline moves to them) and a run that changes nothing keeps them.
    const name = `k8s-lab-node-${key}`;

    const role = new aws.iam.Role("node-image-build", {
        description: "k8s-lab: the Image Builder instance that builds the node image",
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
    }, opts);
    nodeImageInstancePolicies.forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`node-image-build-${i}`, { role: role.id, policyArn }, opts));
    const profile = new aws.iam.InstanceProfile("node-image-build", { role: role.id }, opts);

    const component = new aws.imagebuilder.Component("node-image", {
        name,
        version: "1.0.0",
        platform: "Linux",
        description,
        data: nodeImageComponent(args.kubernetesVersion),
    }, opts);
    const recipe = new aws.imagebuilder.ImageRecipe("node-image", {
        name,
        version: "1.0.0",
        description,
        parentImage: `ssm:${ubuntuAmiParameter(args.architecture)}`,
        components: [{ componentArn: component.arn }],
        blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: rootVolumeGb, volumeType: "gp3", deleteOnTermination: "true" } }],
    }, opts);
    const infrastructure = new aws.imagebuilder.InfrastructureConfiguration("node-image", {
        name: "k8s-lab-node-image",
        description: "k8s-lab: the node image's build instance (the account's default VPC)",
        instanceProfileName: profile.id,
        instanceTypes: [buildInstanceTypes[args.architecture]],
        instanceMetadataOptions: { httpTokens: "required" },
        terminateInstanceOnFailure: true,
    }, opts);
    const distribution = new aws.imagebuilder.DistributionConfiguration("node-image", {
        name: "k8s-lab-node-image",
        description: "k8s-lab: the node image, tagged with its key",
        distributions: [{
            region: args.region,
            amiDistributionConfiguration: {
                name: `${name}-{{ imagebuilder:buildDate }}`,
                description,
                amiTags: { [nodeImageTag]: key, Project: "k8s-lab", KubernetesVersion: kubernetes, Architecture: args.architecture },
            },
        }],
    }, opts);
    const build = {
        imageRecipeArn: recipe.arn,
        infrastructureConfigurationArn: infrastructure.arn,
        distributionConfigurationArn: distribution.arn,
        imageTestsConfiguration: { imageTestsEnabled: false },
    };
    const pipeline = new aws.imagebuilder.ImagePipeline("node-image", {
        name: "k8s-lab-node-image",
        description: "k8s-lab: rebuilds the node image weekly on Canonical's current Ubuntu",
        ...build,
        schedule: nodeImageSchedule,
    }, opts);
    // The pipeline builds on its schedule only: this builds the first image of each recipe, when
    // the recipe changes (a new key), so the lab has it the next morning, not within a week.
    new aws.imagebuilder.Image("node-image", build, opts);

    const lifecycleRole = new aws.iam.Role("node-image-lifecycle", {
        description: "k8s-lab: Image Builder's lifecycle policy, which deletes old node images",
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("imagebuilder.amazonaws.com")),
    }, opts);
    new aws.iam.RolePolicyAttachment("node-image-lifecycle", { role: lifecycleRole.id, policyArn: nodeImageLifecyclePolicy }, opts);
    new aws.imagebuilder.LifecyclePolicy("node-image", {
        name: "k8s-lab-node-image",
        description: `k8s-lab: keeps the newest ${keptImages} node images of the current recipe; older ones are deregistered with their snapshots`,
        executionRole: lifecycleRole.arn,
        resourceType: "AMI_IMAGE",
        resourceSelection: { recipes: [{ name: recipe.name, semanticVersion: recipe.version }] },
        policyDetails: [{ action: { type: "DELETE", includeResources: { amis: true, snapshots: true } }, filter: { type: "COUNT", value: keptImages } }],
    }, opts);
    return { key, pipeline };
}
