/**
 * The `up` command's guarantee: apply the stack, and when the access check inside `up` is the
 * update's only failure and its verdicts are network ones (timeout, refused, unreachable), apply
 * again with the next exposure for that run, saying so each time. A lab keeps the mode that
 * served it in its own state until it is destroyed (`labExposure`, read by the program on every
 * `up`, `lab up`, CI or plain `pulumi up` alike): no tracked file is ever edited. The report
 * keeps the verdicts and one redacted line per failing resource, never a whole command error:
 * it ends up in CI's job summary. Likewise, when EC2 refuses spot capacity for the workers and
 * nothing else failed, the same step is applied again with on-demand workers, and the lab keeps
 * them until it is destroyed (`labCapacity`).
 */
import type { BootedImages } from "./stackOutputs";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { verdictName } from "./access";
import { ConfigError, WorkerCapacity, workerCapacities } from "./config";
import { Translate } from "./messages";
import { Exposure, exposures } from "./exposure";
import { Endpoints, isPlatformCheck, ProbeResult, Verdict, Verification } from "./probe";
import { engineErrorLine, errorLine } from "./redact";

/**
 * The one-run override of the exposure: `lab up` sets it in the environment of the `pulumi up`
 * it runs to switch a lab; what it chose then persists through the stack's state.
 */
export const exposureOverrideVariable = "K8S_LAB_EXPOSURE";

/** The access check's resource (`type::name`), as the engine's events name it. */
export const accessCheckResource = "command:local:Command::access-verify";

/** What a previous run of the program left in the state, as far as the exposure goes. */
export interface PreviousExposure {
    /** The mode the lab ran with (stack output `exposure`). */
    exposure?: unknown;
    /** The configured mode when it did (stack output `configuredExposure`). */
    configuredExposure?: unknown;
}

const isExposure = (value: unknown): value is Exposure => typeof value === "string" && (exposures as readonly string[]).includes(value);

/** Set by lab up next to the override, with the run's id: the override counts only with it. */
export const upRunVariable = "K8S_LAB_UP_RUN";

/**
 * A one-run override from the environment: honoured only when lab up set it (the run's id is
 * there too); an exported one is ignored with a warning, since a plain pulumi up would switch the
 * lab for good.
 */
function runOverride(variable: string, ignored: "cli.exposureOverrideIgnored" | "cli.capacityOverrideIgnored", env: Readonly<Record<string, string | undefined>>, warn: (line: string) => void, t: Translate): string | undefined {
    const value = env[variable];
    if (value === undefined || value === "") return undefined;
    if (!env[upRunVariable]) {
        warn(t(ignored, { value }));
        return undefined;
    }
    return value;
}

/** The exposure's one-run override (see runOverride). */
export function exposureOverride(env: Readonly<Record<string, string | undefined>>, warn: (line: string) => void, t: Translate): string | undefined {
    return runOverride(exposureOverrideVariable, "cli.exposureOverrideIgnored", env, warn, t);
}

/** The workers' capacity's one-run override, set by lab up when spot capacity was refused. */
export const capacityOverrideVariable = "K8S_LAB_WORKER_CAPACITY";

/** The worker capacity's one-run override (see runOverride). */
export function capacityOverride(env: Readonly<Record<string, string | undefined>>, warn: (line: string) => void, t: Translate): string | undefined {
    return runOverride(capacityOverrideVariable, "cli.capacityOverrideIgnored", env, warn, t);
}

/** What a previous run left in the state, as far as the workers' capacity goes (outputs `workerCapacity`, `configuredWorkerCapacity`). */
export interface PreviousCapacity {
    workerCapacity?: unknown;
    configuredWorkerCapacity?: unknown;
}

/**
 * The workers' capacity a run builds, kept like the exposure (labExposure): the one-run
 * override; else, while the lab exists with the same configured capacity, the one it runs with
 * (on-demand after spot was refused); else the configured one.
 */
