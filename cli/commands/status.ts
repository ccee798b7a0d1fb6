/**
 * `k8s-lab status`: each URL's verdict, each node's readiness and the workers' capacity. A node
 * the CLI cannot ask about is Unknown, never NotReady: the CLI does not know.
 */
import { resultSentence } from "../../lib/access";
import { verify } from "../../lib/probe";
import { errorLine } from "../../lib/redact";
import { Context } from "../context";
import { exitCodes, SshTarget } from "../types";

export type Readiness = "Ready" | "NotReady" | "Unknown";

/** Each node's Ready condition, from `kubectl get nodes -o json`; a node the API does not list is NotReady. */
export function nodeReadiness(json: string, names: string[]): { name: string; status: Readiness }[] | undefined {
    let list: { items?: { metadata?: { name?: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
    try {
        list = JSON.parse(json) as typeof list;
    } catch {
        return undefined;
    }
    if (!Array.isArray(list.items)) return undefined;
    const known = new Map(list.items.map((n) => [n.metadata?.name ?? "", n.status?.conditions?.find((c) => c.type === "Ready")?.status]));
    return names.map((name) => {
        const ready = known.get(name);
        return { name, status: ready === "True" ? "Ready" : ready === "Unknown" ? "Unknown" : "NotReady" };
    });
}

export async function run(ctx: Context): Promise<number> {
    const all = await ctx.outputs();
    if (all.target !== "aws") {
        // On an existing cluster: the URLs; its nodes are the cluster owner's (kubectl get nodes).
        const verification = await verify({ targets: all.endpoints, grafanaPassword: all.grafanaAdminPassword });
        const lines = verification.results.map((r) => resultSentence(r, ctx.t, all.exposure, all.target));
        ctx.print({ ok: verification.ok, target: all.target, kubeContext: all.kubeContext, exposure: all.exposure, results: verification.results }, lines);
        return verification.ok ? exitCodes.ok : exitCodes.unhealthy;
    }
    const o = all;
    const [verification, result] = await Promise.all([
        verify({ targets: o.endpoints, grafanaPassword: o.grafanaAdminPassword }),
        ctx.deps.ssh(ctx.nodeTarget(o, o.nodeNames[0]) as SshTarget, "sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json").catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message })),
    ]);
    const nodes = result.code === 0 ? nodeReadiness(result.stdout, o.nodeNames) : undefined;
    const reason = result.code === 0 ? "kubectl answered no node list" : errorLine(result.stderr, ctx.secrets) || `exit ${result.code}`;
    const lines = verification.results.map((r) => resultSentence(r, ctx.t, o.exposure));
    lines.push(nodes === undefined ? ctx.t("cli.nodesUnknown", { reason }) : ctx.t("cli.nodeStatus", { nodes: nodes.map((n) => `${n.name} ${n.status}`).join(", ") }));
    // The workers' capacity: on-demand after spot was refused is kept until the lab is destroyed (a lab older than the setting has none).
    const capacity = o.workerCapacity === undefined ? undefined : { configured: o.configuredWorkerCapacity ?? o.workerCapacity, current: o.workerCapacity };
    if (capacity !== undefined) lines.push(capacity.current === capacity.configured ? ctx.t("cli.workerCapacity", { capacity: capacity.current }) : ctx.t("cli.workerCapacityKept", { capacity: capacity.current, configured: capacity.configured }));
    const reported = nodes ?? o.nodeNames.map((name) => ({ name, status: "Unknown" as Readiness }));
    const healthy = verification.ok && nodes !== undefined && nodes.every((n) => n.status === "Ready");
    ctx.print({ ok: healthy, exposure: o.exposure, ...(capacity ? { workerCapacity: capacity } : {}), results: verification.results, nodes: reported, ...(nodes === undefined ? { nodesError: reason } : {}) }, lines);
    if (!verification.ok) return exitCodes.unhealthy;
    if (nodes === undefined) return exitCodes.remote;
    return healthy ? exitCodes.ok : exitCodes.unhealthy;
}
