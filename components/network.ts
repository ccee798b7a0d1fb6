import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTag } from "../lib/tags";

export interface NetworkArgs {
    vpcCidr: pulumi.Input<string>;
    /** The control-plane node's subnet, routed to the internet gateway. */
    publicSubnetCidr: pulumi.Input<string>;
    /** The workers' subnet, with egress through a NAT gateway. */
    privateSubnetCidr: pulumi.Input<string>;
    /** Both subnets live in one zone: no cross-zone traffic charges, one NAT gateway. */
    availabilityZone: pulumi.Input<string>;
}

/**
 * A VPC with a public subnet for the control-plane node and a private subnet for the workers,
 * whose only way out is a NAT gateway.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly publicSubnet: aws.ec2.Subnet;
    readonly privateSubnet: aws.ec2.Subnet;
    readonly natGateway: aws.ec2.NatGateway;
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
            tags: nameTag("vpc"),
        }, parent);
        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: nameTag("igw") }, parent);

        this.publicSubnet = new aws.ec2.Subnet(`${name}-public`, {
            vpcId: this.vpc.id,
            cidrBlock: args.publicSubnetCidr,
            availabilityZone: args.availabilityZone,
            mapPublicIpOnLaunch: false,
            tags: nameTag("public"),
        }, parent);
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: this.vpc.id, tags: nameTag("public") }, parent);
        const publicInternet = new aws.ec2.Route(`${name}-public-internet`, {
            routeTableId: publicRoutes.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: internetGateway.id,
        }, parent);
        const publicAssociation = new aws.ec2.RouteTableAssociation(`${name}-public`, { subnetId: this.publicSubnet.id, routeTableId: publicRoutes.id }, parent);
        this.controlPlaneEgress = [publicInternet, publicAssociation];

        const natAddress = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: nameTag("nat") }, { ...parent, dependsOn: [internetGateway] });
        this.natGateway = new aws.ec2.NatGateway(`${name}-nat`, {
            allocationId: natAddress.id,
            subnetId: this.publicSubnet.id,
            tags: nameTag("nat"),
        }, { ...parent, dependsOn: [internetGateway] });

        this.privateSubnet = new aws.ec2.Subnet(`${name}-private`, {
            vpcId: this.vpc.id,
            cidrBlock: args.privateSubnetCidr,
            availabilityZone: args.availabilityZone,
            mapPublicIpOnLaunch: false,
            tags: nameTag("private"),
        }, parent);
        const privateRoutes = new aws.ec2.RouteTable(`${name}-private`, { vpcId: this.vpc.id, tags: nameTag("private") }, parent);
        const privateInternet = new aws.ec2.Route(`${name}-private-internet`, {
            routeTableId: privateRoutes.id,
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: this.natGateway.id,
        }, parent);
        const privateAssociation = new aws.ec2.RouteTableAssociation(`${name}-private`, {
            subnetId: this.privateSubnet.id,
            routeTableId: privateRoutes.id,
        }, parent);
        this.workerEgress = [privateInternet, privateAssociation];

        this.registerOutputs({
            vpcId: this.vpc.id,
            publicSubnetId: this.publicSubnet.id,
            privateSubnetId: this.privateSubnet.id,
        });
    }
}
