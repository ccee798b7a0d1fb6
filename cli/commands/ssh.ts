/** `k8s-lab ssh [node]`: an interactive session on a node, a worker through the control-plane node. */
import { Context } from "../context";
import { CliError, exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const o = await ctx.awsOutputs("ssh");
    const node = ctx.args[0] ?? o.nodeNames[0];
    const target = ctx.nodeTarget(o, node);
    if (target === undefined) throw new CliError(exitCodes.usage, ctx.t("cli.unknownNode", { node, nodes: o.nodeNames.join(", ") }));
    const code = await ctx.deps.sshInteractive(target);
    // 255: SSH itself failed; anything else is the session's own end.
    if (code === 255 || code < 0) throw new CliError(exitCodes.remote, ctx.t("cli.sshFailed", { node, reason: `ssh exit ${code}` }));
    return exitCodes.ok;
}
