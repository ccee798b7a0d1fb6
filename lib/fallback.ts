/**
 * The `up` command's guarantee: apply the stack, prove both URLs from outside, and when a URL
 * fails, switch the stack's exposure to the next mode and apply again, saying so each time.
 */
import { Translate } from "./messages";
import { Exposure, exposures } from "./placement";
import { Endpoints, Verification } from "./probe";

/** The stack as the `up` command drives it (Pulumi's Automation API, or a fake in tests). */
export interface LabStack {
    exposure(): Promise<Exposure>;
    setExposure(mode: Exposure): Promise<void>;
    /** `pulumi up`; throws when it fails. */
    up(): Promise<void>;
    endpoints(): Promise<Endpoints>;
}

export interface Step {
    mode: Exposure;
    upError?: string;
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

/**
 * From the stack's current exposure onward (nodePort, then portForward, then hostPort): apply,
 * verify, and stop at the first mode that serves both URLs. A failed `pulumi up` is verified
 * all the same (the verification inside it may be what failed); the report keeps both.
 */
export async function upWithFallback(stack: LabStack, check: (endpoints: Endpoints) => Promise<Verification>, log: (line: string) => void, t: Translate): Promise<UpReport> {
    const current = await stack.exposure();
    const order = exposures.slice(exposures.indexOf(current));
    const steps: Step[] = [];
    for (const [i, mode] of order.entries()) {
        if (i > 0) await stack.setExposure(mode);
        log(t("fallback.apply", { mode }));
        const step: Step = { mode };
        steps.push(step);
        try {
            await stack.up();
        } catch (err) {
            step.upError = err instanceof Error ? err.message : String(err);
            log(t("fallback.upFailed", { mode, reason: step.upError.split("\n")[0] }));
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
            const reason = step.verification ? failing(step.verification) : (step.upError ?? "").split("\n")[0];
            log(t("fallback.switch", { from: mode, to: next, reason }));
        }
    }
    log(t("fallback.exhausted", { modes: order.join(", ") }));
    return { ok: false, steps };
}
