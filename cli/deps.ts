/**
 * The CLI's real connections: the Pulumi CLI for the stack's outputs, the Automation API for
 * `up`, OpenSSH with the lab's key (written to a private temporary file) for the nodes, and the
 * AWS SDK for the sweep. The heavy ones load when a command first uses them.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type { LabStack, ResourceError } from "../lib/fallback";
import type { WorkerCapacity } from "../lib/config";
import type { Exposure } from "../lib/exposure";
import type { Translate } from "../lib/messages";
import { errorLine } from "../lib/redact";
import { sshArgs } from "../lib/ssh";
import { projectDir } from "./context";
import { elapsed, phaseName, phaseTracker } from "./progress";
import { askHidden, chooseStack, findEnvironment, generatedPassphrase, installedPulumi, keepPassphrase, passphraseFile, pinnedPulumiVersion, userName } from "./setup";
import { CliError, Deps, exitCodes, SshTarget } from "./types";

/** Where the lab's key is written for one SSH call: a new 0700 folder in $XDG_RUNTIME_DIR (memory, this user's only) when there is one, else in the temporary folder. */
export function keyFolder(env: Readonly<Record<string, string | undefined>>): string {
    const runtime = env.XDG_RUNTIME_DIR;
    let base = os.tmpdir();
    try {
        if (runtime && fs.statSync(runtime).isDirectory()) {
            fs.accessSync(runtime, fs.constants.W_OK);
            base = runtime;
        }
    } catch {
        // No usable runtime folder: the temporary folder.
    }
    return fs.mkdtempSync(path.join(base, "k8s-lab-ssh-"));
}

const signalCodes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `use` with SSH arguments that name the key, written to a private file; the file is removed
 * when `use` ends, and also when the CLI is stopped by a signal meanwhile (a closed terminal's
 * SIGHUP, SIGTERM, SIGINT), which then exits with 128 + the signal's number.
 */
export function withKey<T>(target: SshTarget, use: (args: string[]) => Promise<T>, env: Readonly<Record<string, string | undefined>> = process.env, signals: { on: NodeJS.EventEmitter["on"]; off: NodeJS.EventEmitter["off"] } = process, exit: (code: number) => void = (code) => process.exit(code)): Promise<T> {
    const dir = keyFolder(env);
    const remove = (): void => fs.rmSync(dir, { recursive: true, force: true });
    const handlers = Object.entries(signalCodes).map(([signal, code]) => [signal, (): void => { remove(); exit(code); }] as const);
    for (const [signal, handler] of handlers) signals.on(signal, handler);
    const done = (): void => {
        for (const [signal, handler] of handlers) signals.off(signal, handler);
        remove();
    };
    try {
        const key = path.join(dir, "key");
        fs.writeFileSync(key, target.privateKey, { mode: 0o600 });
        return use(sshArgs(key, target.host, target.jump)).finally(done);
    } catch (err) {
        done();
        throw err;
    }
}

/** A resource's error, or a mandatory policy's violation, from an engine event. */
export function failedResource(event: EngineEvent): ResourceError | undefined {
    const resource = (urn: string | undefined): string => urn?.split("::").slice(-2).map((part, i) => (i === 0 ? part.split("$").pop() : part)).join("::") ?? "pulumi up";
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.severity === "error" && diagnostic.urn !== undefined) return { resource: resource(diagnostic.urn), error: diagnostic.message };
    const policy = event.policyEvent;
    if (policy?.enforcementLevel === "mandatory") return { resource: resource(policy.resourceUrn), error: `${policy.policyName}: ${policy.message}` };
    return undefined;
}

/** What `previewThenUp` asks of a stack: the Automation API's preview and up. */
export interface PreviewAndUp<O> {
    preview(options: O & { onEvent: (event: EngineEvent) => void }): Promise<unknown>;
    up(options: O & { onEvent: (event: EngineEvent) => void }): Promise<unknown>;
}

/**
 * The pack judges the whole stack in a preview first, then the up runs: an up without a preview
 * (the Automation API's) runs the stack-level policies only once the resources exist, and a
 * world-open set of rules must never exist, even for a moment. A preview that fails (a mandatory
 * violation, or anything else) stops before anything changes; `collect` sees its events.
 */
