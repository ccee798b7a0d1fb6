/** `k8s-lab verify`: every endpoint's URL from this machine, each attempt shown as it happens on stderr. */
import { describeAttempt, resultSentence } from "../../lib/access";
import { Endpoints, verify } from "../../lib/probe";
import { Context } from "../context";
import { exitCodes } from "../types";

export async function run(ctx: Context): Promise<number> {
    const retrySeconds = ctx.retrySeconds();
    const env = ctx.deps.env;
    // Inside `pulumi up` the endpoints come from the program; otherwise from the outputs.
    let endpoints: Endpoints;
    let mode: string;
    let target: string;
    if (env.LAB_ENDPOINTS && env.LAB_GRAFANA_PASSWORD) {
        const { endpointOutputsSchema } = await import("../../lib/stackOutputs");
        endpoints = { targets: endpointOutputsSchema.shape.endpoints.parse(JSON.parse(env.LAB_ENDPOINTS)), grafanaPassword: env.LAB_GRAFANA_PASSWORD };
        mode = env.LAB_EXPOSURE ?? "?";
        target = env.LAB_TARGET ?? "aws";
    } else {
        const o = await ctx.outputs();
        endpoints = { targets: o.endpoints, grafanaPassword: o.grafanaAdminPassword };
        mode = o.exposure;
        target = o.target;
    }
    // Each URL's whole check within the KPI's budget; LAB_KPI_TIMEOUT_MS shortens it for the tests' URLs that never answer.
    const timeoutMs = Number(env.LAB_KPI_TIMEOUT_MS) || undefined;
    const verification = await verify(endpoints, { retryForMs: retrySeconds * 1000, timeoutMs, onAttempt: (attempt, results) => ctx.err(describeAttempt(attempt, results, ctx.t)) });
    const lines = verification.results.map((r) => resultSentence(r, ctx.t, mode, target));
    lines.push(verification.ok ? ctx.t("access.verified", { attempts: verification.attempts, mode }) : ctx.t("access.failed", { seconds: retrySeconds, mode }));
    ctx.print({ ok: verification.ok, exposure: mode, attempts: verification.attempts, results: verification.results }, lines);
    return verification.ok ? exitCodes.ok : exitCodes.unhealthy;
}
