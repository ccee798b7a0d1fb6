/**
 * How long each phase of an `up` took, from the engine's events (the Automation API's
 * `EngineEvent`s): a resource starts at its resourcePreEvent and ends at its resOutputsEvent or
 * resOpFailedEvent; a phase spans its resources, from the first start to the last end. Which
 * phase a resource counts to is the one table below; a resource it does not name counts to its
 * nearest component's phase, else to "other". Unchanged resources (op `same`) and instant ones
 * (keys, passwords) time nothing: "other" spans only resources no rule places.
 * Nothing here fails on an event it does not know. Pure: the CLI feeds it and writes the result.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { WorkerCapacity } from "./config";
import type { Exposure } from "./exposure";
import type { BootedImages } from "./stackOutputs";
import type { UpReport } from "./fallback";

/** The phases, in the order the table lists them. */
export const timedPhases = ["network", "nodes", "init", "cni", "joins", "ready", "kubeconfig", "monitoringCrds", "monitoring", "linkerdCrds", "linkerd", "bookinfo", "verification", "other"] as const;
export type TimedPhase = (typeof timedPhases)[number];

/** The coarser phases `up`'s progress lines name, in order. */
export const progressPhases = ["network", "nodes", "bootstrap", "platform", "verification"] as const;
export type ProgressPhase = (typeof progressPhases)[number];

/** Each timed phase's progress phase: the progress lines place a resource by the same rules. "other" shows no line. */
export const progressPhaseOfTimed: Readonly<Record<TimedPhase, ProgressPhase | undefined>> = {
    network: "network",
    nodes: "nodes",
    init: "bootstrap",
    cni: "bootstrap",
    joins: "bootstrap",
    ready: "bootstrap",
    kubeconfig: "bootstrap",
    monitoringCrds: "platform",
    monitoring: "platform",
    linkerdCrds: "platform",
    linkerd: "platform",
    bookinfo: "platform",
    verification: "verification",
    other: undefined,
};

interface PhaseRule {
    phase: TimedPhase;
    /** The resource's type token (for a component rule, any ancestor's). */
    type?: RegExp;
    /** The resource's name; a chart's children are named `<chart>:<namespace>/<name>`. */
    name?: RegExp;
}

/**
 * Which phase a resource counts to: the first rule whose patterns all match its type and name.
 * The rules with only a component type place a resource no rule names.
 */
