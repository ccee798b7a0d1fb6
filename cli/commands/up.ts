/**
 * `k8s-lab up`: the stack applied with the policy pack, every URL proved, and the fallback
 * through the exposures when only the network fails (lib/fallback.ts). The engine's output goes
 * to stderr line by line, redacted; stdout is the report.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeAttempt, resultSentence } from "../../lib/access";
import { ConfigError } from "../../lib/config";
import { accessCheckResource, LabStack, UpOptions, upWithFallback } from "../../lib/fallback";
import { verify } from "../../lib/probe";
import { runFallback, timingRecorder } from "../../lib/timings";
import { engineErrorLine, lineRedactor } from "../../lib/redact";
import { Context, projectDir, stackTarget } from "../context";
import { onInterrupt } from "../interrupt";
import { writePolicyPackConfig } from "../policyConfig";
import { keepTimings } from "./timings";
import { CliError, exitCodes } from "../types";

/** The repository's own policy pack, which `up` runs unless `--policy-pack` names another. */
export const defaultPolicyPack = path.join(projectDir, "policy");

/** Whether a policy pack folder can run: its PulumiPolicy.yaml and its installed @pulumi/policy. */
export function policyPackInstalled(dir: string): boolean {
    return fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) && fs.existsSync(path.join(dir, "node_modules", "@pulumi", "policy"));
}

export async function run(ctx: Context): Promise<number> {
    const retrySeconds = ctx.retrySeconds();
    // The policy pack judges every resource where it is created: the repository's own, or the
    // one --policy-pack names (CI passes the base branch's copy).
    const policyPack = path.resolve(typeof ctx.values["policy-pack"] === "string" ? ctx.values["policy-pack"] : defaultPolicyPack);
    if (!policyPackInstalled(policyPack)) throw new CliError(exitCodes.prerequisite, ctx.t("cli.policyPackMissing", { dir: policyPack }));
    // Its settings follow the stack's config (public ports, instance types, tags): a pack cannot read it.
    let packConfigDir: string;
    try {
        packConfigDir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-policy-config-"));
    } catch (e) {
        throw new CliError(exitCodes.prerequisite, ctx.t("cli.cannotWriteFolder", { dir: os.tmpdir(), reason: (e as { code?: string }).code ?? String(e) }));
    }
    const interrupt = onInterrupt(() => ctx.err(ctx.t("cli.cancelling")));
    try {
        let packConfig: string;
        try {
            packConfig = writePolicyPackConfig(projectDir, ctx.stack, path.join(packConfigDir, "config.json"), ctx.deps.env);
        } catch (e) {
            throw e instanceof ConfigError ? new CliError(exitCodes.prerequisite, e.message) : (ctx.knownCause(e) ?? e);
        }
        // Getting the stack ready is not reading its outputs: its own sentence, naming the cause.
        const stack = await ctx.deps.labStack(ctx.t, (line) => ctx.say(line)).catch((err: unknown) => {
            throw err instanceof CliError ? err : (ctx.knownCause(err) ?? new CliError(exitCodes.prerequisite, ctx.t("cli.setupFailed", { stack: ctx.stack, reason: engineErrorLine(err instanceof Error ? err.message : String(err), ctx.secrets) })));
        });
        const engine = lineRedactor((line) => ctx.err(line), () => ctx.secrets);
        // Every phase's time, from the engine's events of each up (a fallback's too).
        const recorder = timingRecorder();
        const options: UpOptions = { policyPacks: [policyPack], policyPackConfigs: [packConfig], output: (chunk) => engine.write(chunk), signal: interrupt.signal, cancelled: interrupt.cancelled, onEvent: (event) => recorder.record(event) };
        const watched: LabStack = {
            ...stack,
            up: (o, e, c) => stack.up(o, e, c).finally(() => engine.end()),
            endpoints: async () => {
                const endpoints = await stack.endpoints();
                ctx.secrets.push(endpoints.grafanaPassword);
                return endpoints;
            },
        };
        // A stack kept up already has its password: learn it before the engine talks.
        await watched.endpoints().catch(() => undefined);
        // A spot worker reclaimed, or a cluster created again, since the last up is still in the
        // state: read it first, so that this up builds it again. A failed read leaves the state as it is.
        if (stack.refresh !== undefined) {
            try {
                const said = await stack.refresh(options, (line) => ctx.say(line));
                if (said !== undefined) ctx.say(said);
            } catch (err) {
                if (interrupt.cancelled()) return 130;
                ctx.say(ctx.t("up.refreshFailed", { reason: engineErrorLine(err instanceof Error ? err.message : String(err), ctx.secrets) }));
            } finally {
                engine.end();
            }
        }
        const check = (e: Parameters<typeof verify>[0]) => verify(e, { retryForMs: retrySeconds * 1000, onAttempt: (attempt, results) => ctx.err(describeAttempt(attempt, results, ctx.t)) });
        const report = await upWithFallback(watched, options, check, (line) => ctx.say(line), ctx.t);
        const last = report.steps[report.steps.length - 1];
        const lines = last?.verification ? last.verification.results.map((r) => resultSentence(r, ctx.t, last.mode, stackTarget(ctx.stack))) : [];
        // Anything but the access check failing is the cloud's failure: say which resource, and what next.
        const others = (last?.upErrors ?? []).filter((e) => e.resource !== accessCheckResource);
        if (!report.ok) for (const e of others) lines.push(ctx.t("cli.upFailed", { mode: last.mode, reason: `${e.resource}: ${e.error}` }));
        const nodeImage = await stack.nodeImage?.().catch(() => undefined);
        const timings = keepTimings(ctx, recorder.timings(), report.ok, runFallback(report), nodeImage);
        ctx.print({ ...report, timings }, lines);
        if (report.ok) return exitCodes.ok;
        if (interrupt.cancelled()) return 130;
        return others.length > 0 ? exitCodes.cloud : exitCodes.unhealthy;
    } finally {
        interrupt.dispose();
        fs.rmSync(packConfigDir, { recursive: true, force: true });
    }
}
