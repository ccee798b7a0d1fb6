/**
 * The checks of the k8s-lab policy pack, as functions of a resource's properties (read once
 * through `snapshot`, which turns every value the engine does not know yet into an `Unknown`)
 * and the pack's settings. A check returns its violations and the unknown values it needed:
 * a known violation is reported whatever else is unknown (fail closed), and an unknown value
 * only matters where the known part does not already decide.
 */
import { UnknownValueError } from "@pulumi/policy";
import * as ipaddr from "ipaddr.js";
import { allowedInstanceTypes } from "./allowList";
import { policyMessage } from "./messages";
import { defaultPublicPorts } from "./publicPorts";
import { labTagKeys } from "./tags";

/** A value the engine does not know yet (during a preview), with the engine's own error. */
export class Unknown {
    constructor(readonly error: Error) {}
}

/** A violation's message, or an unknown value that kept a check from deciding. */
export type Finding = string | Unknown;

export interface CheckedResource {
    type: string;
    name: string;
    /** The properties, with unknown values as `Unknown`. */
    props: Record<string, unknown>;
    /** The resource's provider, whose default tags count as its tags. */
    provider?: { type: string; props: Record<string, unknown> };
}

export interface PackConfig {
    allowedPorts: number[];
    allowedInstanceTypes: string[];
    requiredTags: string[];
}

/** Limits no setting can loosen: public ports only from the NodePort range, never SSH or the API. */
export const nodePortRange = { min: 30000, max: 32767 } as const;
export const adminPorts: readonly (readonly [number, string])[] = [[22, "SSH"], [6443, "Kubernetes API"]];

export const defaults: PackConfig = {
    allowedPorts: [...defaultPublicPorts],
    allowedInstanceTypes: [...allowedInstanceTypes],
    requiredTags: [...labTagKeys],
};

/** The settings as the pack applies them: ports within the NodePort range, types within the allow-list. */
export function effectiveConfig(given: Partial<PackConfig>): PackConfig {
    // A setting that is not a list (the engine checks the schema, a hand-made call may not) is the default.
    const list = <T>(value: unknown, fallback: T[]): T[] => (Array.isArray(value) ? (value as T[]) : fallback);
    return {
        allowedPorts: list<number>(given.allowedPorts, defaults.allowedPorts).filter((p) => Number.isInteger(p) && p >= nodePortRange.min && p <= nodePortRange.max),
        allowedInstanceTypes: list<string>(given.allowedInstanceTypes, defaults.allowedInstanceTypes).filter((t) => allowedInstanceTypes.includes(t)),
        // The settings add tags to the lab's own, never take them away.
        requiredTags: [...new Set([...defaults.requiredTags, ...list<unknown>(given.requiredTags, []).map(String)])],
    };
}

/** A Pulumi asset or archive among the properties (a chart's values file). */
export class FileValue {
    /** A string asset's text, or where a file the pack cannot read lives: set by `readFiles`. */
    content = "";
    constructor(
        readonly kind: "text" | "path" | "uri" | "archive",
        readonly source: unknown,
    ) {}
}

/** Settles the content of every FileValue of a snapshot (an asset's fields are promises). */
export async function readFiles(value: unknown): Promise<void> {
    if (value instanceof FileValue) {
        const content: unknown = await value.source;
        value.content = typeof content === "string" ? content : "";
    } else if (Array.isArray(value)) for (const v of value) await readFiles(v);
    else if (typeof value === "object" && value !== null && !isUnknown(value)) for (const v of Object.values(value)) await readFiles(v);
}

/** Copies the engine's properties, turning each unknown value into an `Unknown` and each asset into a `FileValue`. */
export function snapshot(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    const source = value as Record<string, unknown>;
    if (source.__pulumiAsset === true || source.__pulumiArchive === true) {
        // The asset itself, not @pulumi/policy's proxy of it: its fields are promises.
        const target = (source.__getSpecialProxyTarget ?? source) as Record<string, unknown>;
        if (source.__pulumiArchive === true) return new FileValue("archive", target.path ?? target.uri);
        const kind = "text" in target ? "text" : "path" in target ? "path" : "uri";
        return new FileValue(kind, target[kind]);
    }
    const read = (key: string): unknown => {
        try {
            return snapshot(source[key]);
        } catch (e) {
            // (The class is internal to @pulumi/policy's typings: `Error` narrows the type.)
            if (e instanceof Error && e instanceof UnknownValueError) return new Unknown(e);
            throw e;
        }
    };
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(String(i)));
    return Object.fromEntries(Object.keys(source).map((key) => [key, read(key)]));
}

type Json = Record<string, unknown>;
const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
const obj = (v: unknown): Json | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) && !isUnknown(v) ? (v as Json) : undefined);
const absent = (v: unknown): boolean => v === undefined || v === null;
/** A list property: its items, `[]` when absent, or the Unknown of the whole list. */
const items = (v: unknown): unknown[] | Unknown => (isUnknown(v) ? v : Array.isArray(v) ? v : absent(v) ? [] : [v]);
const firstUnknown = (values: unknown[]): Unknown[] => {
    const found = values.find(isUnknown);
    return found ? [found] : [];
};