export function labCapacity(configured: WorkerCapacity, previous: PreviousCapacity, override: string | undefined, t: Translate): WorkerCapacity {
    if (override !== undefined && override !== "") {
        const found = workerCapacities.find((c) => c === override);
        if (found === undefined) throw new ConfigError(capacityOverrideVariable, t("fallback.badCapacityOverride", { variable: capacityOverrideVariable, value: override, values: workerCapacities.join(", ") }));
        return found;
    }
    const kept = workerCapacities.find((c) => c === previous.workerCapacity);
    if (kept !== undefined && previous.configuredWorkerCapacity === configured) return kept;
    return configured;
}

/**
 * EC2's answers that mean "no spot capacity for you now": at launch (RunInstances) or when the
 * instance is reclaimed before it runs (its state reason). On-demand capacity may still be there.
 */
export const spotRefusals = [
    "InsufficientInstanceCapacity", "MaxSpotInstanceCountExceeded", "SpotMaxPriceTooLow", "InsufficientCapacity",
    "Server.SpotInstanceTermination", "Server.SpotInstanceShutdown",
] as const;

/** A worker instance's resource (`type::name`), as the engine's events name it. */
const workerInstance = /^aws:ec2\/instance:Instance::worker-\d+$/;

/** Whether an `up` failed only because spot capacity for workers was refused. */
export function spotRefused(errors: readonly ResourceError[]): boolean {
    return errors.length > 0 && errors.every((e) => workerInstance.test(e.resource) && spotRefusals.some((code) => e.error.includes(code)));
}

/**
 * The mode a run of the program builds: the one-run override when set; else, while the lab
 * exists and its configured mode is unchanged, the mode it ran with (a fallback is kept); else
 * the configured mode (a new lab, or one whose operator changed the setting). Throws the
 * sentence naming the variable when the override is not one of the target's `modes`.
 */
export function labExposure(configured: Exposure, previous: PreviousExposure, override: string | undefined, t: Translate, modes: readonly Exposure[] = exposures): Exposure {
    if (override !== undefined && override !== "") {
        if (!isExposure(override) || !modes.includes(override)) throw new ConfigError(exposureOverrideVariable, t("fallback.badOverride", { variable: exposureOverrideVariable, value: override, modes: modes.join(", ") }));
        return override;
    }
    if (isExposure(previous.exposure) && previous.configuredExposure === configured) return previous.exposure;
    return configured;
}

/** How `up` runs: the policy packs that judge it, and where the engine's output goes. */
export interface UpOptions {
    /** Folders of CrossGuard packs, run where the resources are created. */
    policyPacks: string[];
    /** JSON files of the packs' settings (`--policy-pack-config`), derived from the stack's config. */
    policyPackConfigs?: string[];
    /** The engine's output, in chunks. */
    output(chunk: string): void;
    /** Cancels the running preview or up (pulumi finishes its cancellation). */
    signal?: AbortSignal;
    /** Whether the operator cancelled (Ctrl-C): no further mode is tried. */
    cancelled?: () => boolean;
    /** Each of the up's engine events (the preview's are not), for the timings (lib/timings.ts). */
    onEvent?(event: EngineEvent): void;
}

/** A resource the update failed on (`type::name`), with one line of its error. */
export interface ResourceError {
    resource: string;
    error: string;
}

/** What a failed `up` throws: the failing resources, each with its error message. */
export class UpFailed extends Error {
    constructor(readonly errors: ResourceError[]) {
        super(errors.map((e) => `${e.resource}: ${e.error}`).join("\n"));
        this.name = "UpFailed";
    }
}

