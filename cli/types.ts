/**
 * What the CLI's commands share: the exit codes, each with one meaning, and the connections a
 * command uses (the real ones in deps.ts, fakes in the tests). Types only, and the table:
 * nothing here loads a heavy module.
 */
import type { Target } from "../lib/config";
import type { LabStack } from "../lib/fallback";
import type { Translate } from "../lib/messages";
import type { SweepClient } from "../lib/sweep";

/** The exit codes, documented in the README; each has one meaning. */
export const exitCodes = {
    /** Done, and healthy. */
    ok: 0,
    /** Done, and a URL, a node or the sweep found something not healthy. */
    unhealthy: 1,
    /** The command line is wrong: unknown command, option or argument. */
    usage: 2,
    /** Something the command needs is missing: the Pulumi CLI, the stack, its outputs, the passphrase, the policy pack. */
    prerequisite: 3,
    /** A node could not be reached over SSH, or a command on it failed. */
    remote: 4,
    /** The cloud side failed: pulumi up failed for another reason than the access check, or AWS could not be asked. */
    cloud: 5,
    /** A bug in the CLI. */
    internal: 6,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** A node to reach: its address, through the control-plane node when `jump` is set. */
export interface SshTarget {
    host: string;
    jump?: string;
    privateKey: string;
}

export interface SshResult {
    /** The remote command's exit code; 255 (or -1) when SSH itself failed. */
    code: number;
    stdout: string;
    stderr: string;
}

export interface Deps {
    stack: string;
    env: Record<string, string | undefined>;
    /** The stack's outputs, secrets shown; throws with the reason (no Pulumi CLI, no stack, no passphrase). */
    outputs(): Promise<Record<string, unknown>>;
    ssh(target: SshTarget, command: string, stdin?: string): Promise<SshResult>;
    sshInteractive(target: SshTarget): Promise<number>;
    /** The stack for `up`, made ready on a fresh machine (CLI, backend, stack, passphrase), each step said through `say`. */
    labStack(t: Translate, say: (line: string) => void): Promise<LabStack>;
    /**
     * `pulumi destroy` of the stack, on the same backend and passphrase as `up`; `signal` cancels
     * it. Resolves with the stack's target (on an existing cluster, the program runs for it).
     */
    destroy(t: Translate, say: (line: string) => void, output: (chunk: string) => void, signal?: AbortSignal): Promise<Target>;
    /** What plain `pulumi` needs to work on the same stack: the variables, and the CLI's folder when it is on no PATH. */
    shellEnv(): { vars: Record<string, string>; pathDir?: string };
    sweepClient(): Promise<SweepClient> | SweepClient;
    out(text: string): void;
    err(text: string): void;
}

/** A failure the CLI explains in one sentence, with its exit code. */
export class CliError extends Error {
    constructor(readonly code: ExitCode, message: string) {
        super(message);
        this.name = "CliError";
    }
}
