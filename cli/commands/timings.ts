/**
 * `k8s-lab timings`: the phase timings of the stack's last runs of `up`, newest first, and the
 * newest run's phases. Each `up` adds its run (lib/timings.ts) to a history file in the project
 * folder, `.k8s-lab/timings.jsonl` (not tracked; K8S_LAB_TIMINGS_FILE names another); the daily
 * workflow keeps that file next to the stack's state between runs.
 */
import * as fs from "fs";
import * as path from "path";
import { alignedTable, bootedKind, minutes, parseHistory, PhaseTiming, RunFallback, TimedRun, Timings } from "../../lib/timings";
import type { BootedImages } from "../../lib/stackOutputs";
import type { Translate } from "../../lib/messages";
import { Context, projectDir } from "../context";
import { exitCodes } from "../types";

/** How many runs `timings` shows. */
const shown = 10;

export function historyFile(env: Readonly<Record<string, string | undefined>>): string {
    return env.K8S_LAB_TIMINGS_FILE || path.join(projectDir, ".k8s-lab", "timings.jsonl");
}

const phaseList = (phases: PhaseTiming[], t: Translate): string => (phases.length === 0 ? t("timings.unchanged") : phases.map((p) => `${t(`timing.${p.phase}`)} ${minutes(p.seconds)}`).join(", "));

/** A run's fallbacks, for its line: empty when none. */
function fallbackNote(fallback: RunFallback | undefined, t: Translate): string {
    if (fallback === undefined) return "";
    const changes = [
        ...(fallback.exposure ? [t("timings.exposureFallback", fallback.exposure)] : []),
        ...(fallback.capacity ? [t("timings.capacityFallback", fallback.capacity)] : []),
    ];
    return t("timings.fallback", { changes: changes.join(", ") });
}

/** What a run's nodes booted, for its line: empty when the run did not record it. */
const bootedNote = (booted: BootedImages | undefined, t: Translate): string => (booted === undefined ? "" : t(`timings.booted.${bootedKind(booted)}`));

/**
 * After `up`: says the phase table in one line and adds the run to the history; a history that
 * cannot be written is said, and changes nothing else. Returns the table for the report.
 */
export function keepTimings(ctx: Context, timings: Timings | undefined, ok: boolean, fallback: RunFallback | undefined, nodeImage?: BootedImages): (Timings & Pick<TimedRun, "fallback" | "nodeImage">) | undefined {
    if (timings === undefined) return undefined;
    ctx.say(ctx.t("up.timings", { kind: ctx.t(`timings.${timings.kind}`), phases: phaseList(timings.phases, ctx.t), total: minutes(timings.seconds) }) + fallbackNote(fallback, ctx.t) + bootedNote(nodeImage, ctx.t));
    const file = historyFile(ctx.deps.env);
    const recorded = { ...(fallback ? { fallback } : {}), ...(nodeImage ? { nodeImage } : {}) };
    const run: TimedRun = { stack: ctx.stack, ok, ...timings, ...recorded };
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.appendFileSync(file, `${JSON.stringify(run)}\n`);
    } catch (e) {
        ctx.err(ctx.t("up.timingsNotKept", { file, reason: (e as { code?: string }).code ?? String(e) }));
    }
    return { ...timings, ...recorded };
}

export async function run(ctx: Context): Promise<number> {
    const file = historyFile(ctx.deps.env);
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const runs = parseHistory(text).filter((r) => r.stack === ctx.stack).slice(-shown).reverse();
    const lines: string[] = [];
    if (runs.length === 0) lines.push(ctx.t("timings.none", { stack: ctx.stack, file }));
    else {
        lines.push(ctx.t("timings.runs", { stack: ctx.stack, file }));
        for (const r of runs) {
            const started = `${r.startedAt.slice(0, 16).replace("T", " ")} UTC`;
            const result = ctx.t(r.ok ? "timings.ok" : "timings.failed") + (r.kind ? `  ${ctx.t(`timings.${r.kind}`)}` : "");
            lines.push(ctx.t("timings.run", { started, result, total: minutes(r.seconds), phases: phaseList(r.phases, ctx.t) }) + fallbackNote(r.fallback, ctx.t) + bootedNote(r.nodeImage, ctx.t));
        }
        // First thing in the daily job's summary: the newest run did not boot the prepared image.
        if (runs[0].nodeImage !== undefined && bootedKind(runs[0].nodeImage) !== "prepared") lines.unshift(ctx.t("timings.imageFellBack"));
        lines.push("", ctx.t("timings.newest"));
        const header = (["timings.phase", "timings.start", "timings.end", "timings.duration"] as const).map((key) => ctx.t(key));
        const rows = [...runs[0].phases.map((p) => ({ label: ctx.t(`timing.${p.phase}`), ...p })), { label: ctx.t("timing.total"), start: 0, end: runs[0].seconds, seconds: runs[0].seconds }];
        lines.push(...alignedTable([header, ...rows.map((row) => [row.label, minutes(row.start), minutes(row.end), minutes(row.seconds)])]));
    }
    ctx.print({ ok: true, stack: ctx.stack, file, runs }, lines);
    return exitCodes.ok;
}
