/**
 * What a new user meets around `up`: tearing the lab down (destroy), plain pulumi on the same
 * stack (env), Ctrl-C, the version, and the option errors. The stack is faked; nothing leaves the machine.
 */
import * as assert from "assert";
import { EventEmitter } from "events";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "../../cli/args";
import { pulumiAt, withKey } from "../../cli/deps";
import { onInterrupt } from "../../cli/interrupt";
import { main } from "../../cli/lab";
import { chooseBackend, pinnedPulumiVersion } from "../../cli/setup";
import { Deps, exitCodes } from "../../cli/types";

function fake(over: Partial<Deps> = {}, env: Record<string, string> = { LANG: "en_US.UTF-8" }) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: Deps = {
        stack: "kim",
        env,
        outputs: async () => assert.fail("no outputs"),
        ssh: async () => assert.fail("no ssh"),
        sshInteractive: async () => assert.fail("no ssh"),
        labStack: async () => assert.fail("no stack"),
        sweepClient: () => assert.fail("no sweep"),
        destroy: async () => assert.fail("no destroy"),
        shellEnv: () => assert.fail("no env"),
        out: (text) => void out.push(text),
        err: (text) => void err.push(text),
        ...over,
    };
    return { deps, out, err };
}

describe("k8s-lab destroy and env", () => {
    it("destroys the stack, streams the engine's output redacted to stderr, and points to sweep", async () => {
        const cli = fake({ destroy: async (_t, _say, output) => (output("Destroying (kim):\n - aws:ec2:Instance control-plane deleted\n"), "aws") });
        assert.strictEqual(await main(["destroy"], cli.deps), exitCodes.ok);
        assert.deepStrictEqual(cli.out, ["Destroyed the cloud resources of stack kim; k8s-lab sweep lists anything a destroy left behind."]);
        assert.deepStrictEqual(cli.err, ["Destroying (kim):", " - aws:ec2:Instance control-plane deleted"]);
        const json = fake({ destroy: async () => "aws" });
        assert.strictEqual(await main(["destroy", "--json"], json.deps), exitCodes.ok);
        assert.deepStrictEqual(JSON.parse(json.out.join("\n")), { ok: true, stack: "kim", destroyed: true });
        // On an existing cluster, nothing is left in an AWS account: no pointer to sweep.
        const onCluster = fake({ destroy: async () => "existingCluster" });
        assert.strictEqual(await main(["destroy"], onCluster.deps), exitCodes.ok);
        const korean = fake({ destroy: async () => "existingCluster" }, { LANG: "ko_KR.UTF-8" });
        assert.strictEqual(await main(["destroy"], korean.deps), exitCodes.ok);
        assert.deepStrictEqual([...onCluster.out, ...korean.out], [
            "Destroyed the platform of stack kim on its cluster; the cluster itself is left as it was (kind delete cluster removes a kind cluster).",
            "kim 스택의 플랫폼을 클러스터에서 삭제했습니다. 클러스터 자체는 그대로 둡니다(kind 클러스터는 kind delete cluster로 지웁니다).",
        ]);
    });

    it("says in one sentence when destroy fails (exit 5), lacks its passphrase (exit 3) or finds no stack (exit 3), in Korean too", async () => {
        const failed = fake({ destroy: async () => { throw new Error("error: deleting urn:...::vpc: DependencyViolation\nmore lines"); } });
        assert.strictEqual(await main(["destroy"], failed.deps), exitCodes.cloud);
        assert.deepStrictEqual(failed.err, ["pulumi destroy of stack kim failed (error: deleting urn:...::vpc: DependencyViolation): run k8s-lab destroy again; k8s-lab sweep lists what is left."]);
        const locked = fake({ destroy: async () => { throw new Error("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE"); } });
        assert.strictEqual(await main(["destroy"], locked.deps), exitCodes.prerequisite);
        assert.deepStrictEqual(locked.err, ["The stack's secrets cannot be decrypted: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the stack's passphrase."]);
        const { CliError } = await import("../../cli/types");
        const none = fake({ destroy: async (t) => { throw new CliError(exitCodes.prerequisite, t("cli.destroyNoStack", { stack: "kim" })); } }, { LANG: "ko_KR.UTF-8" });
        assert.strictEqual(await main(["destroy"], none.deps), exitCodes.prerequisite);
        assert.deepStrictEqual(none.err, ["이 백엔드에 kim 스택이 없어 삭제할 것이 없습니다. 다른 스택은 --stack이나 PULUMI_STACK으로 고르세요."]);
    });

    it("prints the exports for plain pulumi, quoted for sh, with the installed CLI's folder first on PATH, and never the passphrase", async () => {
        const vars = { PULUMI_STACK: "kim", PULUMI_BACKEND_URL: "file:///home/kim", PULUMI_CONFIG_PASSPHRASE_FILE: "/home/kim/.config/k8s-lab/kim's.passphrase" };
        const cli = fake({ shellEnv: () => ({ vars, pathDir: "/home/kim/.pulumi/versions/3.270.0/bin" }) });
        assert.strictEqual(await main(["env"], cli.deps), exitCodes.ok);
        assert.deepStrictEqual(cli.out, [
            "export PULUMI_BACKEND_URL='file:///home/kim'",
            "export PULUMI_CONFIG_PASSPHRASE_FILE='/home/kim/.config/k8s-lab/kim'\\''s.passphrase'",
            "export PULUMI_STACK='kim'",
            "export PATH='/home/kim/.pulumi/versions/3.270.0/bin':\"$PATH\"",
        ]);
        const json = fake({ shellEnv: () => ({ vars: { PULUMI_STACK: "kim" } }) });
        assert.strictEqual(await main(["env", "--json"], json.deps), exitCodes.ok);
        assert.deepStrictEqual(JSON.parse(json.out.join("\n")), { ok: true, env: { PULUMI_STACK: "kim" } });
    });

    it("takes a PULUMI_ACCESS_TOKEN without a login as Pulumi Cloud, not a local file backend", () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-home-"));
        assert.deepStrictEqual(chooseBackend({ PULUMI_ACCESS_TOKEN: "pul-0123" }, home), { local: false, cloud: true });
        assert.deepStrictEqual(chooseBackend({}, home), { url: `file://${home}`, local: true, cloud: false });
        assert.deepStrictEqual(chooseBackend({ PULUMI_ACCESS_TOKEN: "pul-0123", PULUMI_BACKEND_URL: "s3://bucket" }, home), { url: "s3://bucket", local: false, cloud: false });
        fs.rmSync(home, { recursive: true, force: true });
    });
});

