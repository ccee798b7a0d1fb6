import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WorkerCapacity } from "../lib/config";
import { NodeType } from "../lib/preflight";
import { nameTag } from "../lib/tags";

export interface NodeGroupArgs {
    /** The lab's `project-stack` name, which begins every Name tag. */
    labName: string;
    count: number;
    /** Instance type and the image for its architecture (the prepared node image, else Canonical's Ubuntu), read before deploying. */
    nodeType: NodeType;
    subnetId: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    keyName: pulumi.Input<string>;
    rootVolumeSizeGb: number;
    /** A public IPv4 address on each node (the control-plane node only). */
    publicIp: boolean;
    /**
     * Spot or on-demand (the default). Spot is a one-time request with interruption `terminate`:
     * the request closes once fulfilled, so a destroy that terminates the instance leaves nothing
     * behind (a persistent one would need `stop` and relaunch by itself); an interrupted worker is
     * gone for the day, and the next lab starts from scratch. A change replaces the instances.
     */
    capacity?: WorkerCapacity;
    /** Boot-time script; a change replaces the instances. */
    userData: pulumi.Input<string>;
    /**
     * The lab's tags, as the provider's default tags carry them (lib/tags.ts labTags). The
     * provider puts default tags on an instance, not on the root volume RunInstances creates
     * with it: they go there through volumeTags, which the deploy role requires at launch.
     */
    labTags: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Resources the instances wait for, such as the workers' route to the internet. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * EC2 instances of one role: IMDSv2 only, encrypted gp3 root volume tagged as the lab, user
 * data that replaces the instance when it changes.
 */
export class NodeGroup extends pulumi.ComponentResource {
    readonly instances: aws.ec2.Instance[];
    readonly privateIps: pulumi.Output<string[]>;
    readonly publicIps: pulumi.Output<string[]>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:NodeGroup", name, {}, opts);
        this.instances = Array.from({ length: args.count }, (_, i) =>
            new aws.ec2.Instance(`${name}-${i}`, {
                ami: args.nodeType.ami,
                instanceType: args.nodeType.instanceType,
                subnetId: args.subnetId,
                vpcSecurityGroupIds: [args.securityGroupId],
                keyName: args.keyName,
                associatePublicIpAddress: args.publicIp,
                ...(args.capacity === "spot" ? { instanceMarketOptions: { marketType: "spot", spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" } } } : {}),
                // Hop limit 1: containers cannot reach the metadata service.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                // Tags on the root volume through volumeTags only: the provider refuses them
                // together with rootBlockDevice.tags.
                rootBlockDevice: { volumeType: "gp3", volumeSize: args.rootVolumeSizeGb, encrypted: true, deleteOnTermination: true },
                volumeTags: pulumi.output(args.labTags).apply((tags) => ({ ...tags, ...nameTag(args.labName, `${name}-${i}`) })),
                userData: args.userData,
                userDataReplaceOnChange: true,
                tags: nameTag(args.labName, `${name}-${i}`),
            }, {
                parent: this,
                dependsOn: args.dependsOn,
                // Canonical publishes new images often, and the CI stack builds a new prepared node
                // image every week; a running lab is not replaced for one. Each morning's new lab
                // boots the image current at that time.
                ignoreChanges: ["ami"],
                // A replacement comes back under the same Kubernetes node name: the old node
                // must be gone before the new one joins.
                deleteBeforeReplace: true,
                // The provider keeps the spot market it read when the options are left out, so
                // on-demand alone would not replace a spot worker: the capacity itself does.
                ...(args.capacity === undefined ? {} : { replacementTrigger: args.capacity }),
            }),
        );
        this.privateIps = pulumi.all(this.instances.map((instance) => instance.privateIp));
        this.publicIps = pulumi.all(this.instances.map((instance) => instance.publicIp));
        this.registerOutputs({ privateIps: this.privateIps, publicIps: this.publicIps });
    }
}
