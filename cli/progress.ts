/**
 * `up`'s progress by phase, from the engine's events: which phase a resource belongs to, and a
 * line when a later phase starts, with the time since `up` began.
 */
import { Translate } from "../lib/messages";

export const phases = ["network", "nodes", "bootstrap", "platform", "verification"] as const;
export type Phase = (typeof phases)[number];

/** A phase's name in the operator's language (the catalogue's phase.*). */
export function phaseName(phase: Phase, t: Translate): string {
    return t(`phase.${phase}`);
}

/** The phase of a resource, from its type token and name; undefined for the ones between (providers, components). */
export function phaseOf(type: string, name: string): Phase | undefined {
    if (type === "command:local:Command" && name.endsWith("-verify")) return "verification";
    if (type.startsWith("kubernetes:") || (type === "command:remote:Command" && /^(bookinfo|access)-/.test(name))) return "platform";
    if (type === "command:remote:Command" || type === "pulumi-nodejs:dynamic:Resource") return "bootstrap";
    if (type === "aws:ec2/instance:Instance" || type === "aws:ec2/keyPair:KeyPair" || type.startsWith("tls:")) return "nodes";
    if (type.startsWith("aws:ec2/")) return "network";
    return undefined;
}

/** `m:ss` since the start. */
export function elapsed(ms: number): string {
    const seconds = Math.floor(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** Calls `started` once per phase, in order, when the first resource of a later phase starts. */
export function phaseTracker(started: (phase: Phase) => void): (type: string, name: string) => void {
    let reached = -1;
    return (type, name) => {
        const phase = phaseOf(type, name);
        if (phase === undefined) return;
        const index = phases.indexOf(phase);
        if (index <= reached) return;
        reached = index;
        started(phase);
    };
}
