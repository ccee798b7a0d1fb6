/**
 * The prepared node image's build chain, in the CI stack: EC2 Image Builder runs the lab's own
 * build script (lib/nodeImage.ts: scripts/node-image.sh, which installs with node-install.sh, the
 * text the user data installs with) on Canonical's current Ubuntu, in a network of its own, and
 * writes the image's id to the SSM parameter of its key, the only place the lab looks.
 */
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { nodeImageComponent, nodeImageKey, nodeImageParameter, nodeImageTag, shortHash } from "../lib/nodeImage";
import { KubernetesMinor, ubuntuAmiParameter, versions } from "../lib/versions";
import { nodeImageInstanceDenyPolicy, nodeImageInstancePolicies, nodeImageLifecyclePolicy, serviceTrustPolicy } from "./policy";

export type Architecture = "amd64" | "arm64";

/** The build instance: the smallest current types of the architecture with room for the pulls; Image Builder takes the first it gets. */
export const buildInstanceTypes: Readonly<Record<Architecture, string[]>> = { amd64: ["t3.medium", "t3a.medium"], arm64: ["t4g.medium", "m6g.medium"] };
/** Weekly, Sunday 03:00 in Seoul: Canonical's security updates reach the image within a week. */
export const nodeImageSchedule = { scheduleExpression: "cron(0 3 ? * SUN *)", timezone: "Asia/Seoul", pipelineExecutionStartCondition: "EXPRESSION_MATCH_ONLY" };
/** How many images of the current key the lifecycle keeps, newest first. */
export const keptImages = 2;
/** After how many days the lifecycle deletes an image of another key (no lab boots it: its parameter is gone). */
export const otherKeyDays = 7;
/** The tag every node image's Image Builder image carries (from its pipeline): what the lifecycle selects. */
export const buildTag = { "k8s-lab:node-image-build": "k8s-lab" };
/** The image's root volume in GB: Ubuntu, the packages and the pulled images, with room; the lab's nodes have 30 or more. */
const rootVolumeGb = 16;
/** The build network: one public subnet, nothing else in it. */
const buildCidr = "10.254.0.0/24";

export interface NodeImageArgs {
    region: string;
    account: string;
    kubernetesVersion: KubernetesMinor;
    architecture: Architecture;
}

/**
 * Image Builder's component (the build script), recipe (Canonical's Ubuntu from the SSM parameter
 * the lab reads, resolved at each build), infrastructure (a build instance with a role of its own,
 * in the build network), distribution (the AMI tagged with its key, its id written to the key's
 * parameter), a weekly pipeline, one build started whenever the recipe changes, and the lifecycle.
 */