// ---------------------------------------------------------------------------------------------
// Ingress: every way to write it, as one shape.

export type Protocol = "tcp" | "udp" | "icmp" | "icmpv6" | "all";

export interface Ingress {
    /** The resource, and the inline rule's index when it has several. */
    label: string;
    protocol: Protocol | Unknown;
    /** For tcp and udp; all ports for the other protocols. */
    from: number | Unknown;
    to: number | Unknown;
    /** The sources of every CIDR list, each list read on its own: an unknown list is an `Unknown` beside the known entries of the others. */
    cidrs: (string | Unknown)[];
    prefixLists: (string | Unknown)[] | Unknown;
    /** `false` only when the resource is known to be an egress rule. */
    ingress: boolean;
}

/** EC2 ignores the ports of any protocol other than tcp, udp, icmp and icmpv6: all ports. */
export function protocolOf(value: unknown): Protocol | Unknown {
    if (isUnknown(value)) return value;
    const p = String(value ?? "-1").trim().toLowerCase();
    return ({ tcp: "tcp", "6": "tcp", udp: "udp", "17": "udp", icmp: "icmp", "1": "icmp", icmpv6: "icmpv6", "58": "icmpv6" } as Record<string, Protocol>)[p] ?? "all";
}

/** How a rule names its fields: the protocol's key, the CIDR lists' keys, the prefix list's key. */
interface RuleShape {
    protocol: string;
    cidrs: string[];
    prefixList: string;
}
const awsInline: RuleShape = { protocol: "protocol", cidrs: ["cidrBlocks", "ipv6CidrBlocks"], prefixList: "prefixListIds" };
const nativeShape: RuleShape = { protocol: "ipProtocol", cidrs: ["cidrIp", "cidrIpv6"], prefixList: "sourcePrefixListId" };

/** Security groups and the key of their inline ingress rules. */
const inlineGroups: Record<string, RuleShape & { list: string }> = {
    "aws:ec2/securityGroup:SecurityGroup": { ...awsInline, list: "ingress" },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { ...awsInline, list: "ingress" },
    "aws-native:ec2:SecurityGroup": { ...nativeShape, list: "securityGroupIngress" },
};
const defaultGroupType = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

/** Rule resources and the key that names their security group. */
const ruleTypes: Record<string, RuleShape & { group: string }> = {
    "aws:ec2/securityGroupRule:SecurityGroupRule": { ...awsInline, group: "securityGroupId" },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { protocol: "ipProtocol", cidrs: ["cidrIpv4", "cidrIpv6"], prefixList: "prefixListId", group: "securityGroupId" },
    "aws-native:ec2:SecurityGroupIngress": { ...nativeShape, group: "groupId" },
};

function ingressOf(label: string, p: Json, shape: RuleShape, ingress = true): Ingress {
    const protocol = protocolOf(p[shape.protocol]);
    const port = (v: unknown, fallback: number): number | Unknown => (isUnknown(v) ? v : absent(v) || Number(v) < 0 || Number.isNaN(Number(v)) ? fallback : Number(v));
    const ported = protocol === "tcp" || protocol === "udp";
    const from = ported ? port(p.fromPort, 0) : 0;
    const unsetPorts = ported && absent(p.fromPort);
    const to = !ported ? 65535 : unsetPorts ? 65535 : absent(p.toPort) ? from : port(p.toPort, 65535);
    const cidrs = shape.cidrs.flatMap((key): (string | Unknown)[] => {
        const list = items(p[key]);
        return isUnknown(list) ? [list] : list.map((c) => (isUnknown(c) ? c : String(c)));
    });
    const lists = items(p[shape.prefixList]);
    const prefixLists = isUnknown(lists) ? lists : lists.map((l) => (isUnknown(l) ? l : String(l)));
    return { label, protocol, from, to, cidrs, prefixLists, ingress };
}

/** Every ingress rule a resource declares: inline on a (default) security group, a SecurityGroupRule, a vpc ingress rule, their aws-native forms. */
export function ingressesOf(r: CheckedResource): Ingress[] {
    const p = r.props;
    const group = inlineGroups[r.type];
    if (group) {
        const inline = items(p[group.list]);
        // An unknown list or rule: nothing known, so nothing decided.
        const unknownRule = (u: Unknown): Ingress => ({ label: r.name, protocol: u, from: u, to: u, cidrs: [u], prefixLists: u, ingress: true });
        if (isUnknown(inline)) return [unknownRule(inline)];
        return inline.map((i, n) => (isUnknown(i) ? unknownRule(i) : ingressOf(inline.length > 1 ? `${r.name} ingress[${n}]` : r.name, obj(i) ?? {}, group)));
    }
    const rule = ruleTypes[r.type];
    return rule ? [ingressOf(r.name, p, rule, p.type !== "egress")] : [];
}

export interface Block {
    family: "IPv4" | "IPv6";
    prefix: number;
    first: bigint;
    last: bigint;
}

