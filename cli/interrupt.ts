/**
 * Ctrl-C during a Pulumi operation: the first one cancels it, and pulumi is left to finish its
 * cancellation (no pending operations, no lock left); a second one exits at once (130).
 * From a terminal, Ctrl-C reaches pulumi too (it is in the same process group), so the CLI only
 * waits: a second SIGINT would make pulumi stop without cleaning up. Otherwise (SIGTERM, or a
 * SIGINT sent to this process alone) the AbortSignal passes it on.
 */
export interface Interrupt {
    /** Aborted when the CLI passes the cancellation on to pulumi. */
    signal: AbortSignal;
    /** Whether the operator asked to cancel (from a terminal, pulumi got the Ctrl-C itself). */
    cancelled(): boolean;
    /** Removes the handlers. */
    dispose(): void;
}

export function onInterrupt(cancelling: () => void, options: { terminal?: boolean; exit?: (code: number) => void; target?: NodeJS.EventEmitter } = {}): Interrupt {
    const { terminal = process.stdin.isTTY === true, exit = (code: number) => process.exit(code), target = process } = options;
    const controller = new AbortController();
    let count = 0;
    const handle = (signal: "SIGINT" | "SIGTERM") => (): void => {
        count += 1;
        if (count > 1) return exit(130);
        cancelling();
        if (!(terminal && signal === "SIGINT")) controller.abort();
    };
    const sigint = handle("SIGINT");
    const sigterm = handle("SIGTERM");
    target.on("SIGINT", sigint);
    target.on("SIGTERM", sigterm);
    return {
        signal: controller.signal,
        cancelled: () => count > 0,
        dispose: () => {
            target.off("SIGINT", sigint);
            target.off("SIGTERM", sigterm);
        },
    };
}
