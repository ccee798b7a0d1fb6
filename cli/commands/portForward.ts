/** `k8s-lab port-forward <action>`: the port-forward services on the control-plane node. */
import { unitName } from "../../lib/portForward";
import { Context } from "../context";
import { CliError, exitCodes, SshTarget } from "../types";

const actions: Record<string, (units: string[]) => string> = {
    start: (u) => `sudo systemctl start ${u.join(" ")}`,
    stop: (u) => `sudo systemctl stop ${u.join(" ")}`,
    restart: (u) => `sudo systemctl restart ${u.join(" ")}`,
    status: (u) => `systemctl status --no-pager ${u.join(" ")}`,
    logs: (u) => `sudo journalctl --no-pager -n 200 ${u.map((unit) => `-u ${unit}`).join(" ")}`,
};

export async function run(ctx: Context): Promise<number> {
    const name = ctx.args[0];
    const action = actions[name ?? ""];
    if (action === undefined) throw new CliError(exitCodes.usage, ctx.t("cli.portForwardAction", { actions: Object.keys(actions).join(", ") }));
    const o = await ctx.awsOutputs("port-forward");
    if (o.exposure !== "portForward") throw new CliError(exitCodes.usage, ctx.t("cli.notPortForward", { mode: o.exposure }));
    // One unit per public endpoint, as the lab's last up declared them.
    const units = o.endpoints.map((endpoint) => `${unitName(endpoint.name)}.service`);
    const result = await ctx.deps.ssh(ctx.nodeTarget(o, o.nodeNames[0]) as SshTarget, action(units));
    if (result.code === 255 || result.code < 0) throw new CliError(exitCodes.remote, ctx.t("cli.sshFailed", { node: o.nodeNames[0], reason: result.stderr.trim().split("\n").pop() || `ssh exit ${result.code}` }));
    // systemctl status exits 3 for a stopped unit: that is an answer, not a failure.
    const ok = result.code === 0 || (name === "status" && result.code === 3);
    ctx.print({ ok, action: name, exitCode: result.code, stdout: result.stdout, stderr: result.stderr }, [result.stdout, result.stderr].filter((s) => s !== ""));
    if (ok) return result.code === 0 ? exitCodes.ok : exitCodes.unhealthy;
    return exitCodes.remote;
}
