/**
 * What a fresh machine lacks before `k8s-lab up` can run, found or made once and said aloud:
 * the Pulumi CLI (the SDK's own version, installed through the Automation API under
 * ~/.pulumi/versions when none is on PATH), a backend (a local file backend in ~/.pulumi when
 * none is configured), a stack (a personal one, never the CI stack `dev`, unless --stack or
 * PULUMI_STACK names one) and the secrets passphrase (asked once, kept mode 600 in
 * ~/.config/k8s-lab/). Every later call gets the same command and environment.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The CI stack's name: a personal stack is never called that. */
export const ciStack = "dev";

/** The personal stack's name: the login name, lower-case letters, digits and dashes. */
export function personalStack(user: string): string {
    const name = user.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "lab";
    return name === ciStack ? `${name}-lab` : name;
}

/** The stack a command works on: --stack, else PULUMI_STACK, else the operator's personal stack. */
export function chooseStack(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, user: string): string {
    return flag ?? (env.PULUMI_STACK || personalStack(user));
}

/**
 * Where the state lives: PULUMI_BACKEND_URL, else the backend `pulumi login` chose, else Pulumi
 * Cloud when PULUMI_ACCESS_TOKEN is set, else a local file backend. `cloud`: the service keeps the
 * secrets, no passphrase.
 */
export function chooseBackend(env: Readonly<Record<string, string | undefined>>, home: string): { url?: string; local: boolean; cloud: boolean } {
    const service = (url: string): boolean => url.startsWith("https://");
    if (env.PULUMI_BACKEND_URL) return { url: env.PULUMI_BACKEND_URL, local: false, cloud: service(env.PULUMI_BACKEND_URL) };
    const credentials = path.join(env.PULUMI_HOME ?? path.join(home, ".pulumi"), "credentials.json");
    try {
        const current = (JSON.parse(fs.readFileSync(credentials, "utf8")) as { current?: string }).current;
        if (current) return { url: current, local: false, cloud: service(current) };
    } catch {
        // Never logged in: no credentials file.
    }
    // A token without a login: Pulumi Cloud, the CLI's default backend.
    if (env.PULUMI_ACCESS_TOKEN) return { local: false, cloud: true };
    return { url: `file://${home}`, local: true, cloud: false };
}

/** The file that keeps a stack's passphrase, readable by its owner only. */
export function passphraseFile(home: string, stack: string): string {
    return path.join(home, ".config", "k8s-lab", `${stack}.passphrase`);
}

/** Writes the passphrase with mode 600 (its folder 700), whatever the umask. */
export function keepPassphrase(file: string, passphrase: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, passphrase, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
}

/** The first `pulumi` on PATH that is a file, or undefined. */
export function pulumiOnPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        if (dir === "") continue;
        const candidate = path.join(dir, "pulumi");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // Not here.
        }
    }
    return undefined;
}

/** The CLI version `up` installs: the one the SDK in package.json is released with. */
export function pinnedPulumiVersion(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/** Where `up` installs the pinned CLI (the Automation API's default root). */
export function installedPulumi(home: string, version = pinnedPulumiVersion()): string {
    return path.join(home, ".pulumi", "versions", version, "bin", "pulumi");
}

export interface Environment {
    stack: string;
    /** The Pulumi CLI to run, or undefined when there is none. */
    pulumi?: string;
    /** What every Pulumi call gets on top of the operator's environment. */
    env: Record<string, string>;
    backend: { url?: string; local: boolean; cloud: boolean };
    /** The passphrase file in use, if any. */
    passphraseFile?: string;
}

/** What a command finds, without changing anything: the CLI, the backend, a kept passphrase. */
export function findEnvironment(stack: string, env: Readonly<Record<string, string | undefined>>, home: string): Environment {
    const backend = chooseBackend(env, home);
    const extra: Record<string, string> = {};
    if (backend.local && backend.url) extra.PULUMI_BACKEND_URL = backend.url;
    const kept = passphraseFile(home, stack);
    let passphrase: string | undefined;
    if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined && fs.existsSync(kept)) {
        extra.PULUMI_CONFIG_PASSPHRASE_FILE = kept;
        passphrase = kept;
    }
    const installed = installedPulumi(home);
    const pulumi = pulumiOnPath(env) ?? (fs.existsSync(installed) ? installed : undefined);
    return { stack, pulumi, env: extra, backend, passphraseFile: passphrase ?? env.PULUMI_CONFIG_PASSPHRASE_FILE };
}

/** Reads a line from the terminal without echoing it; undefined when stdin is not a terminal. */
export function askHidden(question: string): Promise<string | undefined> {
    const stdin = process.stdin;
    if (!stdin.isTTY) return Promise.resolve(undefined);
    process.stderr.write(question);
    return new Promise((resolve) => {
        let answer = "";
        stdin.setRawMode(true);
        stdin.resume();
        stdin.setEncoding("utf8");
        const onData = (chunk: string): void => {
            for (const char of chunk) {
                if (char === "\r" || char === "\n" || char === "\u0004") {
                    stdin.setRawMode(false);
                    stdin.pause();
                    stdin.off("data", onData);
                    process.stderr.write("\n");
                    resolve(answer);
                    return;
                }
                if (char === "\u0003") process.exit(130);
                if (char === "\u007f") answer = answer.slice(0, -1);
                else answer += char;
            }
        };
        stdin.on("data", onData);
    });
}

/** A passphrase for a new stack when no one is there to ask: 32 random bytes, base64url. */
export function generatedPassphrase(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("crypto") as typeof import("crypto")).randomBytes(32).toString("base64url");
}

export const userName = (): string => {
    try {
        return os.userInfo().username;
    } catch {
        return "lab";
    }
};
