/**
 * The checks of the k8s-lab policy pack, as pure functions of a resource and the pack's
 * configuration, so that the tests can run them without the Pulumi CLI.
 */
import { allowedInstanceTypes } from "../lib/allowList";
import { policyMessage } from "./messages";

export interface CheckedResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** The resource's provider, whose default tags count as its tags. */
    provider?: { type: string; props: Record<string, unknown> };
}

export interface PackConfig {
    allowedPorts: number[];
    allowedInstanceTypes: string[];
    requiredTags: string[];
}

export const defaults: PackConfig = {
    allowedPorts: [30080, 30300],
    allowedInstanceTypes: [...allowedInstanceTypes],
    requiredTags: ["Project", "Stack", "ManagedBy"],
};

type Json = Record<string, unknown>;
const worldCidrs = ["0.0.0.0/0", "::/0"];

interface Ingress {
    from: number;
    to: number;
    protocol: string;
    cidrs: string[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Every way to write ingress: inline on a security group, a SecurityGroupRule, a vpc ingress rule. */
export function ingressesOf(r: CheckedResource): Ingress[] {
    const p = r.props;
    const rule = (from: unknown, to: unknown, protocol: unknown, cidrs: string[]): Ingress => {
        const all = ["-1", "all"].includes(String(protocol).toLowerCase()) || from === undefined || from === null;
        return { from: all ? 0 : Number(from), to: all ? 65535 : Number(to ?? from), protocol: all ? "all" : String(protocol), cidrs };
    };
    switch (r.type) {
        case "aws:ec2/securityGroup:SecurityGroup":
            return ((p.ingress ?? []) as Json[]).map((i) => rule(i.fromPort, i.toPort, i.protocol, [...list(i.cidrBlocks), ...list(i.ipv6CidrBlocks)]));
        case "aws:ec2/securityGroupRule:SecurityGroupRule":
            return p.type === "ingress" ? [rule(p.fromPort, p.toPort, p.protocol, [...list(p.cidrBlocks), ...list(p.ipv6CidrBlocks)])] : [];
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            return [rule(p.fromPort, p.toPort, p.ipProtocol, [p.cidrIpv4, p.cidrIpv6].filter((c): c is string => typeof c === "string"))];
        default:
            return [];
    }
}

const portsText = (i: Ingress): string => (i.from === i.to ? String(i.from) : `${i.from}-${i.to}`);

export function worldIngress(r: CheckedResource, config: PackConfig): string[] {
    return ingressesOf(r).flatMap((i) =>
        i.cidrs.filter((cidr) => worldCidrs.includes(cidr)).flatMap((cidr) => {
            const allowedInRange = config.allowedPorts.filter((port) => port >= i.from && port <= i.to).length;
            const onlyAllowed = i.protocol !== "all" && allowedInRange === i.to - i.from + 1;
            return onlyAllowed ? [] : [policyMessage("policy.worldIngress", { resource: r.name, ports: portsText(i), protocol: i.protocol, cidr, allowed: config.allowedPorts.join(", ") })];
        }),
    );
}

export function worldAdmin(r: CheckedResource): string[] {
    const admin = [[22, "SSH"], [6443, "Kubernetes API"]] as const;
    return ingressesOf(r).flatMap((i) =>
        i.cidrs.filter((cidr) => worldCidrs.includes(cidr)).flatMap((cidr) =>
            admin.filter(([port]) => port >= i.from && port <= i.to).map(([port, what]) => policyMessage("policy.worldAdmin", { resource: r.name, port, what, cidr })),
        ),
    );
}

export function imdsv2(r: CheckedResource): string[] {
    if (r.type !== "aws:ec2/instance:Instance") return [];
    return (r.props.metadataOptions as Json | undefined)?.httpTokens === "required" ? [] : [policyMessage("policy.imdsv2", { resource: r.name })];
}

export function encryptedVolumes(r: CheckedResource): string[] {
    if (r.type === "aws:ebs/volume:Volume") return r.props.encrypted === true ? [] : [policyMessage("policy.unencrypted", { resource: r.name, volume: r.name })];
    if (r.type !== "aws:ec2/instance:Instance") return [];
    const root = r.props.rootBlockDevice as Json | undefined;
    const volumes: [string, Json | undefined][] = [["root", root], ...((r.props.ebsBlockDevices ?? []) as Json[]).map((v): [string, Json] => [String(v.deviceName), v])];
    return volumes.filter(([, v]) => v?.encrypted !== true).map(([volume]) => policyMessage("policy.unencrypted", { resource: r.name, volume }));
}

export function instanceType(r: CheckedResource, config: PackConfig): string[] {
    if (r.type !== "aws:ec2/instance:Instance") return [];
    const type = String(r.props.instanceType);
    return config.allowedInstanceTypes.includes(type) ? [] : [policyMessage("policy.instanceType", { resource: r.name, instanceType: type, allowed: config.allowedInstanceTypes.join(", ") })];
}

/** AWS resource types of the lab that carry tags. */
export const taggableTypes = [
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/eip:Eip",
    "aws:ec2/natGateway:NatGateway", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/instance:Instance", "aws:ec2/keyPair:KeyPair",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
];

/** A provider's default tags, which the engine may hand over as JSON text. */
function defaultTags(provider: CheckedResource["provider"]): Json {
    let value = provider?.props.defaultTags;
    if (typeof value === "string") value = JSON.parse(value) as unknown;
    return ((value as Json | undefined)?.tags ?? {}) as Json;
}

export function requiredTags(r: CheckedResource, config: PackConfig): string[] {
    if (!taggableTypes.includes(r.type)) return [];
    const tags = { ...defaultTags(r.provider), ...((r.props.tags ?? {}) as Json) };
    const missing = config.requiredTags.filter((key) => !(key in tags));
    return missing.length === 0 ? [] : [policyMessage("policy.tags", { resource: r.name, missing: missing.join(", ") })];
}

export function noLoadBalancer(r: CheckedResource): string[] {
    if (r.type !== "kubernetes:core/v1:Service") return [];
    return (r.props.spec as Json | undefined)?.type === "LoadBalancer" ? [policyMessage("policy.loadBalancer", { resource: r.name })] : [];
}
