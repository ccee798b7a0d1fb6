/**
 * The operator's command line: `npm run lab -- <command>`. It reads the stack's outputs and
 * reaches the nodes over SSH with the lab's key. Exit codes a script can rely on:
 * 0 done; 1 the URLs or nodes are not healthy; 2 usage; 3 the stack's outputs cannot be read;
 * 4 a command on a node failed. `--json` prints one JSON document instead of sentences.
 * Everything it prints or writes (but the kubeconfig the operator asks for) goes through
 * `redact`: no key, token or password reaches a terminal, a CI log or a report.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import { describe } from "../lib/access";
import { ConfigError } from "../lib/config";
import { LabStack, UpOptions, upWithFallback } from "../lib/fallback";
import { Language, terminalLanguage, translator } from "../lib/messages";
import { exposures } from "../lib/placement";
import { unitName } from "../lib/portForward";
import { Endpoints, verify } from "../lib/probe";
import { lineRedactor, redact, redactValue } from "../lib/redact";
import { renderScript } from "../lib/scripts";
import { sweep, SweepClient } from "../lib/sweep";
import { writePolicyPackConfig } from "./policyConfig";

export const exitCodes = { ok: 0, unhealthy: 1, usage: 2, noOutputs: 3, remoteFailed: 4 } as const;

/** The stack outputs the CLI reads. */
const outputsSchema = z.object({
    controlPlanePublicIp: z.string(),
    workerPrivateIps: z.array(z.string()),
    nodeNames: z.array(z.string()),
    sshPrivateKey: z.string(),
    kubeconfig: z.string(),
    bookinfoUrl: z.string(),
    grafanaUrl: z.string(),
    grafanaAdminPassword: z.string(),
    exposure: z.enum(exposures),
});
export type LabOutputs = z.infer<typeof outputsSchema>;

/** A node to reach: its address, through the control-plane node when `jump` is set. */
export interface SshTarget {
    host: string;
    jump?: string;
    privateKey: string;
}

export interface Deps {
    stack: string;
    env: Record<string, string | undefined>;
    /** The stack's outputs, secrets shown. */
    outputs(): Promise<Record<string, unknown>>;
    ssh(target: SshTarget, command: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
    sshInteractive(target: SshTarget): Promise<number>;
    labStack(): Promise<LabStack>;
    sweepClient(): SweepClient;
    out(text: string): void;
    err(text: string): void;
}

interface Args {
    command: string[];
    json: boolean;
    retrySeconds: number;
    delete: boolean;
    policyPack?: string;
}

/** The repository's own policy pack, which `up` runs unless `--policy-pack` names another. */
export const defaultPolicyPack = path.join(__dirname, "..", "policy");

/** Whether a policy pack folder can run: its PulumiPolicy.yaml and its installed @pulumi/policy. */
export function policyPackInstalled(dir: string): boolean {
    return fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) && fs.existsSync(path.join(dir, "node_modules", "@pulumi", "policy"));
}

function parseArgs(argv: string[]): Args | undefined {
    const args: Args = { command: [], json: false, retrySeconds: 0, delete: false };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--json") args.json = true;
        else if (argv[i] === "--delete") args.delete = true;
        else if (argv[i] === "--retry" && /^\d+$/.test(argv[i + 1] ?? "")) args.retrySeconds = Number(argv[++i]);
        else if (argv[i] === "--policy-pack" && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) args.policyPack = argv[++i];
        else if (argv[i].startsWith("--")) return undefined;
        else args.command.push(argv[i]);
    }
    return args;
}