/** The stack as the `up` command drives it (Pulumi's Automation API, or a fake in tests). */
export interface LabStack {
    /**
     * The configured mode, the mode the lab runs with now (its state's; the configured one for a
     * new lab) and the modes its target serves with (absent: all of them).
     */
    exposure(): Promise<{ configured: Exposure; current: Exposure; modes?: readonly Exposure[] }>;
    /** The configured capacity of the workers, and the one the lab runs with (absent: the stack has no such setting). */
    capacity?(): Promise<{ configured: WorkerCapacity; current: WorkerCapacity }>;
    /**
     * `pulumi up`, with `exposure` and `capacity` as one-run overrides when given; throws when it
     * fails, an UpFailed when it knows the failing resources.
     */
    up(options: UpOptions, exposure?: Exposure, capacity?: WorkerCapacity): Promise<void>;
    /** The URLs from the stack's outputs; throws when there are none (a failed first `up`). */
    endpoints(): Promise<Endpoints>;
    /**
     * Reads the lab's resources before the `up`, and returns what to say of it, if anything. On
     * AWS, only the EC2 instances (a spot worker reclaimed since the last `up` is dropped, and the
     * `up` launches it again); on an existing cluster, every resource, with the program's
     * kubeconfig (a cluster created again since the last `up`: what it lost is created again).
     * Absent: the stack cannot.
     */
    refresh?(options: UpOptions, say: (line: string) => void): Promise<string | undefined>;
    /** What the nodes booted, from the `nodeImage` output; undefined when the stack has none (absent: no nodes of its own). */
    nodeImage?(): Promise<BootedImages | undefined>;
}

/** The URNs of the EC2 instances in an exported state (`Stack.exportStack()`'s `deployment`). */
export function instanceUrns(deployment: unknown): string[] {
    const resources = (deployment as { resources?: { type?: unknown; urn?: unknown }[] } | undefined)?.resources ?? [];
    return resources.filter((r) => r.type === "aws:ec2/instance:Instance" && typeof r.urn === "string").map((r) => String(r.urn));
}

export interface Step {
    mode: Exposure;
    /** Set when this step overrode the workers' capacity (on-demand after spot was refused). */
    capacity?: WorkerCapacity;
    /** One redacted line per resource the update failed on. */
    upErrors?: ResourceError[];
    /** The verdicts after a failed access check, which decide whether another mode may help. */
    verification?: Verification;
}

export interface UpReport {
    ok: boolean;
    /** The mode that serves every URL. */
    mode?: Exposure;
    /** The configured mode, and the mode the lab is left with (kept in its state until it is destroyed). */
    configured: Exposure;
    left: Exposure;
    /** The workers' capacity, configured and applied by the last step (when the stack has the setting). */
    workerCapacity?: { configured: WorkerCapacity; left: WorkerCapacity };
    steps: Step[];
}

/** The verdicts another exposure can change: the URL's port is not reached at all. */
export const networkVerdicts: readonly Verdict[] = ["timeout", "refused", "unreachable"];

/**
 * Whether another exposure may make a failed result pass: a URL's network verdict. A platform
 * check's result never does: it runs only once Grafana answered, so its port is reached, and
 * another exposure would not change what Prometheus holds.
 */
export const exposureMayHelp = (result: ProbeResult): boolean => !isPlatformCheck(result.target) && networkVerdicts.includes(result.verdict);

const failing = (v: Verification, t: Translate): string =>
    v.results.filter((r) => r.verdict !== "ok").map((r) => `${r.target}: ${verdictName(r.verdict, t)}`).join(", ");

/** The failing resources of an `up` error, each with one redacted line. */
export function upErrors(err: unknown): ResourceError[] {
    if (err instanceof UpFailed && err.errors.length > 0) return err.errors.map((e) => ({ resource: e.resource, error: errorLine(e.error) }));
    return [{ resource: "pulumi up", error: engineErrorLine(err instanceof Error ? err.message : String(err)) }];
}

const isUrl = (value: string): boolean => /^https?:\/\/[^/\s]+/.test(value);

/**
 * Apply the lab as its state has it. When that fails only at the access check, verify again
 * to know why: network verdicts switch to the next mode (nodePort, portForward, hostPort, in
 * that order, skipping the ones tried), anything else stops with the `up`'s error. When no mode
 * serves, the configured mode is applied again, so that the lab is left on it.
 */
