/**
 * The stack configuration, typed and validated before any resource is declared.
 *
 * Every key is declared with its type, default and description in Pulumi.yaml; the CLI applies
 * those defaults. `parseConfig` is pure: it reads raw strings through a getter (as
 * `pulumi.Config.get` returns them) and either returns a `LabConfig` or throws a `ConfigError`
 * whose message is one sentence naming the key, the bad value and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { LanguageSetting, languageSettings, terminalLanguage, translator } from "./messages";
import { Exposure, exposures } from "./placement";
import { Cni, KubernetesMinor, supportedCnis, versions } from "./versions";

/** How the workers are bought: one-time spot instances, or on-demand ones (lab up's fallback when spot is refused). */
export const workerCapacities = ["spot", "onDemand"] as const;
export type WorkerCapacity = (typeof workerCapacities)[number];
/** How the private subnet reaches the internet: a small NAT instance, or a managed NAT gateway. */
export const egressModes = ["natInstance", "natGateway"] as const;
export type Egress = (typeof egressModes)[number];

export interface LabConfig {
    /**
     * The language setting: what runs on the nodes follows it (`auto` = Korean, see
     * `nodeLanguage`), the operator's terminal follows it when it names a language.
     */
    language: LanguageSetting;
    region: string;
    /** Empty: the first zone of the region that offers both instance types. */
    availabilityZone: string;
    vpcCidr: string;
    publicSubnetCidr: string;
    privateSubnetCidr: string;
    podCidr: string;
    serviceCidr: string;
    /** Kubernetes minor, pinned to a patch release in versions.ts. */
    kubernetesVersion: KubernetesMinor;
    cni: Cni;
    /** How the public ports are served: NodePort Services, or hostPort on the control-plane node. */
    exposure: Exposure;
    /** Further workloads (`namespace/name`) to run on the control-plane node. */
    controlPlaneWorkloads: string[];
    /** How long the verification after `pulumi up` retries while the cluster settles. */
    verifyRetrySeconds: number;
    workerCount: number;
    controlPlaneInstanceType: string;
    workerInstanceType: string;
    rootVolumeSizeGb: number;
    /** Spot or on-demand workers (the control-plane node and the NAT instance are on-demand). */
    workerCapacity: WorkerCapacity;
    egress: Egress;
    /** The NAT instance's type (egress natInstance). */
    natInstanceType: string;
    bookinfoPort: number;
    grafanaPort: number;
    /** Who may reach the public ports. */
    publicCidrs: string[];
    /** Who may reach SSH and the Kubernetes API, besides the detected IP. */
    adminCidrs: string[];
    /** Add the public IP of the machine running `pulumi` to the admin CIDRs. */
    detectAdminIp: boolean;
    /** The user's tags, added to Project, Stack and ManagedBy. */
    tags: Record<string, string>;
}

/** Reads one raw config value, as `pulumi.Config.get` does. */
export type RawConfig = (key: string) => string | undefined;

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

export class ConfigError extends pulumi.RunError {
    constructor(
        readonly key: string,
        text: string,
    ) {
        super(text);
        this.name = "ConfigError";
    }
}

interface Cidr {
    text: string;
    network: ipaddr.IPv4;
    prefix: number;
}

function overlaps(a: Cidr, b: Cidr): boolean {
    return a.network.match(b.network, b.prefix) || b.network.match(a.network, a.prefix);
}

/** How many addresses IPv4 blocks hold together, each address once. */
function addressCount(blocks: Cidr[]): number {
    const ranges = blocks
        .map((b) => {
            const first = b.network.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
            return [first, first + 2 ** (32 - b.prefix)];
        })
        .sort((a, b) => a[0] - b[0]);
    let total = 0;
    let next = 0;
    for (const [first, end] of ranges) {
        const start = Math.max(first, next);
        if (end > start) total += end - start;
        next = Math.max(next, end);
    }
    return total;
}