export async function previewThenUp<O extends object>(stack: PreviewAndUp<O>, options: O, collect: (event: EngineEvent) => void, onEvent: (event: EngineEvent) => void): Promise<void> {
    await stack.preview({ ...options, onEvent: collect });
    await stack.up({ ...options, onEvent });
}

/**
 * The Pulumi CLI at `file`: the one `up` installed runs from its root; one found on PATH runs as
 * PATH finds it (a version manager's shim is not in the folder of the binary it runs).
 */
export async function pulumiAt(file: string, home: string): Promise<PulumiCommand> {
    const { PulumiCommand } = await import("@pulumi/pulumi/automation");
    if (file === installedPulumi(home)) return PulumiCommand.get({ root: path.dirname(path.dirname(file)), skipVersionCheck: true });
    return PulumiCommand.get({ skipVersionCheck: true });
}

/**
 * The real connections for the stack --stack names (else PULUMI_STACK, else the operator's
 * personal stack). The Pulumi CLI that reads the outputs and ssh run with `env` (the bin's is the
 * process's own); the Automation API and the AWS SDK read the process's.
 */
export function realDeps(env: NodeJS.ProcessEnv, stackFlag?: string): Deps {
    const home = env.HOME ?? os.homedir();
    const stack = chooseStack(stackFlag, env, userName());
    const found = findEnvironment(stack, env, home);
    /** The Pulumi CLI: on PATH (as it is, shims too) or installed by an earlier run, else the SDK's own version, installed now. */
    const pulumiCommand = async (t: Translate, say: (line: string) => void): Promise<PulumiCommand> => {
        const { PulumiCommand } = await import("@pulumi/pulumi/automation");
        if (found.pulumi === undefined) {
            const version = pinnedPulumiVersion();
            say(t("setup.installing", { version, dir: path.dirname(path.dirname(installedPulumi(home, version))) }));
            return PulumiCommand.install().catch((err: unknown) => {
                throw new CliError(exitCodes.prerequisite, t("setup.installFailed", { reason: errorLine(err instanceof Error ? err.message : String(err)) }));
            });
        }
        // Never <parent>/bin/pulumi: a version manager's shim lives elsewhere than the binary it runs.
        return pulumiAt(found.pulumi, home);
    };
    const workspace = async (t: Translate, say: (line: string) => void): Promise<LocalWorkspace> => {
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
        const command = await pulumiCommand(t, say);
        if (found.backend.local) say(t("setup.localBackend", { dir: path.join(home, ".pulumi") }));
        return LocalWorkspace.create({ workDir: projectDir, pulumiCommand: command, envVars: { ...found.env }, ...(found.backend.cloud ? {} : { secretsProvider: "passphrase" }) });
    };
    return {
        stack,
        env,
        outputs: () =>
            new Promise((resolve, reject) => {
                if (found.pulumi === undefined) return reject(Object.assign(new Error("pulumi: not found"), { code: "ENOENT" }));
                execFile(found.pulumi, ["stack", "output", "--json", "--show-secrets", "--stack", stack], { cwd: projectDir, env: { ...env, ...found.env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
                    if (err) return reject(Object.assign(new Error(stderr.trim() === "" ? err.message : stderr.trim()), { code: (err as { code?: unknown }).code }));
                    try {
                        resolve(JSON.parse(stdout) as Record<string, unknown>);
                    } catch {
                        reject(new Error("pulumi stack output did not print JSON"));
                    }
                });
            }),
        ssh: (target, command, stdin) =>
            withKey(target, (args) => new Promise((resolve) => {
                const child = spawn("ssh", [...args, command], { env });
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
                child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
                child.stdin.on("error", () => undefined);
                child.on("error", (e) => resolve({ code: -1, stdout, stderr: e.message }));
                child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
                child.stdin.end(stdin ?? "");
            }), env),
        sshInteractive: (target) =>
            withKey(target, (args) => new Promise((resolve) => spawn("ssh", args, { env, stdio: "inherit" }).on("error", () => resolve(-1)).on("close", (code) => resolve(code ?? -1))), env),
        labStack: async (t, say): Promise<LabStack> => {
            const { Stack } = await import("@pulumi/pulumi/automation");
            const { capacityOverrideVariable, exposureOverrideVariable, instanceUrns, labCapacity, labExposure, UpFailed, upRunVariable } = await import("../lib/fallback");
            const { targetExposures } = await import("../lib/exposure");
            const ws = await workspace(t, say);
            // This run's id, next to the override: the program honours the override only with it.
            const runId = `${process.pid}-${Date.now()}`;
            const exists = (await ws.listStacks()).some((summary) => summary.name === stack || summary.name.endsWith(`/${stack}`));
            if (!exists) {
                // A new stack: its passphrase asked once (or made, with no one to ask) and kept.
                if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined && ws.envVars.PULUMI_CONFIG_PASSPHRASE_FILE === undefined && !found.backend.cloud) {
                    const file = passphraseFile(home, stack);
                    keepPassphrase(file, (await askHidden(t("setup.passphraseAsk", { stack }))) || generatedPassphrase());
                    ws.envVars = { ...ws.envVars, PULUMI_CONFIG_PASSPHRASE_FILE: file };
                    say(t("setup.passphraseKept", { stack, file }));
                }
                await ws.createStack(stack);
                say(t("setup.stackCreated", { stack }));
            }
            const s = await Stack.select(stack, ws);
            // On an existing cluster: its exposures only, and no workers' capacity or EC2 instances to refresh.
            const target = (await s.getConfig("k8s-lab:target").catch(() => undefined))?.value === "existingCluster" ? "existingCluster" : "aws";
            const modes = targetExposures[target];
            const platformStack: LabStack = {
                exposure: async () => {
                    const configured = ((await s.getConfig("k8s-lab:exposure").catch(() => undefined))?.value ?? "nodePort") as Exposure;
                    const o = await s.outputs();
                    return { configured, current: labExposure(configured, { exposure: o.exposure?.value, configuredExposure: o.configuredExposure?.value }, undefined, t, modes), modes };
                },
                up: async ({ policyPacks, policyPackConfigs, output, signal, onEvent: timed }, exposure, capacity) => {
                    const failed = new Map<string, string>();
                    const started = Date.now();
                    const track = phaseTracker((phase) => say(t("up.phase", { phase: phaseName(phase, t), elapsed: elapsed(Date.now() - started) })));
                    const onEvent = (event: EngineEvent): void => {
                        timed?.(event);
                        const error = failedResource(event);
                        if (error !== undefined && !failed.has(error.resource)) failed.set(error.resource, error.error);
                        const urn = event.resourcePreEvent?.metadata.urn;
                        if (urn !== undefined) track(urn);
                    };
                    // The one-run override, never a config file: the program keeps what it built in its state.
                    // One the shell exported is for plain pulumi up: here the fallback decides.
                    const overrides = [exposureOverrideVariable, capacityOverrideVariable, upRunVariable];
                    for (const key of overrides) Reflect.deleteProperty(process.env, key);
                    const others = (): Record<string, string> => Object.fromEntries(Object.entries(s.workspace.envVars).filter(([key]) => !overrides.includes(key)));
                    const given = { ...(exposure === undefined ? {} : { [exposureOverrideVariable]: exposure }), ...(capacity === undefined ? {} : { [capacityOverrideVariable]: capacity }) };
                    s.workspace.envVars = Object.keys(given).length === 0 ? others() : { ...others(), ...given, [upRunVariable]: runId };
                    try {
                        const collect = (event: EngineEvent): void => {
                            const error = failedResource(event);
                            if (error !== undefined && !failed.has(error.resource)) failed.set(error.resource, error.error);
                        };
                        await previewThenUp(s, { policyPacks, policyPackConfigs, onOutput: output, onError: output, signal }, collect, onEvent);
                    } catch (err) {
                        // The command error carries the engine's whole output: keep only the failing resources.
                        throw failed.size > 0 ? new UpFailed([...failed].map(([resource, error]) => ({ resource, error }))) : err;
                    } finally {
                        s.workspace.envVars = others();
                    }
                },
                endpoints: async () => {
                    const { endpointOutputsSchema } = await import("../lib/stackOutputs");
                    const o = await s.outputs();
                    const parsed = endpointOutputsSchema.parse(Object.fromEntries(Object.entries(o).map(([key, value]) => [key, value.value])));
                    return { targets: parsed.endpoints, grafanaPassword: parsed.grafanaAdminPassword };
                },
            };
            if (target === "existingCluster") {
                return {
                    ...platformStack,
                    // Every resource, with the kubeconfig the program reads now (a cluster created again has new certificates).
                    // A new lab has nothing to read.
                    refresh: async ({ output, signal }, tell) => {
                        const { resources } = ((await s.exportStack()).deployment ?? {}) as { resources?: { type?: unknown }[] };
                        if (!(resources ?? []).some((r) => String(r.type).startsWith("kubernetes:"))) return undefined;
                        tell(t("up.refreshingCluster"));
                        await s.refresh({ runProgram: true, onOutput: output, onError: output, signal });
                        return undefined;
                    },
                };
            }
            return {
                ...platformStack,
                capacity: async () => {
                    const configured = ((await s.getConfig("k8s-lab:workerCapacity").catch(() => undefined))?.value ?? "spot") as WorkerCapacity;
                    const o = await s.outputs();
                    return { configured, current: labCapacity(configured, { workerCapacity: o.workerCapacity?.value, configuredWorkerCapacity: o.configuredWorkerCapacity?.value }, undefined, t) };
                },
                refresh: async ({ output, signal }, tell) => {
                    const instances = instanceUrns((await s.exportStack()).deployment);
                    if (instances.length === 0) return undefined;
                    tell(t("up.refreshing", { count: instances.length }));
                    // Only the instances: nothing else is read, and the program does not run.
                    const gone = (await s.refresh({ target: instances, onOutput: output, onError: output, signal })).summary.resourceChanges?.delete ?? 0;
                    return gone > 0 ? t("up.instancesGone", { count: gone }) : undefined;
                },
                nodeImage: async () => {
                    const { nodeImageOutput } = await import("../lib/stackOutputs");
                    const parsed = nodeImageOutput.safeParse((await s.outputs()).nodeImage?.value);
                    return parsed.success ? parsed.data : undefined;
                },
            };
        },
        destroy: async (t, say, output, signal) => {
            const { Stack } = await import("@pulumi/pulumi/automation");
            const ws = await workspace(t, say);
            const exists = (await ws.listStacks()).some((summary) => summary.name === stack || summary.name.endsWith(`/${stack}`));
            if (!exists) throw new CliError(exitCodes.prerequisite, t("cli.destroyNoStack", { stack }));
            const s = await Stack.select(stack, ws);
            // On an existing cluster, with the kubeconfig the program reads now: a cluster created
            // again since the last up has new certificates. A cluster that is gone fails the destroy
            // (docs/operations.md: PULUMI_K8S_DELETE_UNREACHABLE).
            const onCluster = (await s.getConfig("k8s-lab:target").catch(() => undefined))?.value === "existingCluster";
            await s.destroy({ onOutput: output, onError: output, signal, ...(onCluster ? { runProgram: true } : {}) });
            return onCluster ? "existingCluster" : "aws";
        },
        shellEnv: () => {
            const vars: Record<string, string> = { PULUMI_STACK: stack };
            if (found.backend.url !== undefined) vars.PULUMI_BACKEND_URL = found.backend.url;
            if (found.passphraseFile !== undefined) vars.PULUMI_CONFIG_PASSPHRASE_FILE = found.passphraseFile;
            // The CLI up installed is on no PATH; one found on PATH is already there.
            const pathDir = found.pulumi !== undefined && found.pulumi === installedPulumi(home) ? path.dirname(found.pulumi) : undefined;
            return { vars, pathDir };
        },
        // The stack's own region, never AWS_REGION: the sweep looks where the lab is.
        sweepClient: async () => {
            const { awsSweepClient, stackRegion } = await import("./awsSweep");
            return awsSweepClient(stackRegion(projectDir, stack));
        },
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
    };
}
