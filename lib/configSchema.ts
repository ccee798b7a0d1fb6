/**
 * The stack's config keys, each declared once: its type, default and description as Pulumi.yaml
 * declares them (test/lib/config.test.ts holds Pulumi.yaml equal to this), and how its raw value
 * is read and checked on its own. `LabConfig` is the type the schema yields; lib/config.ts reads
 * every key and runs the checks across keys.
 */
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { allowedInstanceTypes } from "./allowList";
import { languageSettings, Translate } from "./messages";
import { exposures } from "./exposure";
import { KubernetesMinor, supportedCnis, versions } from "./versions";

/** A raw value a key does not allow: the value to name (a list's item, or the whole raw value) and what is allowed. */
export class Invalid {
    constructor(
        readonly value: string,
        readonly allowed: string,
    ) {}
}

function fail(value: string, allowed: string): never {
    throw new Invalid(value, allowed);
}

export const limits = {
    workerCount: { min: 1, max: 10 },
    rootVolumeSizeGb: { min: 30, max: 500 },
    verifyRetrySeconds: { min: 0, max: 3600 },
    nodePort: { min: 30000, max: 32767 },
    vpcPrefix: { min: 16, max: 28 },
    podPrefix: { min: 8, max: 22 },
    /** kube-apiserver refuses a service range of more than 20 host bits. */
    servicePrefix: { min: 12, max: 24 },
    /** An admin CIDR wider than this is "the world". */
    adminWidestPrefix: 8,
} as const;

export const reservedTagKeys = ["Project", "Stack", "ManagedBy", "LabId", "Name"] as const;

/** How the workers are bought: one-time spot instances, or on-demand ones (lab up's fallback when spot is refused). */
export const workerCapacities = ["spot", "onDemand"] as const;
/** How the private subnet reaches the internet: a small NAT instance, or a managed NAT gateway. */
export const egressModes = ["natInstance", "natGateway"] as const;

/** Where the platform runs: the lab's own AWS cluster, or a cluster that exists (kind, k3d). */
export const targets = ["aws", "existingCluster"] as const;
export type Target = (typeof targets)[number];
const everyTarget = targets;
const awsOnly = ["aws"] as const;
const existingClusterOnly = ["existingCluster"] as const;

/** How a key reads a raw value (as `pulumi.Config.get` returns it): its typed value, or `Invalid` thrown. */
type Parse<T> = (raw: string, t: Translate) => T;

export interface KeySchema<T> {
    /** As Pulumi.yaml declares it; `array` is a list of strings. */
    readonly type: "string" | "integer" | "boolean" | "array";
    /** The targets the key applies to: set for another one, it is refused. */
    readonly targets: readonly Target[];
    readonly default: string | number | boolean | readonly string[];
    readonly description: string;
    readonly parse: Parse<T>;
}

/** A value zod accepts, else `allowed`. */
function check<T>(schema: z.ZodType<T>, allowed: (t: Translate) => string): Parse<T> {
    return (raw, t) => {
        const result = schema.safeParse(raw);
        return result.success ? result.data : fail(raw, allowed(t));
    };
}

const range = ({ min, max }: { min: number; max: number }) => `${min} to ${max}`;

function integer(limit: { min: number; max: number }, allowed: (t: Translate) => string = (t) => t("allowed.integerRange", limit)): Parse<number> {
    return check(z.string().regex(/^-?\d+$/).transform(Number).pipe(z.number().min(limit.min).max(limit.max)), allowed);
}

function oneOf<const T extends readonly string[]>(values: T, allowed: (t: Translate, values: string) => string): Parse<T[number]> {
    return check(z.enum(values), (t) => allowed(t, values.join(", ")));
}

/** A type of the allow-list: the CI role's RunInstances condition and the policy pack refuse any other. */
const instanceType = check(z.string().refine((value) => allowedInstanceTypes.includes(value)), (t) => t("allowed.instanceType", { types: allowedInstanceTypes.join(", ") }));

/** An IPv4 network block written as such, its prefix within `prefix`. */
function cidr(value: string, t: Translate, prefix: { min: number; max: number } = { min: 0, max: 32 }): string {
    const [address, bits, extra] = value.split("/");
    if (extra !== undefined || !ipaddr.IPv4.isValidFourPartDecimal(address ?? "") || !/^\d{1,2}$/.test(bits ?? "") || Number(bits) > 32) {
        return fail(value, t("allowed.cidr"));
    }
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    if (network !== address) fail(value, t("allowed.cidrHostBits", { network: `${network}/${bits}` }));
    if (Number(bits) < prefix.min || Number(bits) > prefix.max) fail(value, t("allowed.cidrPrefix", prefix));
    return value;
}