/** Validates raw config; `project` qualifies the keys in messages (`k8s-lab:workerCount`). */
export function parseConfig(get: RawConfig, project: string, env: Readonly<Record<string, string | undefined>> = process.env): LabConfig {
    const languageValue = get("language") ?? "auto";
    const language = languageSettings.find((setting) => setting === languageValue);
    // Errors are read in the operator's terminal.
    const t = translator(terminalLanguage(language, env));

    const fail = (key: string, value: string, allowed: string): never => {
        throw new ConfigError(key, t("config.invalid", { key: `${project}:${key}`, value: JSON.stringify(value), allowed }));
    };
    const required = (key: string, allowed: string): string => {
        const value = get(key);
        if (value === undefined) throw new ConfigError(key, t("config.missing", { key: `${project}:${key}`, allowed }));
        return value;
    };

    if (language === undefined) fail("language", languageValue, t("allowed.language"));

    const integer = (key: string, range: { min: number; max: number }): number => {
        const allowed = t("allowed.integerRange", range);
        const value = required(key, allowed);
        const n = Number(value);
        if (!/^-?\d+$/.test(value.trim()) || n < range.min || n > range.max) fail(key, value, allowed);
        return n;
    };
    const boolean = (key: string): boolean => {
        const value = required(key, t("allowed.boolean"));
        if (value !== "true" && value !== "false") fail(key, value, t("allowed.boolean"));
        return value === "true";
    };
    const stringList = (key: string): string[] => {
        const value = required(key, t("allowed.stringList"));
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        const result = z.array(z.string()).safeParse(parsed);
        return result.success ? result.data : fail(key, value, t("allowed.stringList"));
    };
    const cidr = (key: string, value: string, prefix: { min: number; max: number } = { min: 0, max: 32 }): Cidr => {
        const [address, bits, extra] = value.split("/");
        if (extra !== undefined || !ipaddr.IPv4.isValidFourPartDecimal(address ?? "") || !/^\d{1,2}$/.test(bits ?? "") || Number(bits) > 32) {
            return fail(key, value, t("allowed.cidr"));
        }
        const network = ipaddr.IPv4.networkAddressFromCIDR(value);
        if (network.toString() !== address) fail(key, value, t("allowed.cidrHostBits", { network: `${network.toString()}/${bits}` }));
        if (Number(bits) < prefix.min || Number(bits) > prefix.max) fail(key, value, t("allowed.cidrPrefix", prefix));
        return { text: value, network, prefix: Number(bits) };
    };
    const nodePort = (key: string): number => {
        const allowed = t("allowed.nodePort");
        const value = required(key, allowed);
        const n = Number(value);
        if (!/^\d+$/.test(value.trim()) || n < limits.nodePort.min || n > limits.nodePort.max) fail(key, value, allowed);
        return n;
    };
    const oneOf = <T extends string>(key: string, values: readonly T[], allowedText: (values: string) => string): T => {
        const allowed = allowedText(values.join(", "));
        const value = required(key, allowed);
        const found = values.find((v) => v === value);
        return found ?? fail(key, value, allowed);
    };
    const instanceType = (key: string): string => {
        const value = required(key, t("allowed.instanceType"));
        if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(value)) fail(key, value, t("allowed.instanceType"));
        return value;
    };

    const region = required("region", t("allowed.region"));
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) fail("region", region, t("allowed.region"));
    const availabilityZone = get("availabilityZone") ?? "";
    if (availabilityZone !== "" && !new RegExp(`^${region}[a-z]$`).test(availabilityZone)) {
        fail("availabilityZone", availabilityZone, t("allowed.availabilityZone", { region }));
    }

    const vpc = cidr("vpcCidr", required("vpcCidr", t("allowed.cidr")), limits.vpcPrefix);
    const subnets = (["publicSubnetCidr", "privateSubnetCidr"] as const).map((key) => {
        const subnet = cidr(key, required(key, t("allowed.cidr")), limits.vpcPrefix);
        if (subnet.prefix < vpc.prefix || !subnet.network.match(vpc.network, vpc.prefix)) {
            fail(key, subnet.text, t("allowed.subnetInVpc", { vpcCidr: vpc.text }));
        }
        return { key, cidr: subnet };
    });
    const [publicSubnet, privateSubnet] = subnets;
    if (overlaps(publicSubnet.cidr, privateSubnet.cidr)) {
        fail(privateSubnet.key, privateSubnet.cidr.text, t("allowed.noOverlap", { otherKey: publicSubnet.key, otherValue: publicSubnet.cidr.text }));
    }
    const pod = cidr("podCidr", required("podCidr", t("allowed.cidr")), limits.podPrefix);
    const service = cidr("serviceCidr", required("serviceCidr", t("allowed.cidr")), limits.servicePrefix);
    const ranges: [string, Cidr][] = [["vpcCidr", vpc], ["podCidr", pod], ["serviceCidr", service]];
    ranges.forEach(([key, range], i) =>
        ranges.slice(0, i).forEach(([otherKey, other]) => {
            if (overlaps(range, other)) fail(key, range.text, t("allowed.noOverlap", { otherKey, otherValue: other.text }));
        }),
    );

    const kubernetesVersion = oneOf("kubernetesVersion", Object.keys(versions.kubernetes) as KubernetesMinor[], (values) =>
        t("allowed.kubernetesVersion", { versions: values, calico: versions.calico }),
    );
    const cni = oneOf("cni", supportedCnis, (values) => t("allowed.cni", { cnis: values }));
    const exposure = oneOf<Exposure>("exposure", exposures, (values) => t("allowed.exposure", { modes: values }));
    const controlPlaneWorkloads = stringList("controlPlaneWorkloads").map((value) =>
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(value) ? value : fail("controlPlaneWorkloads", value, t("allowed.workload")),
    );

    const bookinfoPort = nodePort("bookinfoPort");
    const grafanaPort = nodePort("grafanaPort");
    if (grafanaPort === bookinfoPort) fail("grafanaPort", String(grafanaPort), t("allowed.distinctPort", { otherKey: "bookinfoPort" }));

    const publicCidrs = stringList("publicCidrs").map((value) => cidr("publicCidrs", value).text);
    const adminBlocks = stringList("adminCidrs").map((value) => {
        const block = cidr("adminCidrs", value);
        if (block.prefix < limits.adminWidestPrefix) fail("adminCidrs", value, t("allowed.adminCidr"));
        return block;
    });
    const adminCidrs = adminBlocks.map((block) => block.text);
    const detectAdminIp = boolean("detectAdminIp");
    if (!detectAdminIp && adminCidrs.length === 0) fail("adminCidrs", "[]", t("allowed.adminPath"));
    // Nor may narrow blocks add up to more than the widest one holds (the policy pack judges the
    // rules of one security group together the same way), counting the address detectAdminIp adds.
    const maxAdminAddresses = 2 ** (32 - limits.adminWidestPrefix) - (detectAdminIp ? 1 : 0);
    if (addressCount(adminBlocks) > maxAdminAddresses) {
        fail("adminCidrs", adminCidrs.join(", "), t("allowed.adminCidrTotal", { max: String(maxAdminAddresses).replace(/\B(?=(\d{3})+$)/g, ",") }));
    }

    const tags: Record<string, string> = {};
    for (const entry of stringList("tags")) {
        const separator = entry.indexOf("=");
        const key = entry.slice(0, separator);
        const value = entry.slice(separator + 1);
        const reserved = (reservedTagKeys as readonly string[]).includes(key);
        if (separator < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:") || reserved || value.length > 256) {
            fail("tags", entry, t("allowed.tag"));
        }
        tags[key] = value;
    }

    return {
        language: language ?? "auto",
        region,
        availabilityZone,
        vpcCidr: vpc.text,
        publicSubnetCidr: publicSubnet.cidr.text,
        privateSubnetCidr: privateSubnet.cidr.text,
        podCidr: pod.text,
        serviceCidr: service.text,
        kubernetesVersion,
        cni,
        exposure,
        controlPlaneWorkloads,
        verifyRetrySeconds: integer("verifyRetrySeconds", limits.verifyRetrySeconds),
        workerCount: integer("workerCount", limits.workerCount),
        controlPlaneInstanceType: instanceType("controlPlaneInstanceType"),
        workerInstanceType: instanceType("workerInstanceType"),
        rootVolumeSizeGb: integer("rootVolumeSizeGb", limits.rootVolumeSizeGb),
        workerCapacity: oneOf("workerCapacity", workerCapacities, (values) => t("allowed.oneOf", { values })),
        egress: oneOf("egress", egressModes, (values) => t("allowed.oneOf", { values })),
        natInstanceType: instanceType("natInstanceType"),
        bookinfoPort,
        grafanaPort,
        publicCidrs,
        adminCidrs,
        detectAdminIp,
        tags,
    };
}

/** Reads and validates the current stack's configuration. */
export function readConfig(): LabConfig {
    const config = new pulumi.Config();
    return parseConfig((key) => config.get(key), pulumi.getProject());
}
