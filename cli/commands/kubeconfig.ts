/** `k8s-lab kubeconfig [file]`: the admin kubeconfig, mode 600. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Context } from "../context";
import { CliError, exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const o = await ctx.awsOutputs("kubeconfig");
    const file = path.resolve(ctx.args[0] ?? path.join(os.homedir(), ".kube", `k8s-lab-${ctx.stack}`));
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        fs.writeFileSync(file, o.kubeconfig, { mode: 0o600 });
        fs.chmodSync(file, 0o600);
    } catch (err) {
        throw new CliError(exitCodes.usage, ctx.t("cli.cannotWrite", { file, reason: (err as NodeJS.ErrnoException).code ?? String(err) }));
    }
    ctx.print({ ok: true, file }, [ctx.t("cli.kubeconfigWritten", { file })]);
    return exitCodes.ok;
}
