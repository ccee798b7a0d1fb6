/** `k8s-lab urls`: where Bookinfo and Grafana answer. */
import { Context } from "../context";
import { exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const o = await ctx.outputs();
    ctx.print(
        { ok: true, exposure: o.exposure, bookinfoUrl: o.bookinfoUrl, grafanaUrl: o.grafanaUrl, grafanaUser: "admin", grafanaPasswordCommand: "pulumi stack output --show-secrets grafanaAdminPassword" },
        [ctx.t("cli.urls", { bookinfo: o.bookinfoUrl, grafana: o.grafanaUrl })],
    );
    return exitCodes.ok;
}