/** A CIDR as an address range, whatever its spelling; undefined when it does not parse. */
export function parseCidr(text: string): Block | undefined {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
        parsed = ipaddr.parseCIDR(text);
    } catch {
        return undefined;
    }
    const [address, prefix] = parsed;
    const bits = address.kind() === "ipv4" ? 32 : 128;
    const value = address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
    const size = 1n << BigInt(bits - prefix);
    const first = value - (value % size);
    return { family: bits === 32 ? "IPv4" : "IPv6", prefix, first, last: first + size - 1n };
}

/**
 * The widest source that is not the world, per family: IPv4 /8, the widest admin prefix the
 * program allows (lib/config.ts); IPv6 /64, one subnet, as the program opens nothing over IPv6.
 */
export const widestPrefix = { IPv4: 8, IPv6: 64 } as const;
/** How many addresses of a family the widest source holds: more, in one rule or together, is the world. */
export const widestCount = (family: Block["family"]): bigint => 1n << BigInt((family === "IPv4" ? 32 : 128) - widestPrefix[family]);

const tooWide = (b: Block): boolean => b.prefix < widestPrefix[b.family];
/** Whether a source is the world or close to it: wider than the widest prefix, or not a CIDR at all. */
const wide = (cidr: string): boolean => {
    const block = parseCidr(cidr);
    return block === undefined || tooWide(block);
};

/** What a rule lets in, as the messages say it: `443/tcp`, `30000-30100/tcp`, `icmp`, or every protocol. */
function trafficText(i: { protocol: Protocol; from: number; to: number }): string {
    if (i.protocol === "all") return policyMessage("policy.allTraffic", {});
    if (i.protocol === "icmp" || i.protocol === "icmpv6") return i.protocol;
    return `${i.from === i.to ? i.from : `${i.from}-${i.to}`}/${i.protocol}`;
}

interface KnownPorts {
    protocol: Protocol;
    from: number;
    to: number;
}
const knownPorts = (i: Ingress): KnownPorts | undefined =>
    isUnknown(i.protocol) || isUnknown(i.from) || isUnknown(i.to) ? undefined : { protocol: i.protocol, from: i.from, to: i.to };

const count = (ports: readonly number[], from: number, to: number): number => new Set(ports.filter((p) => p >= from && p <= to)).size;
/** Whether a rule opens nothing but the allowed public ports (TCP only). */
const onlyAllowed = (k: KnownPorts, config: PackConfig): boolean => k.protocol === "tcp" && count(config.allowedPorts, k.from, k.to) === k.to - k.from + 1;
const adminIn = (k: KnownPorts): (readonly [number, string])[] => (k.protocol === "tcp" || k.protocol === "all" ? adminPorts.filter(([p]) => p >= k.from && p <= k.to) : []);

const allowedText = (config: PackConfig): string => (config.allowedPorts.length > 0 ? config.allowedPorts.join(", ") : "-");

/**
 * Ingress from a wide source on anything but the allowed public ports. A rule whose only other
 * ports are SSH or the API is left to `worldAdmin`, so that one rule is not reported twice.
 */
export function worldIngress(r: CheckedResource, config: PackConfig): Finding[] {
    return ingressesOf(r).filter((i) => i.ingress).flatMap((i): Finding[] => {
        const k = knownPorts(i);
        if (k && onlyAllowed(k, config)) return [];
        if (k && k.protocol === "tcp" && k.to - k.from + 1 - count(config.allowedPorts, k.from, k.to) === adminIn(k).length) return [];
        const known = i.cidrs.filter((c): c is string => !isUnknown(c) && wide(c));
        const unknown = firstUnknown(i.cidrs);
        if (k === undefined) return [...known.map((cidr) => policyMessage("policy.worldUnknownPorts", { resource: i.label, cidr, allowed: allowedText(config) })), ...unknown];
        return [...known.map((cidr) => policyMessage("policy.worldIngress", { resource: i.label, traffic: trafficText(k), cidr, allowed: allowedText(config) })), ...unknown];
    });
}

/** SSH and the Kubernetes API from a wide source, whatever the settings say. */
export function worldAdmin(r: CheckedResource): Finding[] {
    return ingressesOf(r).filter((i) => i.ingress).flatMap((i): Finding[] => {
        const k = knownPorts(i);
        if (k === undefined) return []; // a wide source with unknown ports is worldIngress's
        const ports = adminIn(k);
        if (ports.length === 0) return [];
        return [
            ...i.cidrs.filter((c): c is string => !isUnknown(c) && wide(c)).flatMap((cidr) => ports.map(([port, what]) => policyMessage("policy.worldAdmin", { resource: i.label, port, what, cidr }))),
            ...firstUnknown(i.cidrs),
        ];
    });
}

// ---------------------------------------------------------------------------------------------
// The stack: the rules that reach one security group, together.

/** What the stack check needs of a resource; the engine's PolicyResource has all of it. */
export interface StackResource extends CheckedResource {
    urn: string;
    propertyDependencies: Record<string, { urn: string }[]>;
}

interface Source extends Block {
    cidr: string;
    /** The prefix list of the stack the entry comes from; none for the rule's own CIDRs. */
    list?: string;
}

interface Reach {
    rule: string;
    protocol: Protocol;
    from: number;
    to: number;
    /** The rule's own CIDRs and every entry of the prefix lists it names. */
    sources: Source[];
    /** The unknown protocol or port of a rule whose ports are not known yet (a preview): it counts as every protocol and port only to tell whether that could matter. */
    pending?: Unknown;
}