describe("Ctrl-C", () => {
    const run = (terminal: boolean, signals: ("SIGINT" | "SIGTERM")[]) => {
        const target = new EventEmitter();
        const said: string[] = [];
        const exits: number[] = [];
        const interrupt = onInterrupt(() => said.push("cancelling"), { terminal, exit: (code) => void exits.push(code), target });
        for (const signal of signals) target.emit(signal);
        return { aborted: interrupt.signal.aborted, cancelled: interrupt.cancelled(), said, exits, interrupt, target };
    };

    it("cancels on the first signal and exits 130 only on the second", () => {
        assert.deepStrictEqual(({ ...run(false, ["SIGINT"]), interrupt: undefined, target: undefined }), { aborted: true, cancelled: true, said: ["cancelling"], exits: [], interrupt: undefined, target: undefined });
        assert.deepStrictEqual(run(false, []).cancelled, false);
        const twice = run(false, ["SIGINT", "SIGINT"]);
        assert.deepStrictEqual([twice.aborted, twice.said, twice.exits], [true, ["cancelling"], [130]]);
    });

    it("leaves a terminal's Ctrl-C to pulumi (it got it too: a second SIGINT would stop it uncleanly), and passes SIGTERM on", () => {
        const tty = run(true, ["SIGINT"]);
        assert.deepStrictEqual([tty.aborted, tty.cancelled, tty.said, tty.exits], [false, true, ["cancelling"], []]);
        const term = run(true, ["SIGTERM"]);
        assert.deepStrictEqual([term.aborted, term.said, term.exits], [true, ["cancelling"], []]);
    });

    it("removes its handlers when the operation ends", () => {
        const { interrupt, target } = run(false, []);
        assert.deepStrictEqual([target.listenerCount("SIGINT"), target.listenerCount("SIGTERM")], [1, 1]);
        interrupt.dispose();
        assert.deepStrictEqual([target.listenerCount("SIGINT"), target.listenerCount("SIGTERM")], [0, 0]);
    });

    it("stops up after a cancelled update with exit 130, trying no other exposure", async () => {
        const policy = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-pack-"));
        fs.writeFileSync(path.join(policy, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.mkdirSync(path.join(policy, "node_modules", "@pulumi", "policy"), { recursive: true });
        const ups: (string | undefined)[] = [];
        const stack = {
            exposure: async () => ({ configured: "nodePort" as const, current: "nodePort" as const }),
            up: async (options: { signal?: AbortSignal }, exposure?: string) => {
                ups.push(exposure);
                process.emit("SIGTERM");
                assert.strictEqual(options.signal?.aborted, true);
                throw new Error("error: update canceled");
            },
            endpoints: async () => { throw new Error("no outputs"); },
        };
        const cli = fake({ labStack: async () => stack });
        assert.strictEqual(await main(["up", "--policy-pack", policy], cli.deps), 130);
        assert.deepStrictEqual(ups, [undefined]);
        assert.deepStrictEqual(cli.err.filter((line) => line.startsWith("Cancelling")), ["Cancelling: pulumi is finishing the operations it started, so that the state keeps no pending operation and no lock. Press Ctrl-C again to quit at once."]);
        assert.deepStrictEqual([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")].map((n) => n > 0 && n), [false, false]);
        fs.rmSync(policy, { recursive: true, force: true });
    });

    it("cancels destroy through its AbortSignal and says the lab still costs money", async () => {
        const cli = fake({
            destroy: (_t, _say, _output, signal) => new Promise((_resolve, reject) => {
                signal?.addEventListener("abort", () => reject(new Error("error: update canceled")));
                setImmediate(() => process.emit("SIGTERM"));
            }),
        });
        assert.strictEqual(await main(["destroy"], cli.deps), exitCodes.cloud);
        assert.deepStrictEqual(cli.err, [
            "Cancelling: pulumi is finishing the operations it started, so that the state keeps no pending operation and no lock. Press Ctrl-C again to quit at once.",
            "The destroy of stack kim was cancelled: some resources still run and cost money; run k8s-lab destroy again.",
        ]);
        assert.deepStrictEqual([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")].map((n) => n > 0 && n), [false, false]);
    });
});

describe("the command line's own errors and version", () => {
    it("names the option in a missing or unwanted value, and takes the common options before the command", () => {
        assert.deepStrictEqual(parse(["verify", "-s"]), { kind: "usage", key: "cli.optionValue", params: { command: "verify", option: "--stack" }, json: false });
        assert.deepStrictEqual(parse(["verify", "--stack"]), { kind: "usage", key: "cli.optionValue", params: { command: "verify", option: "--stack" }, json: false });
        assert.deepStrictEqual(parse(["up", "--retry"]), { kind: "usage", key: "cli.optionValue", params: { command: "up", option: "--retry" }, json: false });
        assert.deepStrictEqual(parse(["status", "--json=1"]), { kind: "usage", key: "cli.optionNoValue", params: { command: "status", option: "--json" }, json: false });
        assert.deepStrictEqual(parse(["-s", "lab", "--json", "status"]), { kind: "run", command: "status", values: { stack: "lab", json: true }, args: [] });
        assert.deepStrictEqual(parse(["--stack", "lab", "ssh", "worker-0"]), { kind: "run", command: "ssh", values: { stack: "lab" }, args: ["worker-0"] });
        assert.deepStrictEqual(parse(["--stack"]), { kind: "help" });
    });

    it("says a missing value and an unwanted one in one sentence each", async () => {
        const cli = fake();
        assert.strictEqual(await main(["verify", "-s"], cli.deps), exitCodes.usage);
        assert.strictEqual(await main(["status", "--json=1"], cli.deps), exitCodes.usage);
        assert.deepStrictEqual(cli.err, [
            "The option --stack of verify needs a value; run k8s-lab help verify for its usage.",
            "The option --json of status takes no value; run k8s-lab help status for its usage.",
        ]);
    });

    it("prints the package's version and the pinned Pulumi CLI's, for version and --version", async () => {
        const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
        const line = `k8s-lab ${version} (Pulumi CLI ${pinnedPulumiVersion()})`;
        for (const argv of [["version"], ["--version"], ["-V"]]) {
            const cli = fake();
            assert.strictEqual(await main(argv, cli.deps), exitCodes.ok);
            assert.deepStrictEqual(cli.out, [line]);
        }
        const json = fake();
        await main(["--version", "--json"], json.deps);
        assert.deepStrictEqual(JSON.parse(json.out.join("\n")), { ok: true, version, pulumi: pinnedPulumiVersion() });
    });
});

describe("getting the stack ready for up", () => {
    it("runs a pulumi found on PATH as PATH finds it: a version manager's shim, not <its parent>/bin/pulumi", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-shim-"));
        const shims = path.join(dir, "shims");
        fs.mkdirSync(shims);
        fs.writeFileSync(path.join(shims, "pulumi"), "#!/bin/sh\n[ \"$1\" = version ] && echo v3.199.0\n", { mode: 0o755 });
        const saved = process.env.PATH;
        process.env.PATH = `${shims}:${saved}`;
        try {
            const command = await pulumiAt(path.join(shims, "pulumi"), path.join(dir, "home"));
            assert.deepStrictEqual([command.command, command.version?.toString()], ["pulumi", "3.199.0"]);
        } finally {
            process.env.PATH = saved;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("says what stopped up's setup in its own sentence, not as unread outputs", async () => {
        const policy = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-pack-"));
        fs.writeFileSync(path.join(policy, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.mkdirSync(path.join(policy, "node_modules", "@pulumi", "policy"), { recursive: true });
        const failing = (error: Error) => fake({ labStack: async () => { throw error; } }, { LANG: "en_US.UTF-8", PULUMI_STACK: "dev" });
        const readOnly = failing(Object.assign(new Error("EACCES: permission denied, mkdir '/home/kim/.pulumi'"), { code: "EACCES", path: "/home/kim/.pulumi" }));
        assert.strictEqual(await main(["up", "--policy-pack", policy], readOnly.deps), exitCodes.prerequisite);
        const other = failing(new Error("error: could not create stack: bucket not found"));
        assert.strictEqual(await main(["up", "--policy-pack", policy], other.deps), exitCodes.prerequisite);
        const missing = failing(Object.assign(new Error("spawn /tmp/bin/pulumi ENOENT"), { code: "ENOENT", path: "/tmp/bin/pulumi" }));
        assert.strictEqual(await main(["up", "--policy-pack", policy], missing.deps), exitCodes.prerequisite);
        assert.deepStrictEqual([readOnly.err, other.err, missing.err], [
            ["Cannot write in /home/kim/.pulumi (EACCES): k8s-lab needs a folder it can write to there (check its permissions, or set TMPDIR)."],
            ["Could not get stack kim ready for up (error: could not create stack: bucket not found)."],
            ["The Pulumi CLI cannot be run (pulumi: not found): k8s-lab up installs it, or install it yourself (README, Prerequisites)."],
        ]);
        fs.rmSync(policy, { recursive: true, force: true });
    });

    it("says a temporary folder it cannot write as a missing prerequisite (exit 3), not as a bug", async () => {
        const policy = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-pack-"));
        fs.writeFileSync(path.join(policy, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.mkdirSync(path.join(policy, "node_modules", "@pulumi", "policy"), { recursive: true });
        const saved = process.env.TMPDIR;
        const missing = path.join(policy, "no-such-folder");
        process.env.TMPDIR = missing;
        try {
            const cli = fake({ labStack: async () => assert.fail("must not get that far") });
            assert.strictEqual(await main(["up", "--policy-pack", policy], cli.deps), exitCodes.prerequisite);
            assert.deepStrictEqual(cli.err, [`Cannot write in ${missing} (ENOENT): k8s-lab needs a folder it can write to there (check its permissions, or set TMPDIR).`]);
        } finally {
            if (saved === undefined) delete process.env.TMPDIR;
            else process.env.TMPDIR = saved;
            fs.rmSync(policy, { recursive: true, force: true });
        }
    });
});

describe("sweep without LAB_ID", () => {
    const noClient = { sweepClient: () => assert.fail("must not ask AWS") };

    it("sweeps nothing for a stack that is not there or has no outputs yet (exit 0)", async () => {
        for (const outputs of [async () => { throw new Error("error: no stack named 'kim' found"); }, async () => ({})]) {
            const cli = fake({ outputs, ...noClient });
            assert.strictEqual(await main(["sweep"], cli.deps), exitCodes.ok);
            assert.deepStrictEqual(cli.out, ["Nothing was swept: stack kim has no LabId in its state, and without it this lab cannot be told apart from another of the same name. Set LAB_ID to the value pulumi stack output labId printed before the destroy."]);
        }
    });

    it("says what it could not read as a missing prerequisite (exit 3), never as nothing to sweep", async () => {
        const cases: [Error, string][] = [
            [Object.assign(new Error("pulumi: not found"), { code: "ENOENT" }), "The Pulumi CLI cannot be run (pulumi: not found): k8s-lab up installs it, or install it yourself (README, Prerequisites)."],
            [new Error("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE"), "The stack's secrets cannot be decrypted: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the stack's passphrase."],
            [new Error("pulumi stack output did not print JSON"), "Could not read the outputs of stack kim (pulumi stack output did not print JSON): has k8s-lab up --stack kim run, from this project folder?"],
        ];
        for (const [error, sentence] of cases) {
            const cli = fake({ outputs: async () => { throw error; }, ...noClient });
            assert.strictEqual(await main(["sweep", "--json"], cli.deps), exitCodes.prerequisite);
            assert.deepStrictEqual([cli.err, JSON.parse(cli.out.join("\n"))], [[sentence], { ok: false, exitCode: exitCodes.prerequisite, error: sentence }]);
        }
    });

    it("says a stack file that is no YAML in one sentence (exit 3), not as AWS's failure", async () => {
        const yamlError = Object.assign(new Error("Nested mappings are not allowed in compact mappings at line 3, column 15:\n\n  k8s-lab:region: a: b\n              ^\n"), { name: "YAMLParseError" });
        const cli = fake({ outputs: async () => ({ labId: "feedfacecafebeef" }), sweepClient: () => { throw yamlError; } });
        assert.strictEqual(await main(["sweep"], cli.deps), exitCodes.prerequisite);
        assert.deepStrictEqual(cli.err, ["The stack file Pulumi.kim.yaml cannot be read (Nested mappings are not allowed in compact mappings at line 3, column 15:): fix its YAML."]);
    });
});

describe("the lab's SSH key on this machine", () => {
    const target = { host: "203.0.113.1", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nbW9jaw==\n-----END OPENSSH PRIVATE KEY-----\n" };
    const keyOf = (args: string[]) => args[args.indexOf("-i") + 1];

    it("is written mode 600 in a 0700 folder of XDG_RUNTIME_DIR when there is one, and removed after", async () => {
        const runtime = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-runtime-"));
        let seen: { folder: string; key: string; modes: string[] } | undefined;
        await withKey(target, async (args) => {
            const key = keyOf(args);
            seen = { folder: path.dirname(path.dirname(key)), key: fs.readFileSync(key, "utf8"), modes: [fs.statSync(path.dirname(key)).mode & 0o777, fs.statSync(key).mode & 0o777].map((m) => m.toString(8)) };
        }, { XDG_RUNTIME_DIR: runtime });
        assert.deepStrictEqual(seen, { folder: runtime, key: target.privateKey, modes: ["700", "600"] });
        assert.deepStrictEqual(fs.readdirSync(runtime), []);
        fs.rmSync(runtime, { recursive: true, force: true });
    });

    it("is removed when a closed terminal's SIGHUP or a SIGTERM stops the CLI, which exits 129 or 143", async () => {
        for (const [signal, code] of [["SIGHUP", 129], ["SIGTERM", 143]] as const) {
            const signals = new EventEmitter();
            const exits: number[] = [];
            let key = "";
            await withKey(target, async (args) => {
                key = keyOf(args);
                signals.emit(signal);
            }, {}, signals, (c) => void exits.push(c));
            assert.deepStrictEqual([fs.existsSync(path.dirname(key)), exits, signals.listenerCount(signal)], [false, [code], 0]);
        }
    });
});
