/**
 * `k8s-lab sweep [--delete]`: what a destroy left behind, found by the lab's tags, LabId
 * included: LAB_ID (the daily workflow reads it from the state before its destroy), else the
 * stack's output while the lab is up. Without a LabId nothing is swept.
 */
import { sweep } from "../../lib/sweep";
import { Context, stackTarget } from "../context";
import { CliError, exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const deleting = ctx.values.delete === true;
    // A lab on an existing cluster has nothing in AWS to sweep.
    if (stackTarget(ctx.stack) !== "aws") throw ctx.notOnExistingCluster("sweep");
    // No stack, or one without outputs yet: no LabId. Anything else (no CLI, no passphrase, an
    // answer that is not JSON) is a missing prerequisite, never "nothing to sweep".
    const labId = ctx.deps.env.LAB_ID || (await ctx.deps.outputs().then((o) => {
        if (o.target === "existingCluster") throw ctx.notOnExistingCluster("sweep");
        return typeof o.labId === "string" ? o.labId : "";
    }, (err: unknown) => {
        if (/no stack named|stack .* not found/i.test(err instanceof Error ? err.message : String(err))) return "";
        throw ctx.prerequisite(err);
    }));
    const tags = { Project: "k8s-lab", Stack: ctx.stack, LabId: labId };
    if (labId === "") {
        ctx.print({ ok: true, found: [], revoked: [], deleted: [], failed: [] }, [ctx.t("cli.sweepNoLabId", { stack: ctx.stack })]);
        return exitCodes.ok;
    }
    // The client reads the stack's region from its stack file: a file that is no YAML is said as such.
    const client = await Promise.resolve().then(() => ctx.deps.sweepClient()).catch((err: unknown) => {
        throw ctx.knownCause(err) ?? err;
    });
    let result;
    try {
        result = await sweep(client, tags, deleting);
    } catch (e) {
        throw new CliError(exitCodes.cloud, ctx.t("cli.awsFailed", { reason: e instanceof Error ? e.message : String(e) }));
    }
    const names = (list: { type: string; id: string }[]) => list.map((r) => `${r.type}/${r.id}`).join(", ");
    const lines = result.found.length === 0
        ? [ctx.t("cli.sweepNone", { project: tags.Project, stack: tags.Stack, labId })]
        : deleting
          ? [ctx.t("cli.sweepDeleted", { count: result.deleted.length, list: names(result.deleted) }), ...result.failed.map((f) => ctx.t("cli.sweepFailed", { resource: `${f.resource.type}/${f.resource.id}`, reason: f.reason }))]
          : [ctx.t("cli.sweepFound", { count: result.found.length, project: tags.Project, stack: tags.Stack, labId, list: names(result.found) })];
    const ok = result.failed.length === 0 && (deleting || result.found.length === 0);
    ctx.print({ ok, ...result }, lines);
    if (result.failed.length > 0) return exitCodes.cloud;
    return ok ? exitCodes.ok : exitCodes.unhealthy;
}