const known = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The entries of the prefix lists declared in the stack, by the list's URN and by its id. */
function prefixLists(resources: StackResource[]): { of: (ref: string | undefined, deps: { urn: string }[]) => { name: string; cidrs: string[] }[] } {
    const byKey = new Map<string, { name: string; cidrs: string[] }>();
    for (const r of resources.filter((r) => r.type === "aws:ec2/managedPrefixList:ManagedPrefixList")) {
        const entries = items(r.props.entries);
        const list = { name: r.name, cidrs: isUnknown(entries) ? [] : entries.flatMap((e) => (known(obj(e)?.cidr) ? [known(obj(e)?.cidr) as string] : [])) };
        byKey.set(r.urn, list);
        const id = known(r.props.id);
        if (id) byKey.set(id, list);
    }
    for (const r of resources.filter((r) => r.type === "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry")) {
        const list = [...(r.propertyDependencies.prefixListId ?? []).map((d) => d.urn), known(r.props.prefixListId)].map((k) => k && byKey.get(k)).find((l) => l);
        const cidr = known(r.props.cidr);
        if (list && cidr) list.cidrs.push(cidr);
    }
    const of = (ref: string | undefined, deps: { urn: string }[]): { name: string; cidrs: string[] }[] => {
        const byRef = ref ? byKey.get(ref) : undefined;
        if (byRef) return [byRef];
        return [...new Set(deps.map((d) => byKey.get(d.urn)).filter((l): l is { name: string; cidrs: string[] } => l !== undefined))];
    };
    return { of };
}

/**
 * The security groups of the stack by every name a rule may reach them by: the group's URN, its
 * id when known, and for a default security group its VPC (a rule whose group is the VPC's
 * `defaultSecurityGroupId`). `resolve` turns what a rule names into the key of its group.
 */
function securityGroups(resources: StackResource[]): { resolve: (ref: string | undefined) => string | undefined; name: (key: string) => string | undefined } {
    const vpcs = resources.filter((r) => r.type === "aws:ec2/vpc:Vpc");
    const vpcOf = new Map<string, StackResource>();
    for (const vpc of vpcs) for (const ref of [vpc.urn, known(vpc.props.id)]) if (ref) vpcOf.set(ref, vpc);
    const defaultOf = (vpc: StackResource): string => `${vpc.urn}#defaultSecurityGroup`;
    const alias = new Map<string, string>();
    const names = new Map<string, string>(vpcs.map((vpc) => [defaultOf(vpc), `${vpc.name} (default)`]));
    for (const r of resources.filter((r) => r.type in inlineGroups)) {
        names.set(r.urn, r.name);
        for (const id of [known(r.props.id), known(r.props.groupId)]) if (id) alias.set(id, r.urn);
        if (r.type === defaultGroupType) {
            const ref = r.propertyDependencies.vpcId?.[0]?.urn ?? known(r.props.vpcId);
            // An unknown VPC id the engine names no dependency for: the stack's only VPC, if it has one.
            const vpc = ref !== undefined ? vpcOf.get(ref) : isUnknown(r.props.vpcId) && vpcs.length === 1 ? vpcs[0] : undefined;
            if (vpc) alias.set(defaultOf(vpc), r.urn);
        }
    }
    const resolve = (ref: string | undefined): string | undefined => {
        if (ref === undefined) return undefined;
        const vpc = vpcOf.get(ref);
        const key = vpc ? defaultOf(vpc) : ref;
        return alias.get(key) ?? key;
    };
    return { resolve, name: (key) => names.get(key) };
}

/** The rules of the stack by the security group they reach, with the group's name. */
export function reachesByGroup(resources: StackResource[]): Map<string, { name: string; reaches: Reach[] }> {
    const lists = prefixLists(resources);
    const sg = securityGroups(resources);
    const groups = new Map<string, { name: string; reaches: Reach[] }>();
    for (const r of resources) {
        const inline = inlineGroups[r.type];
        const rule = ruleTypes[r.type];
        if (!inline && !rule) continue;
        // The group a rule resource reaches: the resource the engine says its id comes from, else the id.
        const key = inline ? r.urn : sg.resolve(r.propertyDependencies[rule.group]?.[0]?.urn ?? known(r.props[rule.group]));
        const refDeps = r.propertyDependencies[inline ? inline.list : rule.prefixList] ?? [];
        for (const i of ingressesOf(r).filter((i) => i.ingress)) {
            const sources: Source[] = [];
            for (const cidr of i.cidrs) {
                const block = isUnknown(cidr) ? undefined : parseCidr(cidr);
                if (block) sources.push({ ...block, cidr: cidr as string });
            }
            for (const ref of isUnknown(i.prefixLists) ? [undefined] : i.prefixLists) {
                for (const list of lists.of(isUnknown(ref) ? undefined : ref, refDeps)) {
                    for (const cidr of list.cidrs) {
                        const block = parseCidr(cidr);
                        sources.push({ ...(block ?? { family: "IPv4", prefix: 0, first: 0n, last: (1n << 32n) - 1n }), cidr, list: list.name });
                    }
                }
            }
            if (sources.length === 0) continue;
            const k = knownPorts(i);
            const pending = [i.protocol, i.from, i.to].find(isUnknown);
            const groupKey = key ?? `${r.urn}#${i.label}`;
            const group = groups.get(groupKey) ?? { name: (key && sg.name(key)) ?? key ?? i.label, reaches: [] };
            group.reaches.push(k ? { rule: i.label, ...k, sources } : { rule: i.label, protocol: "all", from: 0, to: 65535, sources, pending });
            groups.set(groupKey, group);
        }
    }
    return groups;
}

