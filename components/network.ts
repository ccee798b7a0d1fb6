import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NodeType } from "../lib/preflight";
import { nameTag } from "../lib/tags";
import { NatInstance } from "./natInstance";

export interface NetworkArgs {
    /** The lab's `project-stack` name, which begins every Name tag. */
    labName: string;
    vpcCidr: pulumi.Input<string>;
    /** The control-plane node's subnet, routed to the internet gateway. */
    publicSubnetCidr: pulumi.Input<string>;
    /** The workers' subnet, with egress through the NAT instance or gateway. */
    privateSubnetCidr: string;
    /** Both subnets live in one zone: no cross-zone traffic charges, one NAT. */
    availabilityZone: pulumi.Input<string>;
    /** The NAT instance's type and image (egress natInstance); absent: a NAT gateway (egress natGateway). */
    natInstance?: NodeType;
    /** The lab's tags, for the NAT instance's root volume. */
    labTags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A VPC with a public subnet for the control-plane node and a private subnet for the workers,
 * whose only way out is a NAT instance (default) or a NAT gateway.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly publicSubnet: aws.ec2.Subnet;
    readonly privateSubnet: aws.ec2.Subnet;
    /** The one the egress setting chose. */
    readonly nat: { instance: NatInstance } | { gateway: aws.ec2.NatGateway };
    /**
     * What a node waits for before it boots, since its preparation downloads packages at once:
     * its subnet's route to the internet and that route's association.
     */
    readonly controlPlaneEgress: pulumi.Resource[];
    readonly workerEgress: pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:Network", name, {}, opts);
        const parent = { parent: this };

        this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.vpcCidr,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: nameTag(args.labName, "vpc"),
        }, parent);
        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: nameTag(args.labName, "igw") }, parent);

        this.publicSubnet = new aws.ec2.Subnet(`${name}-public`, {
            vpcId: this.vpc.id,
            cidrBlock: args.publicSubnetCidr,
            availabilityZone: args.availabilityZone,
            mapPublicIpOnLaunch: false,
            tags: nameTag(args.labName, "public"),
        }, parent);
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: this.vpc.id, tags: nameTag(args.labName, "public") }, parent);
        const publicInternet = new aws.ec2.Route(`${name}-public-internet`, {
            routeTableId: publicRoutes.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: internetGateway.id,
        }, parent);
        const publicAssociation = new aws.ec2.RouteTableAssociation(`${name}-public`, { subnetId: this.publicSubnet.id, routeTableId: publicRoutes.id }, parent);
        this.controlPlaneEgress = [publicInternet, publicAssociation];

        if (args.natInstance === undefined) {
            const natAddress = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: nameTag(args.labName, "nat") }, { ...parent, dependsOn: [internetGateway] });
            this.nat = {
                gateway: new aws.ec2.NatGateway(`${name}-nat`, {
                    allocationId: natAddress.id,
                    subnetId: this.publicSubnet.id,
                    tags: nameTag(args.labName, "nat"),
                }, { ...parent, dependsOn: [internetGateway] }),
            };
        } else {
            this.nat = {
                instance: new NatInstance(`${name}-nat`, {
                    vpcId: this.vpc.id,
                    subnetId: this.publicSubnet.id,
                    privateSubnetCidr: args.privateSubnetCidr,
                    labName: args.labName,
                    nodeType: args.natInstance,
                    labTags: args.labTags,
                    dependsOn: this.controlPlaneEgress,
                }, parent),
            };
        }

        this.privateSubnet = new aws.ec2.Subnet(`${name}-private`, {
            vpcId: this.vpc.id,
            cidrBlock: args.privateSubnetCidr,
            availabilityZone: args.availabilityZone,
            mapPublicIpOnLaunch: false,
            tags: nameTag(args.labName, "private"),
        }, parent);
        const privateRoutes = new aws.ec2.RouteTable(`${name}-private`, { vpcId: this.vpc.id, tags: nameTag(args.labName, "private") }, parent);
        const privateInternet = new aws.ec2.Route(`${name}-private-internet`, {
            routeTableId: privateRoutes.id,
            destinationCidrBlock: "0.0.0.0/0",
            ...("gateway" in this.nat ? { natGatewayId: this.nat.gateway.id } : { networkInterfaceId: this.nat.instance.instance.primaryNetworkInterfaceId }),
        }, parent);
        const privateAssociation = new aws.ec2.RouteTableAssociation(`${name}-private`, {
            subnetId: this.privateSubnet.id,
            routeTableId: privateRoutes.id,
        }, parent);
        // The NAT instance's forwarding starts within a minute of it running; node preparation
        // retries its first downloads for about two and a half minutes (scripts/retry.sh).
        this.workerEgress = [privateInternet, privateAssociation, ...("instance" in this.nat ? [this.nat.instance.instance] : [])];

        this.registerOutputs({
            vpcId: this.vpc.id,
            publicSubnetId: this.publicSubnet.id,
            privateSubnetId: this.privateSubnet.id,
        });
    }
}