export const phaseRules: readonly PhaseRule[] = [
    { phase: "verification", type: /^command:local:Command$/, name: /-verify$/ },
    { phase: "network", type: /^aws:ec2\/instance:Instance$/, name: /(^|-)nat(-|$)/ },
    { phase: "nodes", type: /^aws:ec2\/(instance:Instance|keyPair:KeyPair|spotInstanceRequest:SpotInstanceRequest)$/ },
    { phase: "network", type: /^aws:(ec2|vpc)\// },
    { phase: "init", name: /^cluster-init($|-)/ },
    { phase: "cni", name: /^cluster-cni($|-)/ },
    { phase: "joins", name: /^cluster-join($|-)/ },
    { phase: "ready", name: /^cluster-ready($|-)/ },
    { phase: "kubeconfig", name: /^cluster-kubeconfig($|-)/ },
    { phase: "kubeconfig", type: /^pulumi:providers:kubernetes$/ },
    { phase: "monitoringCrds", name: /^(prometheus-operator|monitoring)-crds($|[-:])/ },
    { phase: "monitoring", name: /^(kube-prometheus-stack|monitoring)($|[-:])/ },
    { phase: "linkerdCrds", name: /^linkerd-crds($|[-:])/ },
    { phase: "linkerd", name: /^linkerd($|[-:])/ },
    { phase: "bookinfo", name: /^bookinfo($|[-:])/ },
    { phase: "network", type: /^k8slab:index:(Network|ClusterSecurityGroups)$/ },
    { phase: "nodes", type: /^k8slab:index:(NodeGroup|SshKey)$/ },
    { phase: "monitoring", type: /^k8slab:index:Monitoring$/ },
    { phase: "linkerd", type: /^k8slab:index:Mesh$/ },
    { phase: "bookinfo", type: /^k8slab:index:Bookinfo$/ },
    { phase: "verification", type: /^k8slab:index:Access$/ },
];

/**
 * What times nothing: the program's own components and the stack (registered at the start, done
 * at the end), and keys and passwords (made in no time at the very start, they would only stretch
 * "other" from the first second to its last unplaced resource).
 */
const untimed = /^(pulumi:pulumi:Stack$|k8slab:|random:|tls:)/;

/** The EC2 instances whose creation makes a run a new lab's. */
const instance = /^aws:ec2\/(instance:Instance|spotInstanceRequest:SpotInstanceRequest)$/;

/** A URN's types (outermost first, the resource's own last) and name. */
export function parseUrn(urn: string): { types: string[]; name: string } {
    const parts = urn.split("::");
    return { types: (parts[2] ?? "").split("$").filter((type) => type !== ""), name: parts.slice(3).join("::") };
}

/** The phase of a resource from its URN; undefined for what times nothing (untimed). */
export function timedPhaseOf(urn: string): TimedPhase | undefined {
    const { types, name } = parseUrn(urn);
    const type = types[types.length - 1] ?? "";
    if (untimed.test(type)) return undefined;
    const own = phaseRules.find((rule) => (rule.type?.test(type) ?? true) && (rule.name?.test(name) ?? true));
    if (own !== undefined) return own.phase;
    for (const ancestor of types.slice(0, -1).reverse()) {
        const rule = phaseRules.find((r) => r.name === undefined && r.type?.test(ancestor) === true);
        if (rule !== undefined) return rule.phase;
    }
    return "other";
}

/** The progress phase of a resource from its URN: its timed phase's; undefined for what times nothing and for "other". */
export function progressPhaseOf(urn: string): ProgressPhase | undefined {
    const phase = timedPhaseOf(urn);
    return phase === undefined ? undefined : progressPhaseOfTimed[phase];
}

export interface PhaseTiming {
    phase: TimedPhase;
    /** Seconds from the run's first event. */
    start: number;
    end: number;
    seconds: number;
    /** How many resources it created, updated, replaced or deleted. */
    resources: number;
    /** Whether one of them failed. */
    failed: boolean;
}

/** A run that created EC2 instances built a new lab; any other updated a kept one (maybe changing nothing). */
export type RunKind = "new" | "update";

export interface Timings {
    kind: RunKind;
    /** The run's first event, ISO 8601 UTC. */
    startedAt: string;
    /** From the run's first event to its last. */
    seconds: number;
    phases: PhaseTiming[];
}

export interface TimingRecorder {
    record(event: EngineEvent): void;
    /** The table so far (no phase when nothing changed); undefined before any event. A resource not finished ends at the last event. */
    timings(): Timings | undefined;
}

/** Records the engine's events of one or more `up`s (a fallback's too) into one phase table. */
export function timingRecorder(): TimingRecorder {
    const resources = new Map<string, { phase: TimedPhase; start: number; end?: number; failed: boolean }>();
    let first = Infinity;
    let last = -Infinity;
    let created = false;
    return {
        record(event) {
            const at = event?.timestamp;
            if (typeof at !== "number" || !Number.isFinite(at)) return;
            first = Math.min(first, at);
            last = Math.max(last, at);
            const step = event.resourcePreEvent ?? event.resOutputsEvent ?? event.resOpFailedEvent;
            const urn = step?.metadata?.urn;
            if (step === undefined || typeof urn !== "string" || step.metadata.op === "same" || (step as { planning?: boolean }).planning === true) return;
            if (step.metadata.op === "create" && instance.test(parseUrn(urn).types.slice(-1)[0] ?? "")) created = true;
            const phase = timedPhaseOf(urn);
            if (phase === undefined) return;
            const seen = resources.get(urn);
            if (event.resourcePreEvent !== undefined) {
                resources.set(urn, { phase, start: Math.min(seen?.start ?? at, at), end: seen?.end, failed: seen?.failed ?? false });
                return;
            }
            resources.set(urn, { phase, start: seen?.start ?? at, end: Math.max(seen?.end ?? at, at), failed: (seen?.failed ?? false) || event.resOpFailedEvent !== undefined });
        },
        timings() {
            if (!Number.isFinite(first)) return undefined;
            const phases = timedPhases.flatMap((phase): PhaseTiming[] => {
                const mine = [...resources.values()].filter((r) => r.phase === phase);
                if (mine.length === 0) return [];
                const start = Math.min(...mine.map((r) => r.start)) - first;
                const end = Math.max(...mine.map((r) => r.end ?? last)) - first;
                return [{ phase, start, end, seconds: end - start, resources: mine.length, failed: mine.some((r) => r.failed) }];
            });
            return { kind: created ? "new" : "update", startedAt: new Date(first * 1000).toISOString(), seconds: last - first, phases };
        },
    };
}

/** The fallbacks of a run, each from→to: its phases then add up both applies. */
export interface RunFallback {
    exposure?: { from: Exposure; to: Exposure };
    capacity?: { from: WorkerCapacity; to: WorkerCapacity };
}

/** The fallbacks an up's report shows: another exposure applied, or on-demand workers after spot was refused; undefined when none. */
export function runFallback(report: Pick<UpReport, "steps">): RunFallback | undefined {
    const first = report.steps[0];
    const last = report.steps[report.steps.length - 1];
    const onDemand = report.steps.find((step) => step.capacity !== undefined)?.capacity;
    const fallback: RunFallback = {
        ...(first !== undefined && report.steps.some((step) => step.mode !== first.mode) ? { exposure: { from: first.mode, to: last.mode } } : {}),
        ...(onDemand !== undefined ? { capacity: { from: "spot", to: onDemand } } : {}),
    };
    return Object.keys(fallback).length > 0 ? fallback : undefined;
}

/** One line of the timings history: a run of `lab up` on a stack (runs recorded before `kind` or `nodeImage` have none). */
export interface TimedRun extends Omit<Timings, "kind"> {
    kind?: RunKind;
    stack: string;
    ok: boolean;
    fallback?: RunFallback;
    /** What the nodes booted (the stack's `nodeImage` output): the durations differ by far between the two. */
    nodeImage?: BootedImages;
}

/** Whether the nodes booted the prepared image (every role), Canonical's Ubuntu (every role), or some of each. */
export function bootedKind(booted: BootedImages): "prepared" | "ubuntu" | "mixed" {
    const ubuntu = [booted.controlPlane, booted.worker].filter((image) => image === "ubuntu").length;
    return ubuntu === 0 ? "prepared" : ubuntu === 2 ? "ubuntu" : "mixed";
}

/** The history's runs, oldest first; a line that is not a run is skipped. */
export function parseHistory(text: string): TimedRun[] {
    return text.split("\n").flatMap((line): TimedRun[] => {
        try {
            const run = JSON.parse(line) as Partial<TimedRun>;
            return typeof run?.stack === "string" && typeof run.startedAt === "string" && typeof run.seconds === "number" && Array.isArray(run.phases) ? [run as TimedRun] : [];
        } catch {
            return [];
        }
    });
}

/** `m:ss`. */
export function minutes(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A wide character (East Asian Wide or Fullwidth: Hangul, CJK, fullwidth forms) takes two columns of a terminal. */
const wide = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** How many terminal columns a text takes. */
export const displayWidth = (text: string): number => [...text].reduce((width, char) => width + (wide.test(char) ? 2 : 1), 0);

/** Rows as aligned columns by display width: the first left, the others right, two spaces apart. */
export function alignedTable(rows: readonly string[][]): string[] {
    const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column] ?? ""))));
    return rows.map((row) =>
        row.map((cell, column) => {
            const pad = " ".repeat(widths[column] - displayWidth(cell));
            return column === 0 ? cell + pad : pad + cell;
        }).join("  ").trimEnd(),
    );
}