/** How many addresses of a family the blocks hold together, each address once. */
export function addressCount(blocks: Block[], family: Block["family"]): bigint {
    let total = 0n;
    let next = 0n;
    for (const b of blocks.filter((b) => b.family === family).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))) {
        const first = b.first > next ? b.first : next;
        if (b.last >= first) total += b.last - first + 1n;
        if (b.last + 1n > next) next = b.last + 1n;
    }
    return total;
}

const familiesOf = (protocol: Protocol): Block["family"][] => (protocol === "icmp" ? ["IPv4"] : protocol === "icmpv6" ? ["IPv6"] : ["IPv4", "IPv6"]);

/** Why sources of one family are the world, when the rule resources do not already say so themselves. */
type Verdict = { kind: "list"; source: Source } | { kind: "together" } | undefined;
function verdictOf(sources: Source[], family: Block["family"]): Verdict | "own" {
    const ofFamily = sources.filter((b) => b.family === family);
    if (ofFamily.some((b) => b.list === undefined && tooWide(b))) return "own"; // reported per resource
    const source = ofFamily.find((b) => b.list !== undefined && tooWide(b));
    if (source) return { kind: "list", source };
    return addressCount(ofFamily, family) > widestCount(family) ? { kind: "together" } : undefined;
}

interface Opening {
    protocol: Protocol;
    from: number;
    to: number;
    message: string;
}

/**
 * What the rules that reach one group open to the world together, on anything but the allowed
 * public ports: per protocol (rules of every protocol once, as such) and port range.
 */
function openings(group: string, reaches: Reach[], config: PackConfig): Opening[] {
    const found: Opening[] = [];
    const allowed = allowedText(config);
    for (const protocol of ["all", "tcp", "udp", "icmp", "icmpv6"] as const) {
        if (!reaches.some((r) => r.protocol === protocol)) continue;
        const applicable = reaches.filter((r) => r.protocol === protocol || r.protocol === "all");
        const ported = protocol === "tcp" || protocol === "udp";
        const cuts = ported ? [...new Set([0, 65536, ...applicable.flatMap((r) => [r.from, r.to + 1])])].sort((a, b) => a - b) : [0, 65536];
        const bad: { from: number; to: number; key: string; message: (traffic: string) => string }[] = [];
        for (let s = 0; s + 1 < cuts.length; s++) {
            const [from, to] = [cuts[s], cuts[s + 1] - 1];
            const active = applicable.filter((r) => !ported || (r.from <= from && r.to >= to));
            if (!active.some((r) => r.protocol === protocol)) continue;
            if (protocol === "tcp" && count(config.allowedPorts, from, to) === to - from + 1) continue;
            const rules = [...new Set(active.map((r) => r.rule))].sort().join(", ");
            const sources = active.flatMap((r) => r.sources);
            const everyProtocol = active.filter((r) => r.protocol === "all").flatMap((r) => r.sources);
            for (const family of familiesOf(protocol)) {
                const verdict = verdictOf(sources, family);
                // Reported per resource, or with the rules of every protocol.
                if (verdict === undefined || verdict === "own" || (protocol !== "all" && verdictOf(everyProtocol, family) !== undefined)) continue;
                if (verdict.kind === "list") {
                    const { cidr, list } = verdict.source;
                    bad.push({ from, to, key: `list ${rules} ${cidr}`, message: (traffic) => policyMessage("policy.widePrefixList", { rules, group, traffic, cidr, list: list as string, allowed }) });
                } else {
                    const widest = `/${widestPrefix[family]}`;
                    bad.push({ from, to, key: `${family} ${rules}`, message: (traffic) => policyMessage("policy.worldTogether", { rules, group, traffic, family, widest, allowed }) });
                }
            }
        }
        // Adjacent ranges with the same finding are one violation.
        const merged: typeof bad = [];
        for (const b of bad) {
            const last = merged.find((m) => m.key === b.key && m.to + 1 === b.from);
            if (last) last.to = b.to;
            else merged.push({ ...b });
        }
        for (const b of merged) found.push({ protocol, from: b.from, to: b.to, message: b.message(trafficText({ protocol, from: b.from, to: b.to })) });
    }
    return found;
}

/**
 * The rules that reach one security group, together: sources that add up to more addresses
 * than the widest prefix holds (when no rule is that wide itself, reported per resource), and
 * prefix lists of the stack with an entry that wide, on anything but the allowed public ports.
 * One violation per group, protocol and port range. A rule whose ports are not known yet
 * (a preview) leaves the verdict open (an Unknown) only where it could open more than the rest.
 */
