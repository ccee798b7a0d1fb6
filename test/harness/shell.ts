/**
 * Runs a rendered node script for real, in bash, with the node's commands (kubeadm, kubectl,
 * cloud-init, ...) replaced by fakes that record how they were called, and kubeadm's directory
 * moved into a temporary one.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ScriptRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

export class Sandbox {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-script-"));
    readonly bin = path.join(this.dir, "bin");
    readonly kubernetesDir = path.join(this.dir, "etc-kubernetes");
    readonly cniDir = path.join(this.dir, "etc-cni");
    readonly marker = path.join(this.dir, "prepared");
    private readonly log = path.join(this.dir, "calls.log");

    constructor() {
        fs.mkdirSync(this.bin);
        fs.writeFileSync(this.log, "");
        // Retries should not make a failing test slow.
        this.fake("sleep", "exit 0");
    }

    /** Puts a fake command on the PATH; it logs `name args...` and then runs `body`. */
    fake(name: string, body: string): void {
        const file = path.join(this.bin, name);
        fs.writeFileSync(file, `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >> "${this.log}"\n${body}\n`, { mode: 0o755 });
    }

    /** The fake commands called so far, one `name args...` line each. */
    calls(): string[] {
        return fs.readFileSync(this.log, "utf8").split("\n").filter((line) => line !== "");
    }

    /** Runs a script as Pulumi does, from bash's standard input. */
    run(script: string, env: Record<string, string> = {}): ScriptRun {
        const result = spawnSync("bash", ["-s"], {
            input: script,
            encoding: "utf8",
            env: {
                PATH: `${this.bin}:${process.env.PATH}`,
                HOME: this.dir,
                KUBERNETES_DIR: this.kubernetesDir,
                CNI_CONFIG_DIR: this.cniDir,
                PREPARED_MARKER: this.marker,
                ...env,
            },
            timeout: 20_000,
        });
        return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
