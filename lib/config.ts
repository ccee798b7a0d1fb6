/**
 * The stack configuration, typed and validated before any resource is declared.
 *
 * Every key is declared once, in lib/configSchema.ts (Pulumi.yaml says the same, checked by a
 * test; the CLI applies its defaults). `parseConfig` is pure: it reads raw strings through a getter
 * (as `pulumi.Config.get` returns them) and either returns a `LabConfig` or throws a `ConfigError`
 * with one sentence per key that is not allowed, each naming the key, the value and what is allowed.
 */
// The SDK's error module alone: the cost tool and the CLI parse config without loading the whole SDK.
import { RunError } from "@pulumi/pulumi/errors";
import * as ipaddr from "ipaddr.js";
import { configKeys, configSchema, ConfigKey, Invalid, KeySchema, LabConfig, limits, rawDefault, targets } from "./configSchema";
import { targetExposures } from "./exposure";
import { terminalLanguage, Translate, translator } from "./messages";

export type { Egress, LabConfig, Target, WorkerCapacity } from "./configSchema";
export { egressModes, limits, reservedTagKeys, targets, workerCapacities } from "./configSchema";

/** A host on this machine: kind and k3d publish their API server there (0.0.0.0 and :: included: a connection to them stays on this machine). */
export function loopbackHost(host: string): boolean {
    const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    if (bare === "localhost") return true;
    if (!ipaddr.isValid(bare)) return false;
    const address = ipaddr.process(bare);
    return address.range() === "loopback" || address.range() === "unspecified";
}

/** Reads one raw config value, as `pulumi.Config.get` does. */
export type RawConfig = (key: string) => string | undefined;

export class ConfigError extends RunError {
    /** The keys (or environment variables) whose values are not allowed, in the order the message names them. */
    readonly keys: readonly string[];
    /** The first of them. */
    readonly key: string;

    constructor(keys: string | readonly string[], text: string) {
        super(text);
        this.name = "ConfigError";
        this.keys = typeof keys === "string" ? [keys] : keys;
        this.key = this.keys[0];
    }
}

interface Cidr {
    text: string;
    network: ipaddr.IPv4;
    prefix: number;
}