export function worldTogether(resources: StackResource[], config: PackConfig): Finding[] {
    const found: Finding[] = [];
    for (const { name, reaches } of reachesByGroup(resources).values()) {
        const decided = openings(name, reaches.filter((r) => r.pending === undefined), config);
        found.push(...decided.map((o) => o.message));
        const pending = reaches.find((r) => r.pending !== undefined)?.pending;
        if (pending === undefined) continue;
        const covered = (o: Opening): boolean => decided.some((d) => (d.protocol === o.protocol || d.protocol === "all") && d.from <= o.from && d.to >= o.to);
        if (openings(name, reaches, config).some((o) => !covered(o))) found.push(pending);
    }
    return found;
}

// ---------------------------------------------------------------------------------------------
// Instances: every resource that launches them, and standalone volumes.

const instanceLike = ["aws:ec2/instance:Instance", "aws:ec2/spotInstanceRequest:SpotInstanceRequest", "aws:ec2/launchConfiguration:LaunchConfiguration"];
export const launchingTypes = [
    ...instanceLike, "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/spotFleetRequest:SpotFleetRequest", "aws:ec2/fleet:Fleet", "aws:autoscaling/group:Group",
];

function metadataFindings(label: string, options: unknown): Finding[] {
    if (isUnknown(options)) return [options];
    const m = obj(options);
    if (m?.httpEndpoint === "disabled" || m?.httpTokens === "required") return [];
    const unknown = firstUnknown([m?.httpEndpoint, m?.httpTokens]);
    return unknown.length > 0 ? unknown : [policyMessage("policy.imdsv2", { resource: label })];
}

/** IMDSv2 required, or the metadata service off, wherever instances are described. */
export function imdsv2(r: CheckedResource): Finding[] {
    const p = r.props;
    if (instanceLike.includes(r.type) || r.type === "aws:ec2/launchTemplate:LaunchTemplate") return metadataFindings(r.name, p.metadataOptions);
    if (r.type === "aws:ec2/spotFleetRequest:SpotFleetRequest") {
        const specs = items(p.launchSpecifications);
        if (isUnknown(specs)) return [specs];
        return specs.length > 0 ? [policyMessage("policy.imdsv2LaunchSpecification", { resource: r.name })] : [];
    }
    return []; // fleets and groups launch from launch templates, judged themselves
}

const encrypted = (v: unknown): boolean | Unknown => (isUnknown(v) ? v : v === true || v === "true");

function volumeFindings(resource: string, volumes: [string, unknown][]): Finding[] {
    return volumes.flatMap(([volume, v]): Finding[] => {
        if (isUnknown(v)) return [v];
        const e = encrypted(obj(v)?.encrypted);
        return isUnknown(e) ? [e] : e ? [] : [policyMessage("policy.unencrypted", { resource, volume })];
    });
}

function blockDevices(prefix: string, root: unknown, ebs: unknown): [string, unknown][] {
    const extra = items(ebs);
    return [
        [`${prefix}root`, root],
        ...(isUnknown(extra) ? [[`${prefix}ebsBlockDevices`, extra] as [string, unknown]] : extra.map((v, n): [string, unknown] => [`${prefix}${known(obj(v)?.deviceName) ?? `ebsBlockDevices[${n}]`}`, v])),
    ];
}

/** Every EBS volume encrypted: a missing root volume setting is the AMI's or the account's, not known to be encrypted. */
export function encryptedVolumes(r: CheckedResource): Finding[] {
    const p = r.props;
    if (r.type === "aws:ebs/volume:Volume") {
        const e = encrypted(p.encrypted);
        return isUnknown(e) ? [e] : e ? [] : [policyMessage("policy.unencrypted", { resource: r.name, volume: r.name })];
    }
    if (instanceLike.includes(r.type)) return volumeFindings(r.name, blockDevices("", p.rootBlockDevice, p.ebsBlockDevices));
    if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
        const mappings = items(p.blockDeviceMappings);
        if (isUnknown(mappings)) return [mappings];
        if (mappings.length === 0) return [policyMessage("policy.unencrypted", { resource: r.name, volume: "root" })];
        return volumeFindings(r.name, mappings.flatMap((m, n): [string, unknown][] => {
            const mapping = obj(m);
            if (isUnknown(m)) return [[`blockDeviceMappings[${n}]`, m]];
            if (!mapping || absent(mapping.ebs)) return []; // instance store or no device
            return [[known(mapping.deviceName) ?? `blockDeviceMappings[${n}]`, mapping.ebs]];
        }));
    }
    if (r.type === "aws:ec2/spotFleetRequest:SpotFleetRequest") {
        const specs = items(p.launchSpecifications);
        if (isUnknown(specs)) return [specs];
        return specs.flatMap((s, n) => {
            const spec = obj(s) ?? {};
            const roots = items(spec.rootBlockDevices);
            const root = isUnknown(roots) ? roots : roots[0];
            return volumeFindings(r.name, blockDevices(`launchSpecifications[${n}] `, root, spec.ebsBlockDevices));
        });
    }
    return [];
}