export async function main(argv: string[], deps: Deps): Promise<number> {
    const configured = deps.env.LAB_LANGUAGE;
    const language: Language = terminalLanguage(configured, deps.env);
    const t = translator(language);
    // Values known to be secret, redacted wherever they appear; grows as the CLI reads them.
    const secrets: string[] = [deps.env.LAB_GRAFANA_PASSWORD ?? ""];
    const toOut = (text: string): void => deps.out(redact(text, secrets));
    const toErr = (text: string): void => deps.err(redact(text, secrets));
    const args = parseArgs(argv);
    const usage = (): number => {
        toErr(t("cli.unknownCommand", { command: argv.join(" ") }));
        toErr(t("cli.usage"));
        return exitCodes.usage;
    };
    if (args === undefined || args.command.length === 0) return usage();
    const print = (json: unknown, lines: string[]): void => (args.json ? toOut(JSON.stringify(redactValue(json, secrets), null, 2)) : lines.forEach((line) => toOut(line)));

    let cached: LabOutputs | undefined;
    const outputs = async (): Promise<LabOutputs> => {
        if (cached) return cached;
        try {
            cached = outputsSchema.parse(await deps.outputs());
            secrets.push(cached.sshPrivateKey, cached.kubeconfig, cached.grafanaAdminPassword);
            return cached;
        } catch (err) {
            const reason = err instanceof z.ZodError ? `missing ${err.issues.map((i) => i.path.join(".")).join(", ")}` : err instanceof Error ? err.message : String(err);
            throw new NoOutputs(t("cli.noOutputs", { stack: deps.stack, reason }));
        }
    };
    const nodeTarget = (o: LabOutputs, node: string): SshTarget | undefined => {
        const index = o.nodeNames.indexOf(node);
        if (index < 0) return undefined;
        return index === 0 ? { host: o.controlPlanePublicIp, privateKey: o.sshPrivateKey } : { host: o.workerPrivateIps[index - 1], jump: o.controlPlanePublicIp, privateKey: o.sshPrivateKey };
    };
    const check = async (endpoints: Endpoints, mode: string, retrySeconds: number): Promise<number> => {
        const verification = await verify(endpoints, { retryForMs: retrySeconds * 1000 });
        const lines = verification.results.map((r) => describe(r, t, mode));
        lines.push(verification.ok ? t("access.verified", { attempts: verification.attempts, mode }) : t("access.failed", { seconds: retrySeconds, mode }));
        print({ ok: verification.ok, mode, attempts: verification.attempts, results: verification.results }, lines);
        return verification.ok ? exitCodes.ok : exitCodes.unhealthy;
    };

    const [command, ...rest] = args.command;
    try {
        switch (command) {
            case "verify": {
                // Inside `pulumi up` the endpoints come from the program; otherwise from the outputs.
                const fromEnv = deps.env.LAB_BOOKINFO_URL && deps.env.LAB_GRAFANA_URL && deps.env.LAB_GRAFANA_PASSWORD;
                if (fromEnv) {
                    const endpoints = { bookinfoUrl: deps.env.LAB_BOOKINFO_URL ?? "", grafanaUrl: deps.env.LAB_GRAFANA_URL ?? "", grafanaPassword: deps.env.LAB_GRAFANA_PASSWORD ?? "" };
                    return await check(endpoints, deps.env.LAB_EXPOSURE ?? "?", args.retrySeconds);
                }
                const o = await outputs();
                return await check({ bookinfoUrl: o.bookinfoUrl, grafanaUrl: o.grafanaUrl, grafanaPassword: o.grafanaAdminPassword }, o.exposure, args.retrySeconds);
            }
            case "urls": {
                const o = await outputs();
                print({ bookinfoUrl: o.bookinfoUrl, grafanaUrl: o.grafanaUrl, grafanaUser: "admin", grafanaPasswordCommand: "pulumi stack output --show-secrets grafanaAdminPassword" }, [t("cli.urls", { bookinfo: o.bookinfoUrl, grafana: o.grafanaUrl })]);
                return exitCodes.ok;
            }
            case "status": {
                const o = await outputs();
                const verification = await verify({ bookinfoUrl: o.bookinfoUrl, grafanaUrl: o.grafanaUrl, grafanaPassword: o.grafanaAdminPassword });
                const result = await deps.ssh(nodeTarget(o, o.nodeNames[0]) as SshTarget, "sudo kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json");
                const nodes = result.code === 0 ? nodeReadiness(result.stdout) : o.nodeNames.map((name) => ({ name, ready: false }));
                const healthy = verification.ok && nodes.every((n) => n.ready) && nodes.length === o.nodeNames.length;
                print(
                    { ok: healthy, exposure: o.exposure, results: verification.results, nodes },
                    [...verification.results.map((r) => describe(r, t, o.exposure)), t("cli.nodeStatus", { nodes: nodes.map((n) => `${n.name} ${n.ready ? "Ready" : "NotReady"}`).join(", ") })],
                );
                return healthy ? exitCodes.ok : exitCodes.unhealthy;
            }
            case "ssh": {
                const o = await outputs();
                const node = rest[0] ?? o.nodeNames[0];
                const target = nodeTarget(o, node);
                if (target === undefined || rest.length > 1) {
                    toErr(t("cli.unknownNode", { node, nodes: o.nodeNames.join(", ") }));
                    return exitCodes.usage;
                }
                return await deps.sshInteractive(target);
            }
            case "kubeconfig": {
                const o = await outputs();
                const file = rest[0] ?? path.join(os.homedir(), ".kube", `k8s-lab-${deps.stack}`);
                fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
                fs.writeFileSync(file, o.kubeconfig, { mode: 0o600 });
                fs.chmodSync(file, 0o600);
                print({ file }, [t("cli.kubeconfigWritten", { file })]);
                return exitCodes.ok;
            }
            case "port-forward": {
                const actions: Record<string, (units: string[]) => string> = {
                    start: (u) => `sudo systemctl start ${u.join(" ")}`,
                    stop: (u) => `sudo systemctl stop ${u.join(" ")}`,
                    restart: (u) => `sudo systemctl restart ${u.join(" ")}`,
                    status: (u) => `systemctl status --no-pager ${u.join(" ")}`,
                    logs: (u) => `sudo journalctl --no-pager -n 200 ${u.map((unit) => `-u ${unit}`).join(" ")}`,
                };
                const action = actions[rest[0] ?? ""];
                if (action === undefined || rest.length !== 1) return usage();
                const o = await outputs();
                if (o.exposure !== "portForward") {
                    toErr(t("cli.notPortForward", { mode: o.exposure }));
                    return exitCodes.usage;
                }
                const units = ["bookinfo", "grafana"].map((name) => `${unitName(name)}.service`);
                const result = await deps.ssh(nodeTarget(o, o.nodeNames[0]) as SshTarget, action(units));
                print({ action: rest[0], code: result.code, stdout: result.stdout, stderr: result.stderr }, [result.stdout, result.stderr].filter((s) => s !== ""));
                return result.code === 0 ? exitCodes.ok : exitCodes.remoteFailed;
            }
            case "diagnose": {
                const o = await outputs();
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-diagnose-"));
                const collected = await Promise.all(o.nodeNames.map(async (node, i) => {
                    const script = renderScript("diagnose.sh", { NODE_ROLE: i === 0 ? "control-plane" : "worker" });
                    const result = await deps.ssh(nodeTarget(o, node) as SshTarget, "sudo bash -s", script).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }));
                    fs.writeFileSync(path.join(dir, `${node}.log`), redact(`${result.stdout}\n===== stderr (exit ${result.code}) =====\n${result.stderr}`, secrets));
                    return { node, ok: result.code === 0 };
                }));
                const file = path.resolve(rest[0] ?? `k8s-lab-diagnose-${deps.stack}-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
                await tar(dir, file);
                fs.rmSync(dir, { recursive: true, force: true });
                print({ file, nodes: collected }, [t("cli.diagnoseWritten", { count: collected.length, file })]);
                return collected.every((c) => c.ok) ? exitCodes.ok : exitCodes.remoteFailed;
            }
            case "up": {
                // The policy pack judges every resource where it is created: the repository's
                // own, or the one --policy-pack names (CI passes the base branch's copy).
                const policyPack = path.resolve(args.policyPack ?? defaultPolicyPack);
                if (!policyPackInstalled(policyPack)) {
                    toErr(t("cli.policyPackMissing", { dir: policyPack }));
                    return exitCodes.usage;
                }
                // Its settings follow the stack's config (public ports, instance types, tags): a pack cannot read it.
                const packConfigDir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-policy-config-"));
                let packConfig: string;
                try {
                    packConfig = writePolicyPackConfig(path.join(__dirname, ".."), deps.stack, path.join(packConfigDir, "config.json"), deps.env);
                } catch (e) {
                    fs.rmSync(packConfigDir, { recursive: true, force: true });
                    toErr(e instanceof ConfigError ? e.message : String(e));
                    return exitCodes.usage;
                }
                const stack = await deps.labStack();
                // The engine's output, line by line and redacted, on stderr (stdout is the report with --json).
                const engine = lineRedactor(toErr, () => secrets);
                const options: UpOptions = { policyPacks: [policyPack], policyPackConfigs: [packConfig], output: (chunk) => engine.write(chunk) };
                const watched: LabStack = {
                    ...stack,
                    up: (o, e) => stack.up(o, e).finally(() => engine.end()),
                    endpoints: async () => {
                        const endpoints = await stack.endpoints();
                        secrets.push(endpoints.grafanaPassword);
                        return endpoints;
                    },
                };
                // A stack kept up already has its password: learn it before the engine talks.
                await watched.endpoints().catch(() => undefined);
                const report = await upWithFallback(watched, options, (e) => verify(e, { retryForMs: args.retrySeconds * 1000 }), (line) => (args.json ? toErr(line) : toOut(line)), t).finally(() =>
                    fs.rmSync(packConfigDir, { recursive: true, force: true }),
                );
                const last = report.steps[report.steps.length - 1]?.verification;
                print(report, last ? last.results.map((r) => describe(r, t, report.mode ?? report.steps[report.steps.length - 1].mode)) : []);
                return report.ok ? exitCodes.ok : exitCodes.unhealthy;
            }
            case "sweep": {
                // Only what carries this stack's LabId: LAB_ID (the daily workflow reads it from the
                // state before its destroy), else the stack's output while the lab is up.
                const labId = deps.env.LAB_ID || (await deps.outputs().then((o) => (typeof o.labId === "string" ? o.labId : ""), () => ""));
                const tags = { Project: "k8s-lab", Stack: deps.stack, LabId: labId };
                if (labId === "") {
                    print({ found: [], revoked: [], deleted: [], failed: [] }, [t("cli.sweepNoLabId", { stack: deps.stack })]);
                    return exitCodes.ok;
                }
                const result = await sweep(deps.sweepClient(), tags, args.delete).catch((e: Error) => {
                    toErr(t("cli.awsFailed", { reason: e.message }));
                    return undefined;
                });
                if (result === undefined) return exitCodes.remoteFailed;
                const names = (list: { type: string; id: string }[]) => list.map((r) => `${r.type}/${r.id}`).join(", ");
                const lines = result.found.length === 0
                    ? [t("cli.sweepNone", { project: tags.Project, stack: tags.Stack, labId })]
                    : args.delete
                      ? [t("cli.sweepDeleted", { count: result.deleted.length, list: names(result.deleted) }), ...result.failed.map((f) => t("cli.sweepFailed", { resource: `${f.resource.type}/${f.resource.id}`, reason: f.reason }))]
                      : [t("cli.sweepFound", { count: result.found.length, project: tags.Project, stack: tags.Stack, labId, list: names(result.found) })];
                print(result, lines);
                if (result.failed.length > 0) return exitCodes.remoteFailed;
                return !args.delete && result.found.length > 0 ? exitCodes.unhealthy : exitCodes.ok;
            }
            default:
                return usage();
        }
    } catch (err) {
        if (err instanceof NoOutputs) {
            toErr(err.message);
            return exitCodes.noOutputs;
        }
        throw err;
    }
}

class NoOutputs extends Error {}

/** Node names and their Ready condition, from `kubectl get nodes -o json`. */
export function nodeReadiness(json: string): { name: string; ready: boolean }[] {
    const list = JSON.parse(json) as { items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] };
    return list.items.map((n) => ({ name: n.metadata.name, ready: n.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false }));
}

async function tar(dir: string, file: string): Promise<void> {
    const { execFile } = await import("child_process");
    await new Promise<void>((resolve, reject) => execFile("tar", ["-czf", file, "-C", dir, "."], (err) => (err ? reject(err) : resolve())));
}

if (require.main === module) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { realDeps } = require("./deps") as typeof import("./deps");
    main(process.argv.slice(2), realDeps(process.env)).then((code) => process.exit(code));
}
