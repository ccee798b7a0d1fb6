import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { instanceTypeFacts, ubuntuAmi } from "../lib/lookups";
import { Language, translator } from "../lib/messages";
import { nameTag } from "../lib/tags";

export type NodeRole = "control-plane" | "worker";

/** Below this, the role's workloads are likely to be killed for lack of memory. */
export const minimumMemoryGiB: Readonly<Record<NodeRole, number>> = { "control-plane": 8, worker: 4 };

export interface NodeGroupArgs {
    role: NodeRole;
    count: number;
    instanceType: string;
    subnetId: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    keyName: pulumi.Input<string>;
    rootVolumeSizeGb: number;
    /** A public IPv4 address on each node (the control-plane node only). */
    publicIp: boolean;
    /** Boot-time script; a change replaces the instances. */
    userData: pulumi.Input<string>;
    /** Resources the instances wait for, such as the workers' route to the internet. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    language: Language;
}

/**
 * EC2 instances of one role, booted from the current Ubuntu LTS image for their architecture:
 * IMDSv2 only, encrypted gp3 root volume, user data that replaces the instance when it changes.
 */
export class NodeGroup extends pulumi.ComponentResource {
    readonly instances: aws.ec2.Instance[];
    readonly privateIps: pulumi.Output<string[]>;
    readonly publicIps: pulumi.Output<string[]>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:NodeGroup", name, {}, opts);
        const t = translator(args.language);
        const facts = instanceTypeFacts(args.instanceType, { parent: this });
        facts.apply(({ memoryGiB }) => {
            if (memoryGiB < minimumMemoryGiB[args.role]) {
                const role = t(args.role === "control-plane" ? "role.controlPlane" : "role.worker");
                pulumi.log.warn(t("instance.memoryLow", { instanceType: args.instanceType, memoryGiB, role, minimumGiB: minimumMemoryGiB[args.role] }), this);
            }
        });
        const ami = ubuntuAmi(facts.architecture, { parent: this });

        this.instances = Array.from({ length: args.count }, (_, i) =>
            new aws.ec2.Instance(`${name}-${i}`, {
                ami,
                instanceType: args.instanceType,
                subnetId: args.subnetId,
                vpcSecurityGroupIds: [args.securityGroupId],
                keyName: args.keyName,
                associatePublicIpAddress: args.publicIp,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { volumeType: "gp3", volumeSize: args.rootVolumeSizeGb, encrypted: true, deleteOnTermination: true },
                userData: args.userData,
                userDataReplaceOnChange: true,
                tags: nameTag(`${name}-${i}`),
            }, {
                parent: this,
                dependsOn: args.dependsOn,
                // Canonical publishes new images often; a running lab is not replaced for one.
                // Each morning's new lab boots the image current at that time.
                ignoreChanges: ["ami"],
            }),
        );
        this.privateIps = pulumi.all(this.instances.map((instance) => instance.privateIp));
        this.publicIps = pulumi.all(this.instances.map((instance) => instance.publicIp));
        this.registerOutputs({ privateIps: this.privateIps, publicIps: this.publicIps });
    }
}