function stringList(raw: string, t: Translate): string[] {
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        parsed = undefined;
    }
    const result = z.array(z.string()).safeParse(parsed);
    return result.success ? result.data : fail(raw, t("allowed.stringList"));
}

/** A list whose items are each read by `item`, which names the bad item. */
function list<T>(item: (value: string, t: Translate) => T): Parse<T[]> {
    return (raw, t) => stringList(raw, t).map((value) => item(value, t));
}

function tag(entry: string, t: Translate): [string, string] {
    const separator = entry.indexOf("=");
    const key = entry.slice(0, separator);
    const value = entry.slice(separator + 1);
    const reserved = (reservedTagKeys as readonly string[]).includes(key);
    if (separator < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:") || reserved || value.length > 256) fail(entry, t("allowed.tag"));
    return [key, value];
}

const workload = check(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/), (t) => t("allowed.workload"));

function adminCidr(value: string, t: Translate): string {
    return ipaddr.IPv4.parseCIDR(cidr(value, t))[1] < limits.adminWidestPrefix ? fail(value, t("allowed.adminCidr")) : value;
}

/** Every key, in the order Pulumi.yaml and the READMEs list them and errors are reported. */
export const configSchema = {
    language: {
        type: "string",
        targets: everyTarget,
        default: "auto",
        description: "Language of operator-facing messages: ko, en, or auto (Korean on the nodes; in the terminal, LC_ALL, LC_MESSAGES or LANG, ko* being Korean).",
        parse: oneOf(languageSettings, (t) => t("allowed.language")),
    },
    target: {
        type: "string",
        targets: everyTarget,
        default: "aws",
        description:
            "Where the platform runs: aws (the lab builds its network, nodes and cluster) or existingCluster " +
            "(the platform alone, onto the cluster that kubeconfig and kubeContext name: kind, k3d; no AWS resource, nothing over SSH).",
        parse: oneOf(targets, (t, values) => t("allowed.target", { targets: values })),
    },
    kubeconfig: {
        type: "string",
        targets: existingClusterOnly,
        default: "",
        description:
            "existingCluster: the kubeconfig's content when the value is a secret (pulumi config set --secret kubeconfig < file), " +
            "else a path to the file (~ is the home folder; relative to the project folder); empty: the first file of KUBECONFIG, else ~/.kube/config, as kubectl finds it.",
        parse: (raw: string) => raw,
    },
    kubeContext: {
        type: "string",
        targets: existingClusterOnly,
        default: "",
        description: "existingCluster: the kubeconfig's context to deploy into, such as kind-k8s-lab; required, never the current one.",
        parse: (raw: string) => raw,
    },
    publicHost: {
        type: "string",
        targets: existingClusterOnly,
        default: "127.0.0.1",
        description: "existingCluster: the host name or IPv4 address where the control-plane node's bookinfoPort and grafanaPort answer (kind maps them to 127.0.0.1); on this machine unless allowRemoteCluster, since verify sends Grafana's admin password there.",
        parse: check(z.string().regex(/^[A-Za-z0-9]([-.A-Za-z0-9]*[A-Za-z0-9])?$/), (t) => t("allowed.publicHost")),
    },
    allowRemoteCluster: {
        type: "boolean",
        targets: existingClusterOnly,
        default: false,
        description: "existingCluster: deploy even when the context's API server is not on this machine (a loopback address, as kind and k3d serve); false keeps the lab off a remote, perhaps production, cluster.",
        parse: check(z.enum(["true", "false"]).transform((value) => value === "true"), (t) => t("allowed.boolean")),
    },
    controlPlaneLabelValue: {
        type: "string",
        targets: existingClusterOnly,
        default: "",
        description:
            "existingCluster: the value of the node-role.kubernetes.io/control-plane label on the node that serves bookinfoPort and grafanaPort " +
            "and runs what is pinned there: empty as kubeadm and kind set it, true on k3d.",
        parse: check(z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/), (t) => t("allowed.labelValue")),
    },
    region: {
        type: "string",
        targets: awsOnly,
        default: "ap-northeast-2",
        description: "AWS region of the lab.",
        parse: check(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/), (t) => t("allowed.region")),
    },
    availabilityZone: {
        type: "string",
        targets: awsOnly,
        default: "",
        description: "Zone of both subnets; empty picks the first zone of the region that offers both instance types.",
        // Checked against the region, across keys.
        parse: (raw: string) => raw,
    },
    vpcCidr: {
        type: "string",
        targets: awsOnly,
        default: "10.0.0.0/16",
        description: `IPv4 block of the VPC (/${limits.vpcPrefix.min} to /${limits.vpcPrefix.max}).`,
        parse: (raw: string, t: Translate) => cidr(raw, t, limits.vpcPrefix),
    },
    publicSubnetCidr: {
        type: "string",
        targets: awsOnly,
        default: "10.0.1.0/24",
        description: "Subnet of the control-plane node, inside vpcCidr, routed to the internet gateway.",
        parse: (raw: string, t: Translate) => cidr(raw, t, limits.vpcPrefix),
    },
    privateSubnetCidr: {
        type: "string",
        targets: awsOnly,
        default: "10.0.2.0/24",
        description: "Subnet of the workers, inside vpcCidr, with egress through the NAT instance or gateway (egress).",
        parse: (raw: string, t: Translate) => cidr(raw, t, limits.vpcPrefix),
    },
    podCidr: {
        type: "string",
        targets: awsOnly,
        default: "10.244.0.0/16",
        description: `Pod IP range (/${limits.podPrefix.min} to /${limits.podPrefix.max}); must not overlap vpcCidr or serviceCidr.`,
        parse: (raw: string, t: Translate) => cidr(raw, t, limits.podPrefix),
    },
    serviceCidr: {
        type: "string",
        targets: awsOnly,
        default: "10.96.0.0/12",
        description: `Service IP range (/${limits.servicePrefix.min} to /${limits.servicePrefix.max}); must not overlap vpcCidr or podCidr.`,
        parse: (raw: string, t: Translate) => cidr(raw, t, limits.servicePrefix),
    },
    kubernetesVersion: {
        type: "string",
        targets: awsOnly,
        default: "1.35",
        description: "Kubernetes minor version (1.34, 1.35 or 1.36), each pinned to a patch release in lib/versions.ts.",
        parse: oneOf(Object.keys(versions.kubernetes) as KubernetesMinor[], (t, values) => t("allowed.kubernetesVersion", { versions: values, calico: versions.calico })),
    },
    cni: {
        type: "string",
        targets: awsOnly,
        default: "calico",
        description: "The CNI (calico, with VXLAN encapsulation between all nodes).",
        parse: oneOf(supportedCnis, (t, cnis) => t("allowed.cni", { cnis })),
    },
    exposure: {
        type: "string",
        targets: everyTarget,
        default: "nodePort",
        description:
            "How bookinfoPort and grafanaPort are served on the control-plane node: nodePort (NodePort Services), " +
            "portForward (a kubectl port-forward systemd service; target aws only) or hostPort (hostPort on the pods); one at a time. " +
            "k8s-lab up falls back through them in this order; a lab keeps the mode that served it until it is destroyed.",
        parse: oneOf(exposures, (t, modes) => t("allowed.exposure", { modes })),
    },
    controlPlaneWorkloads: {
        type: "array",
        targets: everyTarget,
        default: [],
        description:
            "Further workloads, as namespace/name, to pin to the control-plane node (productpage and Grafana always are), " +
            "e.g. monitoring/kube-prometheus-stack-prometheus.",
        parse: list(workload),
    },
    verifyRetrySeconds: {
        type: "integer",
        targets: everyTarget,
        default: 300,
        description: `How long the check after pulumi up retries every URL and the checks through Grafana while the cluster settles (${range(limits.verifyRetrySeconds)}); each attempt must answer within 10 seconds. On a new lab the checks through Grafana need about 2 minutes (the proxies scraped, two scrapes of traffic for the dashboard's rates, the rules evaluated).`,
        parse: integer(limits.verifyRetrySeconds),
    },
    workerCount: {
        type: "integer",
        targets: awsOnly,
        default: 2,
        description: `Number of private worker nodes (${range(limits.workerCount)}).`,
        parse: integer(limits.workerCount),
    },
    controlPlaneInstanceType: {
        type: "string",
        targets: awsOnly,
        default: "t3.large",
        description: "EC2 type of the control-plane node, which also hosts Grafana and productpage; at least 8 GiB of memory (t3.large has 8 GiB); on the instance-type allow-list (lib/allowList.ts).",
        parse: instanceType,
    },
    workerInstanceType: {
        type: "string",
        targets: awsOnly,
        default: "t3.medium",
        description: "EC2 type of the workers; at least 4 GiB of memory (t3.medium is 2 vCPU, 4 GiB); on the instance-type allow-list (lib/allowList.ts).",
        parse: instanceType,
    },
    workerCapacity: {
        type: "string",
        targets: awsOnly,
        default: "spot",
        description:
            "How the workers are bought, spot (one-time, terminated when reclaimed; lab up falls back to onDemand, kept until destroyed, when spot is refused) or onDemand.",
        parse: oneOf(workerCapacities, (t, capacities) => t("allowed.workerCapacity", { capacities })),
    },
    egress: {
        type: "string",
        targets: awsOnly,
        default: "natInstance",
        description: "How the workers reach the internet, natInstance (a small forwarding instance in the public subnet) or natGateway (AWS's managed NAT gateway).",
        // The message names both modes in words ("natInstance or natGateway"); test/lib/config.test.ts holds them to egressModes.
        parse: oneOf(egressModes, (t) => t("allowed.egress")),
    },
    natInstanceType: {
        type: "string",
        targets: awsOnly,
        default: "t4g.nano",
        description: "EC2 type of the NAT instance (egress natInstance); it must be on the instance-type allow-list (lib/allowList.ts).",
        parse: instanceType,
    },
    rootVolumeSizeGb: {
        type: "integer",
        targets: awsOnly,
        default: 30,
        description: `Size of each node's encrypted gp3 root volume in GB (${range(limits.rootVolumeSizeGb)}).`,
        parse: integer(limits.rootVolumeSizeGb),
    },
    bookinfoPort: {
        type: "integer",
        targets: everyTarget,
        default: 30080,
        description: `NodePort of Bookinfo's productpage on the control-plane node (${range(limits.nodePort)}).`,
        parse: integer(limits.nodePort, (t) => t("allowed.nodePort")),
    },
    grafanaPort: {
        type: "integer",
        targets: everyTarget,
        default: 30300,
        description: `NodePort of Grafana on the control-plane node (${range(limits.nodePort)}, not bookinfoPort).`,
        parse: integer(limits.nodePort, (t) => t("allowed.nodePort")),
    },
    publicCidrs: {
        type: "array",
        targets: awsOnly,
        default: ["0.0.0.0/0"],
        description: "IPv4 blocks allowed to reach bookinfoPort and grafanaPort.",
        parse: list((value, t) => cidr(value, t)),
    },
    adminCidrs: {
        type: "array",
        targets: awsOnly,
        default: [],
        description:
            "IPv4 blocks allowed to reach SSH (22) and the Kubernetes API (6443) on the control-plane node; " +
            `each /${limits.adminWidestPrefix} or narrower and together at most a /${limits.adminWidestPrefix}'s worth of addresses (with the detected one), never the world.`,
        parse: list(adminCidr),
    },
    detectAdminIp: {
        type: "boolean",
        targets: awsOnly,
        default: true,
        description: "Add the public IP of the machine running pulumi (a laptop, or the CI runner) to adminCidrs as a /32.",
        parse: check(z.enum(["true", "false"]).transform((value) => value === "true"), (t) => t("allowed.boolean")),
    },
    tags: {
        type: "array",
        targets: awsOnly,
        default: [],
        description: "Extra tags as Key=Value, added to Project, Stack and ManagedBy on every AWS resource.",
        parse: (raw: string, t: Translate): Record<string, string> => Object.fromEntries(stringList(raw, t).map((entry) => tag(entry, t))),
    },
} as const satisfies Record<string, KeySchema<unknown>>;

export type ConfigKey = keyof typeof configSchema;

/** The stack configuration, typed: each key's value as its schema reads it. */
export type LabConfig = { -readonly [K in ConfigKey]: ReturnType<(typeof configSchema)[K]["parse"]> };

export type WorkerCapacity = LabConfig["workerCapacity"];
export type Egress = LabConfig["egress"];

export const configKeys = Object.keys(configSchema) as ConfigKey[];

/** A key's default as the Pulumi CLI hands it to the program: a string, other types as JSON. */
export function rawDefault(key: ConfigKey): string {
    const value = configSchema[key].default;
    return typeof value === "string" ? value : JSON.stringify(value);
}
