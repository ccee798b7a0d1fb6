/**
 * How long each phase of an `up` took, from the engine's events (the Automation API's
 * `EngineEvent`s): a resource starts at its resourcePreEvent and ends at its resOutputsEvent or
 * resOpFailedEvent; a phase spans its resources, from the first start to the last end. Which
 * phase a resource counts to is the one table below; a resource it does not name counts to its
 * nearest component's phase, else to "other". Unchanged resources (op `same`) time nothing.
 * Nothing here fails on an event it does not know. Pure: the CLI feeds it and writes the result.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** The phases, in the order the table lists them. */
export const timedPhases = ["network", "nodes", "init", "cni", "joins", "ready", "kubeconfig", "monitoringCrds", "monitoring", "linkerdCrds", "linkerd", "bookinfo", "verification", "other"] as const;
export type TimedPhase = (typeof timedPhases)[number];

interface PhaseRule {
    phase: TimedPhase;
    /** The resource's type token (for a component rule, any ancestor's). */
    type?: RegExp;
    /** The resource's name; a chart's children are named `<chart>:<namespace>/<name>`. */
    name?: RegExp;
}

/**
 * Which phase a resource counts to: the first rule whose patterns all match its type and name.
 * Keys and passwords are made in no time at the very start: they count to "other", not to the
 * phase that uses them. The rules with only a component type place a resource no rule names.
 */
export const phaseRules: readonly PhaseRule[] = [
    { phase: "other", type: /^(random|tls):/ },
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

/** The program's own components and the stack: registered at the start, done at the end, they time nothing. */
const container = /^(pulumi:pulumi:Stack$|k8slab:)/;

/** A URN's types (outermost first, the resource's own last) and name. */
export function parseUrn(urn: string): { types: string[]; name: string } {
    const parts = urn.split("::");
    return { types: (parts[2] ?? "").split("$").filter((type) => type !== ""), name: parts.slice(3).join("::") };
}

/** The phase of a resource from its URN; undefined for the stack and the program's components. */
export function timedPhaseOf(urn: string): TimedPhase | undefined {
    const { types, name } = parseUrn(urn);
    const type = types[types.length - 1] ?? "";
    if (container.test(type)) return undefined;
    const own = phaseRules.find((rule) => (rule.type?.test(type) ?? true) && (rule.name?.test(name) ?? true));
    if (own !== undefined) return own.phase;
    for (const ancestor of types.slice(0, -1).reverse()) {
        const rule = phaseRules.find((r) => r.name === undefined && r.type?.test(ancestor) === true);
        if (rule !== undefined) return rule.phase;
    }
    return "other";
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

export interface Timings {
    /** The run's first event, ISO 8601 UTC. */
    startedAt: string;
    /** From the run's first event to its last. */
    seconds: number;
    phases: PhaseTiming[];
}

export interface TimingRecorder {
    record(event: EngineEvent): void;
    /** The table so far; undefined while no resource changed. A resource not finished ends at the last event. */
    timings(): Timings | undefined;
}

/** Records the engine's events of one or more `up`s (a fallback's too) into one phase table. */
export function timingRecorder(): TimingRecorder {
    const resources = new Map<string, { phase: TimedPhase; start: number; end?: number; failed: boolean }>();
    let first = Infinity;
    let last = -Infinity;
    return {
        record(event) {
            const at = event?.timestamp;
            if (typeof at !== "number" || !Number.isFinite(at)) return;
            first = Math.min(first, at);
            last = Math.max(last, at);
            const step = event.resourcePreEvent ?? event.resOutputsEvent ?? event.resOpFailedEvent;
            const urn = step?.metadata?.urn;
            if (step === undefined || typeof urn !== "string" || step.metadata.op === "same" || (step as { planning?: boolean }).planning === true) return;
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
            if (resources.size === 0) return undefined;
            const phases = timedPhases.flatMap((phase): PhaseTiming[] => {
                const mine = [...resources.values()].filter((r) => r.phase === phase);
                if (mine.length === 0) return [];
                const start = Math.min(...mine.map((r) => r.start)) - first;
                const end = Math.max(...mine.map((r) => r.end ?? last)) - first;
                return [{ phase, start, end, seconds: end - start, resources: mine.length, failed: mine.some((r) => r.failed) }];
            });
            return { startedAt: new Date(first * 1000).toISOString(), seconds: last - first, phases };
        },
    };
}

/** One line of the timings history: a run of `lab up` on a stack. */
export interface TimedRun extends Timings {
    stack: string;
    ok: boolean;
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
