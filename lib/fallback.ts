/**
 * The `up` command's guarantee: apply the stack, prove both URLs from outside, and when a URL
 * fails, switch the stack's exposure to the next mode and apply again, saying so each time.
 * The report keeps the verdicts and one redacted line per failing resource, never a whole
 * command error: it ends up in CI's job summary.
 */
import { Translate } from "./messages";
import { Exposure, exposures } from "./placement";
import { Endpoints, Verification } from "./probe";
import { errorLine } from "./redact";

/** How `up` runs: the policy packs that judge it, and where the engine's output goes. */
export interface UpOptions {
    /** Folders of CrossGuard packs, run where the resources are created. */
    policyPacks: string[];
    /** JSON files of the packs' settings (`--policy-pack-config`), derived from the stack's config. */
    policyPackConfigs?: string[];
    /** The engine's output, in chunks. */
    output(chunk: string): void;
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
    exposure(): Promise<Exposure>;
    setExposure(mode: Exposure): Promise<void>;
    /** `pulumi up`; throws when it fails, an UpFailed when it knows the failing resources. */
    up(options: UpOptions): Promise<void>;
    endpoints(): Promise<Endpoints>;
}

export interface Step {
    mode: Exposure;
    /** One redacted line per resource the update failed on. */
    upErrors?: ResourceError[];
    verification?: Verification;
}

export interface UpReport {
    ok: boolean;
    /** The mode that serves both URLs. */
    mode?: Exposure;
    steps: Step[];
}

const failing = (v: Verification): string =>
    v.results.filter((r) => r.verdict !== "ok").map((r) => `${r.target}: ${r.verdict}`).join(", ");

/** The failing resources of an `up` error, each with one redacted line. */
export function upErrors(err: unknown): ResourceError[] {
    if (err instanceof UpFailed && err.errors.length > 0) return err.errors.map((e) => ({ resource: e.resource, error: errorLine(e.error) }));
    return [{ resource: "pulumi up", error: errorLine(err instanceof Error ? err.message : String(err)) }];
}

/**
 * From the stack's current exposure onward (nodePort, then portForward, then hostPort): apply,
 * verify, and stop at the first mode that serves both URLs. A failed `pulumi up` is verified
 * all the same (the verification inside it may be what failed); the report keeps both.
 */
export async function upWithFallback(stack: LabStack, options: UpOptions, check: (endpoints: Endpoints) => Promise<Verification>, log: (line: string) => void, t: Translate): Promise<UpReport> {
    const current = await stack.exposure();
    const order = exposures.slice(exposures.indexOf(current));
    const steps: Step[] = [];
    for (const [i, mode] of order.entries()) {
        if (i > 0) await stack.setExposure(mode);
        log(t("fallback.apply", { mode }));
        const step: Step = { mode };
        steps.push(step);
        try {
            await stack.up(options);
        } catch (err) {
            step.upErrors = upErrors(err);
            for (const e of step.upErrors) log(t("fallback.upFailed", { mode, reason: `${e.resource}: ${e.error}` }));
        }
        const endpoints = await stack.endpoints().catch(() => undefined);
        if (endpoints !== undefined) {
            step.verification = await check(endpoints);
            if (step.verification.ok) {
                log(t("fallback.serving", { mode }));
                return { ok: true, mode, steps };
            }
        }
        const next = order[i + 1];
        if (next !== undefined) {
            const reason = step.verification ? failing(step.verification) : (step.upErrors ?? []).map((e) => `${e.resource}: ${e.error}`).join("; ");
            log(t("fallback.switch", { from: mode, to: next, reason }));
        }
    }
    log(t("fallback.exhausted", { modes: order.join(", ") }));
    return { ok: false, steps };
}