export function nodeImage(args: NodeImageArgs, opts: pulumi.CustomResourceOptions): { key: string; parameter: aws.ssm.Parameter; pipeline: aws.imagebuilder.ImagePipeline } {
    const key = nodeImageKey(args.kubernetesVersion, args.architecture);
    const kubernetes = versions.kubernetes[args.kubernetesVersion];
    const description = `k8s-lab node image: containerd, Kubernetes ${kubernetes}, the bootstrap's images (${args.architecture})`;

    // The parameter the lab reads, declared here so that its life is this stack's: disabling the
    // image, a new key or a destroy deletes it, and labs fall back instead of booting a frozen
    // image. Image Builder's distribution writes its value; Pulumi keeps only the placeholder.
    // aws:ec2:image: SSM takes only the id of an image the account can use, so the placeholder is
    // Canonical's current Ubuntu (not the account's: the lab falls back, as before the first build).
    // deleteBeforeReplace: a replacement (a new data type) has the same name, which deleting the old one after would remove.
    const placeholder = aws.ssm.getParameterOutput({ name: ubuntuAmiParameter(args.architecture) }, opts).insecureValue;
    const parameter = new aws.ssm.Parameter("node-image", {
        name: nodeImageParameter(key),
        description: `k8s-lab: the prepared node image of key ${key}, written by Image Builder`,
        type: "String",
        dataType: "aws:ec2:image",
        value: placeholder,
        overwrite: true,
    }, { ...opts, ignoreChanges: ["value"], deleteBeforeReplace: true });

    const role = new aws.iam.Role("node-image-build", {
        description: "k8s-lab: the Image Builder instance that builds the node image",
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
    }, opts);
    nodeImagePolicies(role, "node-image-build", nodeImageInstancePolicies, opts);
    // AmazonSSMManagedInstanceCore lets the instance read every parameter; the build reads none.
    new aws.iam.RolePolicy("node-image-build", { role: role.id, policy: JSON.stringify(nodeImageInstanceDenyPolicy) }, opts);
    const profile = new aws.iam.InstanceProfile("node-image-build", { role: role.id }, opts);

    // Components and recipes are immutable, one version per name: a hash of everything in them
    // names them, so a change makes new ones (the pipeline moves to them, no name collides) and a
    // run that changes nothing keeps them.
    const data = nodeImageComponent(args.kubernetesVersion);
    const componentName = `k8s-lab-node-${shortHash(data)}`;
    const component = new aws.imagebuilder.Component("node-image", { name: componentName, version: "1.0.0", platform: "Linux", description, data }, opts);
    const recipeInputs = {
        description,
        parentImage: `ssm:${ubuntuAmiParameter(args.architecture)}`,
        blockDeviceMappings: [{ deviceName: "/dev/sda1", ebs: { volumeSize: rootVolumeGb, volumeType: "gp3", deleteOnTermination: "true" } }],
    };
    const recipe = new aws.imagebuilder.ImageRecipe("node-image", {
        name: `k8s-lab-node-${shortHash({ component: componentName, ...recipeInputs })}`,
        version: "1.0.0",
        ...recipeInputs,
        components: [{ componentArn: component.arn }],
    }, opts);

    const network = buildNetwork(opts);
    const infrastructure = new aws.imagebuilder.InfrastructureConfiguration("node-image", {
        name: "k8s-lab-node-image",
        description: "k8s-lab: the node image's build instance, in the build network (HTTP and HTTPS out, nothing in)",
        instanceProfileName: profile.id,
        instanceTypes: buildInstanceTypes[args.architecture],
        subnetId: network.subnet.id,
        securityGroupIds: [network.securityGroup.id],
        instanceMetadataOptions: { httpTokens: "required" },
        terminateInstanceOnFailure: true,
    }, opts);
    const distribution = new aws.imagebuilder.DistributionConfiguration("node-image", {
        name: "k8s-lab-node-image",
        description: "k8s-lab: the node image, tagged with its key, its id in the key's parameter",
        distributions: [{
            region: args.region,
            amiDistributionConfiguration: {
                name: `k8s-lab-node-${key}-{{ imagebuilder:buildDate }}`,
                description,
                amiTags: { [nodeImageTag]: key, Project: "k8s-lab", KubernetesVersion: kubernetes, Architecture: args.architecture },
            },
            ssmParameterConfigurations: [{ parameterName: nodeImageParameter(key), dataType: "aws:ec2:image" }],
        }],
    }, opts);
    const pipeline = new aws.imagebuilder.ImagePipeline("node-image", {
        name: "k8s-lab-node-image",
        description: "k8s-lab: rebuilds the node image weekly on Canonical's current Ubuntu",
        imageRecipeArn: recipe.arn,
        infrastructureConfigurationArn: infrastructure.arn,
        distributionConfigurationArn: distribution.arn,
        imageTestsConfiguration: { imageTestsEnabled: false },
        schedule: nodeImageSchedule,
        // Its images carry these: the lifecycle selects them by tag, whatever recipe made them.
        tags: { ...buildTag, [nodeImageTag]: key },
    }, opts);

    // The schedule builds weekly: this starts one build whenever the recipe changes (a new key or
    // a new image list), so that the lab has it within the hour, not within a week. It does not
    // wait for the build (20 to 45 minutes): the up goes on, and a failed build is Image
    // Builder's to report. Runs the AWS CLI with the operator's credentials.
    new command.local.Command("node-image-build", {
        create: "aws imagebuilder start-image-pipeline-execution --image-pipeline-arn \"$PIPELINE\" --region \"$REGION\" --query requestId --output text",
        environment: { PIPELINE: pipeline.arn, REGION: args.region },
        triggers: [recipe.arn],
    }, { dependsOn: [pipeline, parameter] });

    nodeImageLifecycle(args, key, opts);
    return { key, parameter, pipeline };
}

