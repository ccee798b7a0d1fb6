/**
 * One run of a command: the operator's language, what it prints (redacted; with --json one
 * document on stdout and every message on stderr), and the stack's outputs, read once.
 */
import * as fs from "fs";
import * as path from "path";
import { Language, terminalLanguage, translator, Translate } from "../lib/messages";
import { engineErrorLine, redact, redactValue } from "../lib/redact";
import type { AwsCliOutputs, CliOutputs } from "../lib/stackOutputs";
import { CliError, Deps, exitCodes, SshTarget } from "./types";

/** The project's folder (its Pulumi.yaml), from cli/ or from the compiled dist/cli/. */
export const projectDir = ((): string => {
    for (let dir = path.join(__dirname, ".."); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) return path.join(__dirname, "..");
    }
})();

/** A one-word setting of the stack, read from its stack file without loading a YAML parser. */
function stackSetting(stack: string, key: "language" | "target", dir: string): string | undefined {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return undefined;
    return new RegExp(`^\\s+k8s-lab:${key}:\\s*["']?(\\w+)`, "m").exec(fs.readFileSync(file, "utf8"))?.[1];
}

/** The stack's `language` setting. */
export const stackLanguage = (stack: string, dir = projectDir): string | undefined => stackSetting(stack, "language", dir);

/** The stack's `target` setting; unset: aws. */
export const stackTarget = (stack: string, dir = projectDir): string => stackSetting(stack, "target", dir) ?? "aws";

/** The terminal's language: LAB_LANGUAGE (set by the program for verify), the stack's setting, the locale. */
export function cliLanguage(deps: Pick<Deps, "env" | "stack">, dir = projectDir): Language {
    return terminalLanguage(deps.env.LAB_LANGUAGE ?? stackLanguage(deps.stack, dir), deps.env);
}

/** An error's message. */
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Context {
    readonly t: Translate;
    /** Values known to be secret, redacted wherever they appear; grows as the CLI reads them. */
    readonly secrets: string[];
    private cached?: CliOutputs;

    constructor(readonly deps: Deps, readonly language: Language, readonly json: boolean, readonly values: Record<string, string | boolean | undefined>, readonly args: string[]) {
        this.t = translator(language);
        this.secrets = [deps.env.LAB_GRAFANA_PASSWORD ?? ""];
    }

    get stack(): string {
        return this.deps.stack;
    }

    out(text: string): void {
        this.deps.out(redact(text, this.secrets));
    }

    err(text: string): void {
        this.deps.err(redact(text, this.secrets));
    }

    /** A message for the operator: stdout for sentences, stderr when stdout is the JSON document. */
    say(text: string): void {
        if (this.json) this.err(text);
        else this.out(text);
    }

    /** The command's result: its JSON document with --json, else its sentences. */
    print(document: Record<string, unknown>, lines: string[]): void {
        if (this.json) this.out(JSON.stringify(redactValue(document, this.secrets), null, 2));
        else for (const line of lines) this.out(line);
    }

    /** The stack's outputs, checked against the contract; a sentence and exit 3 when they cannot be read. */
    async outputs(): Promise<CliOutputs> {
        if (this.cached) return this.cached;
        let raw: Record<string, unknown>;
        try {
            raw = await this.deps.outputs();
        } catch (err) {
            throw this.prerequisite(err);
        }
        const { cliOutputsSchema } = await import("../lib/stackOutputs");
        const parsed = cliOutputsSchema.safeParse(raw);
        if (!parsed.success) {
            const reason = `missing or invalid ${[...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ")}`;
            throw new CliError(exitCodes.prerequisite, this.t("cli.noOutputs", { stack: this.stack, reason }));
        }
        this.cached = parsed.data;
        this.secrets.push(...(parsed.data.target === "aws" ? [parsed.data.sshPrivateKey, parsed.data.kubeconfig] : []), parsed.data.grafanaAdminPassword);
        return parsed.data;
    }

    /**
     * The outputs of a lab on AWS, for `command`, which reaches its nodes or the AWS account: one
     * sentence (exit 2) for a lab on an existing cluster, by its stack file before its state (a
     * stack not made yet, or no Pulumi CLI yet, is still refused as such), then by its outputs.
     */
    async awsOutputs(command: string): Promise<AwsCliOutputs> {
        if (stackTarget(this.stack) !== "aws") throw this.notOnExistingCluster(command);
        const o = await this.outputs();
        if (o.target !== "aws") throw this.notOnExistingCluster(command);
        return o;
    }

    /** The sentence of a command that does not apply to a lab on an existing cluster. */
    notOnExistingCluster(command: string): CliError {
        return new CliError(exitCodes.usage, this.t("cli.notOnExistingCluster", { command, stack: this.stack }));
    }

    /** What reading the stack failed on, as the sentence of a missing prerequisite. */
    prerequisite(err: unknown): CliError {
        return this.knownCause(err) ?? new CliError(exitCodes.prerequisite, this.t("cli.noOutputs", { stack: this.stack, reason: engineErrorLine(errorText(err), this.secrets) }));
    }

    /** A failure whose cause the CLI knows, as its own sentence: no Pulumi CLI, no passphrase, a stack file that is no YAML, a folder it cannot write. */
    knownCause(err: unknown): CliError | undefined {
        const error = err as Error & { code?: string; path?: string };
        const reason = errorText(err);
        if ((error?.code === "ENOENT" && /pulumi/.test(reason + (error.path ?? ""))) || /spawn \S*pulumi ENOENT|pulumi: (command )?not found/.test(reason)) return new CliError(exitCodes.prerequisite, this.t("cli.pulumiMissing", { reason: "pulumi: not found" }));
        if (/passphrase must be set|incorrect passphrase|PULUMI_CONFIG_PASSPHRASE/i.test(reason)) return new CliError(exitCodes.prerequisite, this.t("cli.passphraseMissing"));
        if (error?.name === "YAMLParseError" || /could not (load|read) stack configuration|yaml: (line \d+|unmarshal)/i.test(reason)) return new CliError(exitCodes.prerequisite, this.t("cli.stackFileInvalid", { file: `Pulumi.${this.stack}.yaml`, reason: engineErrorLine(error?.name === "YAMLParseError" ? reason.split("\n")[0] : reason, this.secrets) }));
        if (["EACCES", "EROFS", "EPERM", "ENOSPC"].includes(error?.code ?? "")) return new CliError(exitCodes.prerequisite, this.t("cli.cannotWriteFolder", { dir: error.path ?? "?", reason: `${error.code}` }));
        return undefined;
    }

    nodeTarget(o: AwsCliOutputs, node: string): SshTarget | undefined {
        const index = o.nodeNames.indexOf(node);
        if (index < 0) return undefined;
        return index === 0 ? { host: o.controlPlanePublicIp, privateKey: o.sshPrivateKey } : { host: o.workerPrivateIps[index - 1], jump: o.controlPlanePublicIp, privateKey: o.sshPrivateKey };
    }

    /** `--retry <seconds>`: whole seconds from 0 to 3600. */
    retrySeconds(): number {
        const value = this.values.retry;
        if (value === undefined) return 0;
        if (typeof value !== "string" || !/^\d+$/.test(value) || Number(value) > 3600) throw new CliError(exitCodes.usage, this.t("cli.badRetry", { value: String(value) }));
        return Number(value);
    }
}