/** The instance types a resource names: `[label, type]`, with `undefined` for a missing type and "requirements" for attribute-based selection. */
function instanceTypesOf(r: CheckedResource): [string, unknown][] {
    const p = r.props;
    const overrides = (label: string, list: unknown): [string, unknown][] => {
        const all = items(list);
        if (isUnknown(all)) return [[label, all]];
        return all.flatMap((o): [string, unknown][] => {
            const override = obj(o);
            if (isUnknown(o)) return [[label, o]];
            if (override && !absent(override.instanceRequirements)) return [[label, "requirements"]];
            return override && !absent(override.instanceType) ? [[label, override.instanceType]] : [];
        });
    };
    switch (r.type) {
        case "aws:ec2/instance:Instance":
        case "aws:ec2/spotInstanceRequest:SpotInstanceRequest":
        case "aws:ec2/launchConfiguration:LaunchConfiguration":
        case "aws:ec2/capacityReservation:CapacityReservation":
            return [[r.name, p.instanceType]];
        case "aws:eks/nodeGroup:NodeGroup": {
            // No list: the type comes from the group's launch template, judged itself.
            const types = items(p.instanceTypes);
            return isUnknown(types) ? [[r.name, types]] : types.map((type): [string, unknown] => [r.name, type]);
        }
        case "aws:ec2/launchTemplate:LaunchTemplate":
            // A template may leave the type to whoever launches from it.
            if (!absent(p.instanceRequirements)) return [[r.name, "requirements"]];
            return absent(p.instanceType) ? [] : [[r.name, p.instanceType]];
        case "aws:ec2/spotFleetRequest:SpotFleetRequest": {
            const specs = items(p.launchSpecifications);
            const configs = items(p.launchTemplateConfigs);
            return [
                ...(isUnknown(specs) ? [[r.name, specs] as [string, unknown]] : specs.map((s, n): [string, unknown] => [`${r.name} launchSpecifications[${n}]`, obj(s)?.instanceType])),
                ...(isUnknown(configs) ? [[r.name, configs] as [string, unknown]] : configs.flatMap((c) => overrides(r.name, obj(c)?.overrides))),
            ];
        }
        case "aws:ec2/fleet:Fleet": {
            const configs = items(p.launchTemplateConfigs);
            return isUnknown(configs) ? [[r.name, configs]] : configs.flatMap((c) => overrides(r.name, obj(c)?.overrides));
        }
        case "aws:autoscaling/group:Group": {
            const policy = p.mixedInstancesPolicy;
            if (isUnknown(policy)) return [[r.name, policy]];
            const template = obj(policy)?.launchTemplate;
            return isUnknown(template) ? [[r.name, template]] : overrides(r.name, obj(template)?.overrides);
        }
        default:
            return [];
    }
}

/** Instance types from the allow-list (cost), wherever instances are described. */
export function instanceType(r: CheckedResource, config: PackConfig): Finding[] {
    const allowed = config.allowedInstanceTypes.join(", ");
    return instanceTypesOf(r).flatMap(([resource, type]): Finding[] => {
        if (isUnknown(type)) return [type];
        // Settings that name no type of the allow-list allow none: said as such, not as an empty list.
        if (config.allowedInstanceTypes.length === 0) return [policyMessage("policy.noTypeAllowed", { resource, types: allowedInstanceTypes.join(", ") })];
        if (absent(type)) return [policyMessage("policy.instanceTypeMissing", { resource, allowed })];
        if (type === "requirements") return [policyMessage("policy.instanceRequirements", { resource, allowed })];
        return config.allowedInstanceTypes.includes(String(type)) ? [] : [policyMessage("policy.instanceType", { resource, instanceType: String(type), allowed })];
    });
}

// ---------------------------------------------------------------------------------------------
// Tags and Kubernetes.

/**
 * The AWS resource types whose schema has `tags`, in one list: the ones the lab creates or could,
 * and the common ones it might grow (besides any other AWS resource that sets `tags`). Types off
 * this list that leave `tags` out are not asked for them.
 */
export const taggableTypes = [
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable", "aws:ec2/eip:Eip",
    "aws:ec2/natGateway:NatGateway", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/keyPair:KeyPair",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/managedPrefixList:ManagedPrefixList",
    "aws:ec2/networkInterface:NetworkInterface", "aws:ebs/volume:Volume", ...launchingTypes.filter((t) => t !== "aws:ec2/launchConfiguration:LaunchConfiguration"),
    "aws:ec2/capacityReservation:CapacityReservation", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile", "aws:iam/user:User",
    "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer",
    "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:secretsmanager/secret:Secret",
    "aws:ssm/parameter:Parameter", "aws:lambda/function:Function", "aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:ecr/repository:Repository",
];

/** A provider's default tags, which the engine may hand over as JSON text. */
function defaultTags(provider: CheckedResource["provider"]): Json | Unknown {
    let value = provider?.props.defaultTags;
    if (isUnknown(value)) return value;
    if (typeof value === "string") {
        try {
            value = JSON.parse(value) as unknown;
        } catch {
            value = undefined;
        }
    }
    const tags = obj(value)?.tags;
    return isUnknown(tags) ? tags : (obj(tags) ?? {});
}

