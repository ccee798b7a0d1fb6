/**
 * `up`'s progress by phase, from the engine's events: which phase a resource belongs to, and a
 * line when a later phase starts, with the time since `up` began. A resource's phase comes from the
 * timings' table (lib/timings.ts): each timed phase names its progress phase.
 */
import type { Translate } from "../lib/messages";
import { progressPhaseOf, progressPhases, type ProgressPhase } from "../lib/timings";

export const phases = progressPhases;
export type Phase = ProgressPhase;

/** A phase's name in the operator's language (the catalogue's phase.*). */
export function phaseName(phase: Phase, t: Translate): string {
    return t(`phase.${phase}`);
}

/** `m:ss` since the start. */
export function elapsed(ms: number): string {
    const seconds = Math.floor(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Calls `started` once per phase, in order, when the first resource of a later phase starts. */
export function phaseTracker(started: (phase: Phase) => void): (urn: string) => void {
    let reached = -1;
    return (urn) => {
        const phase = progressPhaseOf(urn);
        if (phase === undefined) return;
        const index = phases.indexOf(phase);
        if (index <= reached) return;
        reached = index;
        started(phase);
    };
}
