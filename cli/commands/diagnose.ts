/**
 * `k8s-lab diagnose [file]`: every node's logs in one archive, secrets redacted, and per node
 * whether they could be collected: a node whose SSH session failed is said so, never counted.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Translate } from "../../lib/messages";
import { errorLine, redact } from "../../lib/redact";
import { renderScript, shellQuote } from "../../lib/scripts";
import { Context } from "../context";
import { CliError, exitCodes, SshTarget } from "../types";

export interface Collected {
    node: string;
    /** Whether the node was reached and its script ran. */
    collected: boolean;
    /** What the script could not collect on it (its "not collected" section). */
    missing?: string[];
    /** Why nothing was: SSH's or the script's last line. */
    reason?: string;
}

/** The lines of diagnose.sh's last section, "===== not collected on <host> =====". */
export function notCollected(output: string): string[] {
    const parts = output.split(/^===== not collected on .* =====$/m);
    if (parts.length < 2) return [];
    return parts[parts.length - 1].split("\n").map((l) => l.trim()).filter((l) => l !== "" && l !== "everything was collected");
}

/** The lab's public ports, from its URLs: diagnose.sh greps every node's NAT rules for them. */
export function publicPorts(urls: readonly string[]): string {
    return [...new Set(urls.map((u) => {
        const url = new URL(u);
        return url.port || (url.protocol === "https:" ? "443" : "80");
    }))].join(" ");
}

/** A not-collected item in the operator's language: the script writes "<what> (exit <code>)", "<file> (not readable)" or its API line. */
export function describeMissing(item: string, t: Translate): string {
    if (item === "the cluster's view through the API (the API server does not answer)") return t("diagnose.noApi");
    const exit = /^(.*) \(exit (\d+)\)$/.exec(item);
    if (exit) return t("diagnose.exit", { what: exit[1], code: exit[2] });
    const unreadable = /^(.*) \(not readable\)$/.exec(item);
    return unreadable ? t("diagnose.unreadable", { what: unreadable[1] }) : item;
}

export async function run(ctx: Context): Promise<number> {
    const o = await ctx.awsOutputs("diagnose");
    const command = `sudo PUBLIC_PORTS=${shellQuote(publicPorts(o.endpoints.map((e) => e.url)))} bash -s`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-diagnose-"));
    try {
        const nodes = await Promise.all(o.nodeNames.map(async (node, i): Promise<Collected> => {
            const script = renderScript("diagnose.sh", { NODE_ROLE: i === 0 ? "control-plane" : "worker" });
            const result = await ctx.deps.ssh(ctx.nodeTarget(o, node) as SshTarget, command, script).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
            fs.writeFileSync(path.join(dir, `${node}.log`), redact(`${result.stdout}\n===== stderr (exit ${result.code}) =====\n${result.stderr}`, ctx.secrets));
            if (result.code === 0) return { node, collected: true, missing: notCollected(redact(result.stdout, ctx.secrets)) };
            return { node, collected: false, reason: errorLine(result.stderr, ctx.secrets) || `exit ${result.code}` };
        }));
        const file = path.resolve(ctx.args[0] ?? `k8s-lab-diagnose-${ctx.stack}-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
        await new Promise<void>((resolve, reject) => execFile("tar", ["-czf", file, "-C", dir, "."], (err, _stdout, stderr) => (err ? reject(new Error(stderr.trim().split("\n").pop() || err.message)) : resolve()))).catch((err: Error) => {
            throw new CliError(exitCodes.usage, ctx.t("cli.cannotWrite", { file, reason: err.message }));
        });
        const collected = nodes.filter((n) => n.collected).length;
        const ok = collected === nodes.length;
        ctx.print({ ok, file, nodes }, [
            ...nodes.map((n) => {
                if (!n.collected) return ctx.t("cli.diagnoseNodeFailed", { node: n.node, reason: n.reason ?? "" });
                return n.missing?.length ? ctx.t("cli.diagnoseNodePartial", { node: n.node, missing: n.missing.map((m) => describeMissing(m, ctx.t)).join("; ") }) : ctx.t("cli.diagnoseNode", { node: n.node });
            }),
            ctx.t("cli.diagnoseSummary", { file, collected, count: nodes.length }),
        ]);
        return ok ? exitCodes.ok : exitCodes.remote;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
