import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PublicEndpoint } from "../lib/endpoints";
import { nameTag } from "../lib/tags";

export interface ClusterSecurityGroupsArgs {
    /** The lab's `project-stack` name, which begins every Name tag. */
    labName: string;
    vpcId: pulumi.Input<string>;
    /** The endpoints whose public ports are opened on the control-plane node, and only there; each rule is described by the endpoint's purpose. */
    endpoints: Pick<PublicEndpoint, "publicPort" | "purpose">[];
    /** Who may reach the public ports. */
    publicCidrs: string[];
    /** Who may reach SSH and the Kubernetes API on the control-plane node. Never the world. */
    adminCidrs: string[];
    /**
     * The detected /32 of the machine running `pulumi`, also let in to SSH and the API. Its
     * rules are named `…-detected-22` and `…-detected-6443` whatever the address, so that CI
     * can remove exactly them when its job ends.
     */
    detectedCidr?: string;
}

type Group = "controlPlane" | "workers";

/** Traffic between nodes: what the CNI, the kubelets, the API server and Prometheus need. */
export interface NodeRule {
    protocol: "tcp" | "udp";
    fromPort: number;
    toPort: number;
    /** Which nodes receive it; the sources are the cluster's other nodes unless `from` says. */
    to: Group | "all";
    from?: Group;
    purpose: string;
}

export const nodeRules: readonly NodeRule[] = [
    { protocol: "tcp", fromPort: 6443, toPort: 6443, to: "controlPlane", purpose: "Kubernetes API from kubelets and pods on the workers" },
    { protocol: "tcp", fromPort: 10250, toPort: 10250, to: "all", purpose: "kubelet API: logs, exec and metrics for the API server and Prometheus" },
    { protocol: "udp", fromPort: 4789, toPort: 4789, to: "all", purpose: "Calico VXLAN: pod traffic between nodes" },
    { protocol: "tcp", fromPort: 5473, toPort: 5473, to: "all", purpose: "Calico Typha: Felix on every node reads the datastore through Typha" },
    { protocol: "tcp", fromPort: 9100, toPort: 9100, to: "all", purpose: "node-exporter metrics for Prometheus" },
    { protocol: "tcp", fromPort: 10249, toPort: 10249, to: "all", purpose: "kube-proxy metrics for Prometheus" },
    { protocol: "tcp", fromPort: 2381, toPort: 2381, to: "controlPlane", purpose: "etcd metrics for Prometheus" },
    { protocol: "tcp", fromPort: 10257, toPort: 10257, to: "controlPlane", purpose: "kube-controller-manager metrics for Prometheus" },
    { protocol: "tcp", fromPort: 10259, toPort: 10259, to: "controlPlane", purpose: "kube-scheduler metrics for Prometheus" },
    { protocol: "tcp", fromPort: 22, toPort: 22, to: "workers", from: "controlPlane", purpose: "SSH from the control-plane node, the jump host of the workers" },
];

/** The (receiver, sender) pairs of security groups a node rule opens. */
export function rulePairs(rule: NodeRule): [Group, Group][] {
    const pairs: [Group, Group][] = [["controlPlane", "workers"], ["workers", "controlPlane"], ["workers", "workers"]];
    return pairs.filter(([to, from]) => (rule.to === "all" || rule.to === to) && (rule.from === undefined || rule.from === from));
}

/** A logical-name-safe form of a CIDR: 203.0.113.7/32 → 203.0.113.7-32. */
const cidrName = (cidr: string): string => cidr.replace("/", "-");

/**
 * Two security groups, least privilege: the control-plane node serves the public ports to the
 * allowed CIDRs and SSH and the API to the admin CIDRs; the workers take nothing from outside
 * the cluster. Every rule is its own resource, described by its purpose.
 */
export class ClusterSecurityGroups extends pulumi.ComponentResource {
    readonly controlPlane: aws.ec2.SecurityGroup;
    readonly workers: aws.ec2.SecurityGroup;
    /** Each group's outbound rule: a node needs it before it boots, or it has no packages. */
    readonly egress: Readonly<Record<"controlPlane" | "workers", aws.vpc.SecurityGroupEgressRule>>;

    constructor(name: string, args: ClusterSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:ClusterSecurityGroups", name, {}, opts);
        const parent = { parent: this };

        this.controlPlane = new aws.ec2.SecurityGroup(`${name}-control-plane`, {
            vpcId: args.vpcId,
            description: "k8s-lab control-plane node",
            tags: nameTag(args.labName, "control-plane"),
        }, parent);
        this.workers = new aws.ec2.SecurityGroup(`${name}-workers`, {
            vpcId: args.vpcId,
            description: "k8s-lab worker nodes",
            tags: nameTag(args.labName, "workers"),
        }, parent);
        const groups: Record<Group, aws.ec2.SecurityGroup> = { controlPlane: this.controlPlane, workers: this.workers };
        const ruleName = (group: Group, what: string): string => `${name}-${group === "controlPlane" ? "control-plane" : "workers"}-${what}`;

        const adminPorts = [
            { port: 22, description: "SSH from an admin CIDR" },
            { port: 6443, description: "Kubernetes API from an admin CIDR" },
        ];
        const detected = args.detectedCidr !== undefined && !args.adminCidrs.includes(args.detectedCidr) ? [args.detectedCidr] : [];
        const fromOutside = [
            ...args.endpoints.flatMap(({ publicPort: port, purpose }) =>
                args.publicCidrs.map((cidr) => ({ key: `public-${port}-${cidrName(cidr)}`, port, cidr, description: `${purpose} (NodePort ${port}) from an allowed CIDR` })),
            ),
            ...adminPorts.flatMap(({ port, description }) => args.adminCidrs.map((cidr) => ({ key: `admin-${port}-${cidrName(cidr)}`, port, cidr, description }))),
            ...adminPorts.flatMap(({ port, description }) =>
                detected.map((cidr) => ({ key: `detected-${port}`, port, cidr, description: description.replace("an admin CIDR", "the machine running pulumi (detected)") })),
            ),
        ];
        for (const { key, port, cidr, description } of fromOutside) {
            new aws.vpc.SecurityGroupIngressRule(ruleName("controlPlane", key), {
                securityGroupId: this.controlPlane.id,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                cidrIpv4: cidr,
                description,
            }, parent);
        }
        for (const rule of nodeRules) {
            for (const [to, from] of rulePairs(rule)) {
                const source = from === "controlPlane" ? "from-control-plane" : "from-workers";
                new aws.vpc.SecurityGroupIngressRule(ruleName(to, `${rule.protocol}-${rule.fromPort}-${source}`), {
                    securityGroupId: groups[to].id,
                    referencedSecurityGroupId: groups[from].id,
                    ipProtocol: rule.protocol,
                    fromPort: rule.fromPort,
                    toPort: rule.toPort,
                    description: rule.purpose,
                }, parent);
            }
        }
        const egressRule = (group: "controlPlane" | "workers") =>
            new aws.vpc.SecurityGroupEgressRule(ruleName(group, "egress"), {
                securityGroupId: groups[group].id,
                ipProtocol: "-1",
                cidrIpv4: "0.0.0.0/0",
                description: "All outbound traffic: packages, images, the NAT gateway",
            }, parent);
        this.egress = { controlPlane: egressRule("controlPlane"), workers: egressRule("workers") };

        this.registerOutputs({ controlPlaneId: this.controlPlane.id, workersId: this.workers.id });
    }
}
