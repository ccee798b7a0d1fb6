/**
 * `k8s-lab env`: the shell exports that make plain `pulumi` commands work on the stack the CLI
 * uses (its backend, its kept passphrase file, its name, the CLI `up` installed), for
 * `eval "$(k8s-lab env)"`. The passphrase itself is never printed: only its file's path.
 */
import { Context } from "../context";
import { exitCodes } from "../types";

/** A word for sh, in single quotes. */
const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

export async function run(ctx: Context): Promise<number> {
    const { vars, pathDir } = ctx.deps.shellEnv();
    const lines = Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `export ${key}=${quote(value)}`);
    if (pathDir !== undefined) lines.push(`export PATH=${quote(pathDir)}:"$PATH"`);
    ctx.print({ ok: true, env: vars, ...(pathDir === undefined ? {} : { path: pathDir }) }, lines);
    return exitCodes.ok;
}