/** A block the schema has already accepted. */
function block(text: string): Cidr {
    const [network, prefix] = ipaddr.IPv4.parseCIDR(text);
    return { text, network, prefix };
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

/** A key that is not allowed: its value and what is allowed, or (set for a target it does not apply to) the sentence saying so. */
interface Problem {
    key: ConfigKey;
    invalid: Invalid | string;
}

/**
 * What the keys that parsed do not allow together. A key found wrong is left out of the checks
 * after it, so that it is named once and no key is blamed for overlapping it.
 */
function acrossKeys(parsed: Partial<LabConfig>, project: string, t: Translate): Problem[] {
    const c = { ...parsed };
    const problems: Problem[] = [];
    const bad = (key: ConfigKey, value: string, allowed: string) => {
        problems.push({ key, invalid: new Invalid(value, allowed) });
        c[key] = undefined;
    };

    if (c.region !== undefined && c.availabilityZone !== undefined && c.availabilityZone !== "" && !new RegExp(`^${c.region}[a-z]$`).test(c.availabilityZone)) {
        bad("availabilityZone", c.availabilityZone, t("allowed.availabilityZone", { region: c.region }));
    }
    const vpc = c.vpcCidr === undefined ? undefined : block(c.vpcCidr);
    for (const key of ["publicSubnetCidr", "privateSubnetCidr"] as const) {
        const subnet = c[key] === undefined ? undefined : block(c[key]);
        if (vpc !== undefined && subnet !== undefined && (subnet.prefix < vpc.prefix || !subnet.network.match(vpc.network, vpc.prefix))) {
            bad(key, subnet.text, t("allowed.subnetInVpc", { vpcCidr: vpc.text }));
        }
    }
    // Each range must not overlap those listed before it.
    const disjoint = (keys: readonly ("publicSubnetCidr" | "privateSubnetCidr" | "vpcCidr" | "podCidr" | "serviceCidr")[]) =>
        keys.forEach((key, i) =>
            keys.slice(0, i).forEach((otherKey) => {
                const [range, other] = [c[key], c[otherKey]];
                if (range !== undefined && other !== undefined && overlaps(block(range), block(other))) {
                    bad(key, range, t("allowed.noOverlap", { otherKey, otherValue: other }));
                }
            }),
        );
    disjoint(["publicSubnetCidr", "privateSubnetCidr"]);
    disjoint(["vpcCidr", "podCidr", "serviceCidr"]);

    if (c.grafanaPort !== undefined && c.grafanaPort === c.bookinfoPort) bad("grafanaPort", String(c.grafanaPort), t("allowed.distinctPort", { otherKey: "bookinfoPort" }));

    if (c.target === "existingCluster") {
        // Never whichever context happens to be current: that may be an engineer's production cluster.
        if (c.kubeContext === "") bad("kubeContext", "", t("allowed.kubeContext"));
        if (c.exposure === "portForward") bad("exposure", c.exposure, t("allowed.exposureOnExistingCluster", { modes: targetExposures.existingCluster.join(", ") }));
        // lab verify sends Grafana's admin password there: the API server's rule.
        if (c.publicHost !== undefined && c.allowRemoteCluster === false && !loopbackHost(c.publicHost)) bad("publicHost", c.publicHost, t("allowed.publicHostLocal", { key: `${project}:allowRemoteCluster` }));
    }
    if (c.target === "aws" && c.adminCidrs !== undefined && c.detectAdminIp !== undefined) {
        // Some way in for the admin; and narrow blocks may not add up to more than the widest one holds
        // (the policy pack judges the rules of one security group together the same way), counting
        // the address detectAdminIp adds.
        const maxAdminAddresses = 2 ** (32 - limits.adminWidestPrefix) - (c.detectAdminIp ? 1 : 0);
        if (!c.detectAdminIp && c.adminCidrs.length === 0) {
            bad("adminCidrs", "[]", t("allowed.adminPath"));
        } else if (addressCount(c.adminCidrs.map(block)) > maxAdminAddresses) {
            bad("adminCidrs", c.adminCidrs.join(", "), t("allowed.adminCidrTotal", { max: String(maxAdminAddresses).replace(/\B(?=(\d{3})+$)/g, ",") }));
        }
    }
    return problems;
}

/** Whether a stack sets a key to something other than its default (a value its schema does not read is something other). */
function setApart(schema: KeySchema<unknown>, value: string | undefined, fallback: string, t: Translate): boolean {
    if (value === undefined || value === fallback) return false;
    try {
        return JSON.stringify(schema.parse(value, t)) !== JSON.stringify(schema.parse(fallback, t));
    } catch {
        return true;
    }
}

/**
 * Validates raw config, every key: each key that is not allowed, on its own or with the others,
 * is one sentence of the error. An unset key takes its default, as the Pulumi CLI does. `project`
 * qualifies the keys in messages (`k8s-lab:workerCount`).
 */
export function parseConfig(get: RawConfig, project: string, env: Readonly<Record<string, string | undefined>> = process.env): LabConfig {
    const raw = (key: ConfigKey) => get(key) ?? rawDefault(key);
    // Errors are read in the operator's terminal.
    const t = translator(terminalLanguage(raw("language"), env));

    const parsed: Partial<Record<ConfigKey, unknown>> = {};
    const problems: Problem[] = [];
    const target = targets.find((name) => name === raw("target"));
    for (const key of configKeys) {
        const schema: KeySchema<unknown> = configSchema[key];
        // A key of another target counts only when the stack sets it: the CLI hands every default over.
        if (target !== undefined && !schema.targets.includes(target) && setApart(schema, get(key), rawDefault(key), t)) {
            const why = schema.targets.includes("aws") ? t("config.why.awsOnly") : t("config.why.existingClusterOnly");
            problems.push({ key, invalid: t("config.notForTarget", { key: `${project}:${key}`, target, why }) });
            parsed[key] = schema.parse(rawDefault(key), t);
            continue;
        }
        try {
            parsed[key] = schema.parse(raw(key), t);
        } catch (e) {
            if (!(e instanceof Invalid)) throw e;
            problems.push({ key, invalid: e });
        }
    }
    problems.push(...acrossKeys(parsed as Partial<LabConfig>, project, t));
    if (problems.length === 0) return parsed as LabConfig;

    problems.sort((a, b) => configKeys.indexOf(a.key) - configKeys.indexOf(b.key));
    throw new ConfigError(
        problems.map((p) => p.key),
        problems
            .map(({ key, invalid }) => (typeof invalid === "string" ? invalid : t("config.invalid", { key: `${project}:${key}`, value: JSON.stringify(invalid.value), allowed: invalid.allowed })))
            .join("\n"),
    );
}

/**
 * Refuses a target other than the one the stack's lab runs on, from its previous outputs (a lab
 * from before the target key, with outputs and no target, runs on aws): switching in place would
 * delete the lab while building the other.
 */
export function sameTarget(configured: string, previous: { target: unknown; exposure: unknown }, project: string, t: Translate): void {
    const running = typeof previous.target === "string" ? previous.target : previous.exposure === undefined ? undefined : "aws";
    if (running !== undefined && running !== configured) {
        throw new ConfigError("target", t("config.targetSwitch", { previous: running, key: `${project}:target`, target: configured }));
    }
}
