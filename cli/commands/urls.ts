/** `k8s-lab urls`: where Bookinfo and Grafana answer. */
import { Context } from "../context";
import { exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const o = await ctx.outputs();
    // Plain pulumi finds this stack only with its backend and passphrase: k8s-lab env exports them.
    const passwordCommand = `eval "$(npx --no k8s-lab env --stack ${ctx.stack})" && pulumi stack output --show-secrets grafanaAdminPassword`;
    ctx.print(
        { ok: true, exposure: o.exposure, bookinfoUrl: o.bookinfoUrl, grafanaUrl: o.grafanaUrl, grafanaUser: "admin", grafanaPasswordCommand: passwordCommand },
        [ctx.t("cli.urls", { bookinfo: o.bookinfoUrl, grafana: o.grafanaUrl, passwordCommand })],
    );
    return exitCodes.ok;
}