export async function upWithFallback(stack: LabStack, options: UpOptions, check: (endpoints: Endpoints) => Promise<Verification>, log: (line: string) => void, t: Translate): Promise<UpReport> {
    const { configured, current, modes = exposures } = await stack.exposure();
    const capacity = await stack.capacity?.();
    // Set once spot capacity was refused: every later step of this run applies on-demand workers.
    let capacityOverride: WorkerCapacity | undefined;
    const steps: Step[] = [];
    const apply = async (mode: Exposure, override: boolean): Promise<Step> => {
        log(t("fallback.apply", { mode }));
        const step: Step = { mode, ...(capacityOverride ? { capacity: capacityOverride } : {}) };
        steps.push(step);
        try {
            await stack.up(options, override ? mode : undefined, capacityOverride);
        } catch (err) {
            step.upErrors = upErrors(err);
            for (const e of step.upErrors) log(t("fallback.upFailed", { mode, reason: `${e.resource}: ${e.error}` }));
            // Spot capacity refused for workers, and nothing else failed: the same again, on-demand.
            const cancelled = options.cancelled?.() === true || options.signal?.aborted === true;
            if (!cancelled && capacityOverride === undefined && capacity?.current === "spot" && err instanceof UpFailed && spotRefused(err.errors)) {
                capacityOverride = "onDemand";
                log(t("fallback.spotRefused", { configured: capacity.configured }));
                return apply(mode, override);
            }
        }
        return step;
    };
    const left = (report: Omit<UpReport, "workerCapacity">): UpReport =>
        capacity === undefined ? report : { ...report, workerCapacity: { configured: capacity.configured, left: capacityOverride ?? capacity.current } };
    const serving = (mode: Exposure): UpReport => {
        log(t("fallback.serving", { mode }));
        if (mode !== configured) log(t("fallback.kept", { mode, configured }));
        const workers = capacityOverride ?? capacity?.current;
        if (capacity !== undefined && workers !== capacity.configured) log(t("fallback.capacityKept", { capacity: workers ?? "", configured: capacity.configured }));
        return left({ ok: true, mode, configured, left: mode, steps });
    };
    const tried: Exposure[] = [];
    let mode = current;
    let override = false;
    for (;;) {
        tried.push(mode);
        const step = await apply(mode, override);
        if (step.upErrors === undefined) return serving(mode);
        // Cancelled (Ctrl-C): nothing more is applied, not even the configured mode again.
        if (options.cancelled?.() === true || options.signal?.aborted === true) return left({ ok: false, configured, left: mode, steps });
        // Another exposure helps only when the access check alone failed, on the network.
        if (step.upErrors.some((e) => e.resource !== accessCheckResource)) break;
        const endpoints = await stack.endpoints().catch(() => undefined);
        if (endpoints === undefined || endpoints.targets.length === 0 || !endpoints.targets.every((target) => isUrl(target.url))) break;
        step.verification = await check(endpoints);
        if (step.verification.ok) return serving(mode);
        if (!step.verification.results.filter((r) => r.verdict !== "ok").every(exposureMayHelp)) {
            log(t("fallback.noSwitch", { mode, reason: failing(step.verification, t) }));
            break;
        }
        const next = modes.find((m) => !tried.includes(m));
        if (next === undefined) {
            log(t("fallback.exhausted", { modes: tried.join(", ") }));
            break;
        }
        log(t("fallback.switch", { from: mode, to: next, reason: failing(step.verification, t) }));
        mode = next;
        override = true;
    }
    // Stopped: a lab that was switched goes back to the configured mode.
    if (override && mode !== configured) {
        log(t("fallback.restore", { mode: configured }));
        const step = await apply(configured, true);
        if (step.upErrors === undefined) return serving(configured);
        mode = configured;
    }
    return left({ ok: false, configured, left: mode, steps });
}
