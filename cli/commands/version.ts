/** `k8s-lab version` (`--version`): this package's version, and the Pulumi CLI version `up` installs. */
import * as fs from "fs";
import * as path from "path";
import { Context, projectDir } from "../context";
import { pinnedPulumiVersion } from "../setup";
import { exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const version = (JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { version: string }).version;
    const pulumi = pinnedPulumiVersion();
    ctx.print({ ok: true, version, pulumi }, [ctx.t("cli.version", { version, pulumi })]);
    return exitCodes.ok;
}
