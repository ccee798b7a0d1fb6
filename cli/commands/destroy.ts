/**
 * `k8s-lab destroy`: `pulumi destroy` of the stack `up` made, on its backend and with its
 * passphrase, so that a new user can tear down what they built; then, on AWS, a pointer to `sweep`
 * for anything a destroy can leave behind. Ctrl-C cancels it cleanly (interrupt.ts).
 */
import { engineErrorLine, lineRedactor } from "../../lib/redact";
import type { Target } from "../../lib/config";
import { Context } from "../context";
import { onInterrupt } from "../interrupt";
import { CliError, exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const engine = lineRedactor((line) => ctx.err(line), () => ctx.secrets);
    const interrupt = onInterrupt(() => ctx.err(ctx.t("cli.cancelling")));
    let target: Target;
    try {
        target = await ctx.deps.destroy(ctx.t, (line) => ctx.say(line), (chunk) => engine.write(chunk), interrupt.signal);
    } catch (err) {
        if (err instanceof CliError) throw err;
        if (interrupt.cancelled()) throw new CliError(exitCodes.cloud, ctx.t("cli.destroyCancelled", { stack: ctx.stack }));
        throw ctx.knownCause(err) ?? new CliError(exitCodes.cloud, ctx.t("cli.destroyFailed", { stack: ctx.stack, reason: engineErrorLine(err instanceof Error ? err.message : String(err), ctx.secrets) }));
    } finally {
        engine.end();
        interrupt.dispose();
    }
    // An existing cluster has nothing in an AWS account for sweep to find.
    ctx.print({ ok: true, stack: ctx.stack, destroyed: true }, [ctx.t(target === "aws" ? "cli.destroyed" : "cli.destroyedOnCluster", { stack: ctx.stack })]);
    return exitCodes.ok;
}