export function requiredTags(r: CheckedResource, config: PackConfig): Finding[] {
    const own = r.props.tags;
    if (!taggableTypes.includes(r.type) && (!r.type.startsWith("aws:") || absent(own))) return [];
    if (r.type === "aws:autoscaling/group:Group") {
        // Default tags do not reach a group: its own tags, a list of { key, value, propagateAtLaunch }.
        const list = items(own);
        if (isUnknown(list)) return [list];
        const keys = list.map((t) => obj(t)?.key);
        const missing = config.requiredTags.filter((key) => !keys.includes(key));
        return missing.length === 0 ? [] : [...firstUnknown(keys), ...(firstUnknown(keys).length > 0 ? [] : [policyMessage("policy.tagsOwn", { resource: r.name, missing: missing.join(", ") })])];
    }
    const defaults = defaultTags(r.provider);
    const ownTags = isUnknown(own) ? own : (obj(own) ?? {});
    const present = new Set([...(isUnknown(defaults) ? [] : Object.keys(defaults)), ...(isUnknown(ownTags) ? [] : Object.keys(ownTags))]);
    const missing = config.requiredTags.filter((key) => !present.has(key));
    if (missing.length === 0) return [];
    const unknown = [defaults, ownTags].find(isUnknown);
    return unknown ? [unknown] : [policyMessage("policy.tags", { resource: r.name, missing: missing.join(", ") })];
}

const isLoadBalancer = (v: unknown): boolean => typeof v === "string" && v.trim().toLowerCase() === "loadbalancer";
/** An unknown that could hide a LoadBalancer: a whole subtree (object or list), or a value under a type or kind key. */
const couldHide = (u: Unknown, key: string): boolean => /^(Object|Array) value/.test(u.error.message) || /(type|kind)$/i.test(key);

/** Where a chart's values ask for a LoadBalancer: any value LoadBalancer, under any key, at any depth. */
function loadBalancerPaths(value: unknown, path: string, key: string): Finding[] {
    if (isUnknown(value)) return path === "values" || couldHide(value, key) ? [value] : [];
    if (isLoadBalancer(value)) return [path];
    if (Array.isArray(value)) return value.flatMap((v, n) => loadBalancerPaths(v, `${path}[${n}]`, key));
    const o = obj(value);
    return o ? Object.entries(o).flatMap(([k, v]) => loadBalancerPaths(v, `${path}.${k}`, k)) : [];
}

/** The lines of a values file's text that set a value to LoadBalancer: a YAML scalar, plain or quoted, in block or flow style, comments aside. */
export function loadBalancerLines(text: string): number[] {
    return text.split(/\r?\n/).flatMap((line, n) => {
        const code = line.replace(/(^|\s)#.*$/, "");
        return /(^|[:,[{-]\s*)["']?loadbalancer["']?\s*(?=[,\]}]|$)/i.test(code) ? [n + 1] : [];
    });
}

const chartTypes = ["kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"];

/** A chart's values files: the text of each string asset, or the file the pack cannot read. */
function valuesFiles(r: CheckedResource): (FileValue | Unknown)[] | Unknown {
    const files = items(r.props.valueYamlFiles);
    return isUnknown(files) ? files : files.filter((f): f is FileValue | Unknown => f instanceof FileValue || isUnknown(f));
}

/** No LoadBalancer Service: in a Service, a patch, a list, or a chart's values and values files. */
export function noLoadBalancer(r: CheckedResource): Finding[] {
    const p = r.props;
    const serviceType = (service: unknown, path: string): Finding[] => {
        if (isUnknown(service)) return [service];
        const spec = obj(service)?.spec;
        if (isUnknown(spec)) return [spec];
        const type = obj(spec)?.type;
        if (isUnknown(type)) return [type];
        return type === "LoadBalancer" ? [`${path}spec.type`] : [];
    };
    let paths: Finding[] = [];
    if (r.type === "kubernetes:core/v1:Service" || r.type === "kubernetes:core/v1:ServicePatch") paths = serviceType(p, "");
    else if (r.type === "kubernetes:core/v1:ServiceList") {
        const list = items(p.items);
        paths = isUnknown(list) ? [list] : list.flatMap((s, n) => serviceType(s, `items[${n}].`));
    } else if (chartTypes.includes(r.type)) {
        const files = valuesFiles(r);
        paths = [
            ...loadBalancerPaths(p.values, "values", "values"),
            ...(isUnknown(files) ? [files] : files.flatMap((f, n): Finding[] => (isUnknown(f) ? [f] : f.kind === "text" ? loadBalancerLines(f.content).map((line) => `valueYamlFiles[${n}] line ${line}`) : []))),
        ];
    }
    return paths.map((where) => (isUnknown(where) ? where : policyMessage("policy.loadBalancer", { resource: r.name, where })));
}

/** Values files the pack cannot read (a path, a URL, an archive): it cannot tell whether they ask for a LoadBalancer. */
export function unreadValuesFiles(r: CheckedResource): Finding[] {
    if (!chartTypes.includes(r.type)) return [];
    const files = valuesFiles(r);
    if (isUnknown(files)) return [];
    return files.flatMap((f, n) => (f instanceof FileValue && f.kind !== "text" ? [policyMessage("policy.valuesFile", { resource: r.name, file: f.content || `valueYamlFiles[${n}]` })] : []));
}