function nodeImagePolicies(role: aws.iam.Role, name: string, policyArns: readonly string[], opts: pulumi.CustomResourceOptions): void {
    policyArns.forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(policyArns.length === 1 ? name : `${name}-${i}`, { role: role.id, policyArn }, opts));
}

/**
 * A network of the build's own (no default VPC needed, none of its rules trusted): a VPC with one
 * public subnet (the build instance gets a public address: no NAT, nothing to pay) and a security
 * group with HTTP and HTTPS out (packages, registries, Systems Manager) and nothing in.
 */
function buildNetwork(opts: pulumi.CustomResourceOptions): { subnet: aws.ec2.Subnet; securityGroup: aws.ec2.SecurityGroup } {
    const vpc = new aws.ec2.Vpc("node-image-build", { cidrBlock: buildCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: "k8s-lab-node-image-build" } }, opts);
    const gateway = new aws.ec2.InternetGateway("node-image-build", { vpcId: vpc.id }, opts);
    const subnet = new aws.ec2.Subnet("node-image-build", { vpcId: vpc.id, cidrBlock: buildCidr, mapPublicIpOnLaunch: true }, opts);
    const routes = new aws.ec2.RouteTable("node-image-build", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }] }, opts);
    new aws.ec2.RouteTableAssociation("node-image-build", { subnetId: subnet.id, routeTableId: routes.id }, opts);
    const securityGroup = new aws.ec2.SecurityGroup("node-image-build", {
        vpcId: vpc.id,
        description: "k8s-lab: the node image's build instance: HTTP and HTTPS out, nothing in",
        ingress: [],
        egress: [80, 443].map((port) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"], description: port === 80 ? "Ubuntu's package mirrors" : "Packages, registries, Systems Manager" })),
    }, opts);
    return { subnet, securityGroup };
}

/**
 * What is kept: the newest two images of the current key, and an image of another key for a week
 * (no lab boots one: its parameter is gone with the key). Both select by tag, so images of
 * earlier recipes and keys are cleaned too. The lifecycle's role may be assumed by Image Builder
 * for this account only.
 */
function nodeImageLifecycle(args: NodeImageArgs, key: string, opts: pulumi.CustomResourceOptions): void {
    const lifecycleRole = new aws.iam.Role("node-image-lifecycle", {
        description: "k8s-lab: Image Builder's lifecycle policies, which delete old node images",
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("imagebuilder.amazonaws.com", args.account)),
    }, opts);
    nodeImagePolicies(lifecycleRole, "node-image-lifecycle", [nodeImageLifecyclePolicy], opts);
    const policy = (name: string, description: string, tagMap: Record<string, string>, detail: aws.types.input.imagebuilder.LifecyclePolicyPolicyDetail) =>
        new aws.imagebuilder.LifecyclePolicy(name, {
            name: `k8s-lab-${name}`,
            description,
            executionRole: lifecycleRole.arn,
            resourceType: "AMI_IMAGE",
            resourceSelection: { tagMap },
            policyDetails: [detail],
        }, opts);
    const remove = { type: "DELETE", includeResources: { amis: true, snapshots: true } };
    policy("node-image", `k8s-lab: keeps the newest ${keptImages} node images of key ${key}; older ones are deleted with their snapshots`, { [nodeImageTag]: key },
        { action: remove, filter: { type: "COUNT", value: keptImages } });
    policy("node-image-other-keys", `k8s-lab: deletes node images of any other key ${otherKeyDays} days after they were built, with their snapshots`, buildTag,
        { action: remove, filter: { type: "AGE", value: otherKeyDays, unit: "DAYS" }, exclusionRules: { tagMap: { [nodeImageTag]: key } } });
}
