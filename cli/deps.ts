/**
 * The CLI's real connections: the Pulumi CLI for the stack's outputs, the Automation API for
 * `up`, and OpenSSH with the lab's key (written to a private temporary file) for the nodes.
 */
import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace } from "@pulumi/pulumi/automation";
import { awsSweepClient, stackRegion } from "./awsSweep";
import { Deps, SshTarget } from "./lab";
import { exposureOverrideVariable, LabStack, labExposure, ResourceError, UpFailed } from "../lib/fallback";
import { translator } from "../lib/messages";
import { Exposure } from "../lib/placement";
import { sshArgs } from "../lib/ssh";

const projectDir = path.join(__dirname, "..");

function withKey<T>(target: SshTarget, use: (args: string[]) => Promise<T>): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-ssh-"));
    const key = path.join(dir, "key");
    fs.writeFileSync(key, target.privateKey, { mode: 0o600 });
    return use(sshArgs(key, target.host, target.jump)).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
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

export function realDeps(env: NodeJS.ProcessEnv): Deps {
    const stack = env.PULUMI_STACK ?? "dev";
    return {
        stack,
        env,
        outputs: () =>
            new Promise((resolve, reject) =>
                execFile("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], { cwd: projectDir, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
                    err ? reject(new Error(stderr.trim() === "" ? err.message : stderr.trim().split("\n").pop())) : resolve(JSON.parse(stdout) as Record<string, unknown>),
                ),
            ),
        ssh: (target, command, stdin) =>
            withKey(target, (args) => new Promise((resolve) => {
                const child = spawn("ssh", [...args, command]);
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
                child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
                child.on("error", (e) => resolve({ code: -1, stdout, stderr: e.message }));
                child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
                child.stdin.end(stdin ?? "");
            })),
        sshInteractive: (target) =>
            withKey(target, (args) => new Promise((resolve) => spawn("ssh", args, { stdio: "inherit" }).on("error", () => resolve(-1)).on("close", (code) => resolve(code ?? -1)))),
        labStack: async (): Promise<LabStack> => {
            const s = await LocalWorkspace.selectStack({ stackName: stack, workDir: projectDir });
            return {
                exposure: async () => {
                    const configured = ((await s.getConfig("k8s-lab:exposure").catch(() => undefined))?.value ?? "nodePort") as Exposure;
                    const o = await s.outputs();
                    return { configured, current: labExposure(configured, { exposure: o.exposure?.value, configuredExposure: o.configuredExposure?.value }, undefined, translator("en")) };
                },
                up: async ({ policyPacks, policyPackConfigs, output }, exposure) => {
                    const failed = new Map<string, string>();
                    const onEvent = (event: EngineEvent): void => {
                        const error = failedResource(event);
                        if (error !== undefined && !failed.has(error.resource)) failed.set(error.resource, error.error);
                    };
                    // The one-run override, never a config file: the program keeps what it built in its state.
                    if (exposure === undefined) delete s.workspace.envVars[exposureOverrideVariable];
                    else (s.workspace as LocalWorkspace).envVars[exposureOverrideVariable] = exposure;
                    try {
                        await s.up({ policyPacks, policyPackConfigs, onOutput: output, onError: output, onEvent });
                    } catch (err) {
                        // The command error carries the engine's whole output: keep only the failing resources.
                        throw failed.size > 0 ? new UpFailed([...failed].map(([resource, error]) => ({ resource, error }))) : err;
                    }
                },
                endpoints: async () => {
                    const o = await s.outputs();
                    if (o.bookinfoUrl === undefined) throw new Error(`stack ${stack} has no outputs yet`);
                    return { bookinfoUrl: String(o.bookinfoUrl?.value), grafanaUrl: String(o.grafanaUrl?.value), grafanaPassword: String(o.grafanaAdminPassword?.value) };
                },
            };
        },
        // The stack's own region, never AWS_REGION: the sweep looks where the lab is.
        sweepClient: () => awsSweepClient(stackRegion(projectDir, stack)),
        out: (text) => process.stdout.write(`${text}\n`),
        err: (text) => process.stderr.write(`${text}\n`),
    };
}
