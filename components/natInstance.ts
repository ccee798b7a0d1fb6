import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NodeType } from "../lib/preflight";
import { renderScript } from "../lib/scripts";
import { nameTag } from "../lib/tags";

export interface NatInstanceArgs {
    /** The lab's `project-stack` name, which begins every Name tag. */
    labName: string;
    vpcId: pulumi.Input<string>;
    /** The public subnet, routed to the internet gateway. */
    subnetId: pulumi.Input<string>;
    /** The workers' subnet: the only source it takes traffic from. */
    privateSubnetCidr: string;
    /** Instance type and the Ubuntu image for its architecture (t4g.nano: arm64). */
    nodeType: NodeType;
    /** The lab's tags, for the root volume (see NodeGroupArgs.labTags). */
    labTags: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** What it waits for before it boots: its subnet's route to the internet. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** What node preparation and the bootstrap fetch through it: packages, keys and images. */
export const natPorts = [
    { port: 80, purpose: "HTTP (Ubuntu package mirrors)" },
    { port: 443, purpose: "HTTPS (pkgs.k8s.io, container registries)" },
] as const;

/** The NAT instance's user data: forwarding and masquerading that survive a reboot (scripts/nat-instance.sh). */
export function natUserData(privateSubnetCidr: string): string {
    return renderScript("nat-instance.sh", { PRIVATE_CIDR: privateSubnetCidr });
}

/**
 * A small on-demand instance in the public subnet that forwards the workers' HTTP and HTTPS to
 * the internet under its own public address: source/destination check off, IMDSv2, encrypted
 * gp3 root, its own security group (in from the workers' subnet only, out on what it forwards).
 * The private subnet's default route points to its network interface.
 */
export class NatInstance extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    readonly securityGroup: aws.ec2.SecurityGroup;
    /**
     * Its rules: it boots only once it can fetch what its user data may need and take the
     * workers' traffic, so a worker, which waits for it, never finds the NAT closed to it.
     */
    readonly rules: (aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule)[];

    constructor(name: string, args: NatInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:NatInstance", name, {}, opts);
        const parent = { parent: this };
        this.securityGroup = new aws.ec2.SecurityGroup(name, { vpcId: args.vpcId, description: "k8s-lab NAT instance", tags: nameTag(args.labName, "nat") }, parent);
        const rules = [...natPorts.map(({ port, purpose }) => ({ key: `tcp-${port}`, ipProtocol: "tcp", fromPort: port, toPort: port, purpose })),
            // Path MTU discovery and ping through the NAT instance.
            { key: "icmp", ipProtocol: "icmp", fromPort: -1, toPort: -1, purpose: "ICMP (path MTU discovery, ping)" }];
        const ingress = rules.map(({ key, purpose, ...rule }) => new aws.vpc.SecurityGroupIngressRule(`${name}-${key}-from-workers`, {
            ...rule, securityGroupId: this.securityGroup.id, cidrIpv4: args.privateSubnetCidr, description: `${purpose} from the workers subnet`,
        }, parent));
        const egress = rules.map(({ key, purpose, ...rule }) => new aws.vpc.SecurityGroupEgressRule(`${name}-${key}-out`, {
            ...rule, securityGroupId: this.securityGroup.id, cidrIpv4: "0.0.0.0/0", description: `${purpose} to the internet`,
        }, parent));
        this.rules = [...ingress, ...egress];
        this.instance = new aws.ec2.Instance(name, {
            ami: args.nodeType.ami,
            instanceType: args.nodeType.instanceType,
            subnetId: args.subnetId,
            vpcSecurityGroupIds: [this.securityGroup.id],
            associatePublicIpAddress: true,
            // It forwards packets that are neither from nor to itself.
            sourceDestCheck: false,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            volumeTags: pulumi.output(args.labTags).apply((tags) => ({ ...tags, ...nameTag(args.labName, "nat") })),
            userData: natUserData(args.privateSubnetCidr),
            userDataReplaceOnChange: true,
            tags: nameTag(args.labName, "nat"),
        }, { ...parent, dependsOn: [...(args.dependsOn ?? []), ...this.rules], ignoreChanges: ["ami"] });
        this.registerOutputs({ instanceId: this.instance.id, securityGroupId: this.securityGroup.id });
    }
}
