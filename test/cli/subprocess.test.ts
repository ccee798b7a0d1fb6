/**
 * The CLI with its real connections, every command in every situation a newcomer meets: help, a
 * bad flag, no Pulumi CLI, no stack, no passphrase, SSH refused, AWS unreachable, success. Most
 * command lines run through the CLI's entry (`main`) in this process, on the same environment
 * the bin would get; a few run the compiled bin (`npm run build`) as a subprocess, for what only a
 * process shows: its exit code and output as the shell sees them, no stack trace, ssh's own words
 * on the terminal, the Automation API's and the AWS SDK's environment, Ctrl-C. The Pulumi CLI and
 * ssh are fakes on PATH; the URLs are servers on 127.0.0.1; nothing leaves the machine.
 */
import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { realDeps } from "../../cli/deps";
import { main } from "../../cli/lab";
import { personalStack } from "../../cli/setup";
import { catalogue } from "../../lib/messages";
import { platformChecks } from "../../lib/probe";
import { builtCli, cli } from "../harness/bin";
import { labTargets } from "../harness/endpoints";
import { closeAll, closedPort, fakeGrafana, serve } from "../harness/servers";
import { root } from "../harness/stackConfig";

const secret = "Zx81kLm0pQ7rT2vW9yB4nC6d";
const commands = ["up", "verify", "status", "urls", "ssh", "kubeconfig", "port-forward", "diagnose", "sweep"];
const helpKeys: Record<string, keyof typeof catalogue.en> = {
    up: "help.up", verify: "help.verify", status: "help.status", urls: "help.urls", ssh: "help.ssh",
    kubeconfig: "help.kubeconfig", "port-forward": "help.portForward", diagnose: "help.diagnose", sweep: "help.sweep",
};
/** The commands that read the stack's outputs first. */
const stackCommands = commands.filter((c) => c !== "sweep" && c !== "up");
/** What each command needs as arguments to run at all. */
const argsOf = (command: string): string[] => (command === "port-forward" ? ["port-forward", "status"] : [command]);

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

const fakePulumi = `#!/bin/sh
case "$1" in version) echo v3.210.0; exit 0;; esac
case "$FAKE_PULUMI" in
  nostack) echo "error: no stack named 'dev' found" >&2; exit 255;;
  passphrase) echo "error: constructing secrets manager of type \\"passphrase\\": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables" >&2; exit 255;;
esac
if [ "$1 $2" = "stack output" ]; then cat "$FAKE_OUTPUTS"; exit 0; fi
echo "fake pulumi does not know: $*" >&2; exit 1
`;
const fakeSsh = `#!/bin/sh
if [ "$FAKE_SSH" = refused ]; then echo "ssh: connect to host 203.0.113.1 port 22: Connection refused" >&2; exit 255; fi
for last in "$@"; do :; done
case "$last" in
  *"get nodes"*) cat "$FAKE_NODES";;
  "sudo PUBLIC_PORTS="*" bash -s") cat >/dev/null; echo "logs of the node";;
  *systemctl*) echo "active (running)";;
esac
exit 0
`;

describe("the k8s-lab CLI, with its real connections", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-bin-"));
    const withPulumi = path.join(dir, "bin");
    const withoutPulumi = path.join(dir, "bin-no-pulumi");
    const home = path.join(dir, "home");
    let env: Record<string, string>;
    let urls: Record<string, unknown> = {};

    before(async () => {
        builtCli();
        for (const bin of [withPulumi, withoutPulumi]) {
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(bin, "ssh"), fakeSsh, { mode: 0o755 });
        }
        fs.writeFileSync(path.join(withPulumi, "pulumi"), fakePulumi, { mode: 0o755 });
        fs.mkdirSync(home);
        fs.writeFileSync(path.join(dir, "nodes.json"), JSON.stringify({ items: ["control-plane", "worker-0"].map((name) => ({ metadata: { name }, status: { conditions: [{ type: "Ready", status: "True" }] } })) }));
        env = { HOME: home, LANG: "en_US.UTF-8", PULUMI_STACK: "dev", FAKE_OUTPUTS: path.join(dir, "outputs.json"), FAKE_NODES: path.join(dir, "nodes.json"), PATH: `${withPulumi}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
    });
    beforeEach(async () => {
        const page = fs.readFileSync(path.join(root, "test", "fixtures", "productpage", "healthy.html"), "utf8");
        const bookinfo = await serve((_req, res) => res.end(page));
        const grafana = await serve(fakeGrafana({ password: secret, health: { status: "OK", message: "ok" } }));
        urls = { bookinfoUrl: `${bookinfo}/productpage`, grafanaUrl: grafana, endpoints: labTargets(`${bookinfo}/productpage`, grafana) };
        writeOutputs();
    });
    afterEach(closeAll);
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function writeOutputs(over: Record<string, unknown> = {}): void {
        fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify({
            controlPlanePublicIp: "203.0.113.1",
            workerPrivateIps: ["10.0.2.11"],
            nodeNames: ["control-plane", "worker-0"],
            sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nbW9jaw==\n-----END OPENSSH PRIVATE KEY-----\n",
            kubeconfig: `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: ${secret}\n`,
            grafanaAdminPassword: secret,
            exposure: "nodePort",
            configuredExposure: "nodePort",
            ...urls,
            ...over,
        }));
    }

    /** The command line through the CLI's entry, in this process, on the environment the bin would get. */
    async function run(args: string[], extra: Record<string, string> = {}): Promise<Run> {
        let stdout = "";
        let stderr = "";
        const code = await main(args, (stack) => ({ ...realDeps({ ...env, ...extra }, stack), out: (text) => void (stdout += `${text}\n`), err: (text) => void (stderr += `${text}\n`) }));
        return { code, stdout, stderr };
    }

    /** The command line run by the compiled bin, a subprocess in HOME. */
    function bin(args: string[], extra: Record<string, string> = {}): Promise<Run> {
        return new Promise((resolve) => {
            const child = execFile(process.execPath, [cli, ...args], { cwd: home, env: { ...env, ...extra }, timeout: 60_000 }, (err, stdout, stderr) =>
                resolve({ code: child.exitCode ?? (err as { code?: number } | null)?.code ?? null, stdout, stderr }),
            );
        });
    }

    /** Runs each command, all at once, and expects the same result of each. */
    async function expectEach(names: string[], extra: Record<string, string>, expected: Run): Promise<void> {
        const results = await Promise.all(names.map((command) => run(argsOf(command), extra)));
        for (const [i, command] of names.entries()) assert.deepStrictEqual(results[i], expected, command);
    }

    it("prints each command's help on stdout with exit 0, for --help, -h and help CMD, and the overview for --help and help", async () => {
        // -h anywhere is help, never an argument: kubeconfig -h writes no file named -h.
        const asked = commands.flatMap((command) => [[command, "--help"], ["help", command], [...argsOf(command), "-h"]].map((args) => ({ command, args })));
        const runs = await Promise.all(asked.map(({ args }) => run(args)));
        for (const [i, { command, args }] of asked.entries()) {
            assert.deepStrictEqual(runs[i], { code: 0, stdout: `${catalogue.en[helpKeys[command]]}\n`, stderr: "" }, args.join(" "));
        }
        // The bin runs in HOME: a file named -h would be there.
        assert.deepStrictEqual(await bin(["kubeconfig", "-h"]), { code: 0, stdout: `${catalogue.en["help.kubeconfig"]}\n`, stderr: "" });
        assert.deepStrictEqual(fs.readdirSync(home), []);
        const overview = await Promise.all([["--help"], ["-h"], ["help"], []].map((args) => run(args)));
        for (const result of overview) assert.deepStrictEqual(result, { code: 0, stdout: `${catalogue.en["help.main"]}\n`, stderr: "" });
    });

    it("rejects an unknown flag, a missing value and an extra argument in one sentence with exit 2, as JSON too with --json", async () => {
        const bogus = await Promise.all(commands.map((command) => run([...argsOf(command), "--bogus"])));
        for (const [i, command] of commands.entries()) {
            assert.deepStrictEqual(bogus[i], { code: 2, stdout: "", stderr: `${command} has no option --bogus; run k8s-lab help ${command} for its usage.\n` }, command);
        }
        assert.deepStrictEqual(await run(["verify", "--retry"]), { code: 2, stdout: "", stderr: "The option --retry of verify needs a value; run k8s-lab help verify for its usage.\n" });
        assert.deepStrictEqual(await run(["urls", "extra"]), { code: 2, stdout: "", stderr: "urls does not take the argument extra; run k8s-lab help urls for its usage.\n" });
        assert.deepStrictEqual(await run(["verify", "--retry", "soon"]), { code: 2, stdout: "", stderr: "--retry takes whole seconds from 0 to 3600, not soon.\n" });
        assert.deepStrictEqual(await run(["frobnicate"]), { code: 2, stdout: "", stderr: "Unknown command or arguments: frobnicate. Run k8s-lab --help for the commands and their options.\n" });
        assert.deepStrictEqual(await run(["port-forward"]), { code: 2, stdout: "", stderr: "port-forward takes one action: start, stop, restart, status, logs; run k8s-lab help port-forward for its usage.\n" });
        const ssh = await run(["ssh", "--json"]);
        assert.deepStrictEqual([ssh.code, JSON.parse(ssh.stdout), ssh.stderr], [2, { ok: false, exitCode: 2, error: "ssh has no --json output: it opens an interactive session." }, "ssh has no --json output: it opens an interactive session.\n"]);
        const json = await bin(["status", "--json", "--bogus"]);
        assert.deepStrictEqual([json.code, JSON.parse(json.stdout)], [2, { ok: false, exitCode: 2, error: "status has no option --bogus; run k8s-lab help status for its usage." }]);
    });

    it("says the Pulumi CLI is missing, with exit 3 and no stack trace, for every command that reads the stack", async () => {
        const sentence = "The Pulumi CLI cannot be run (pulumi: not found): k8s-lab up installs it, or install it yourself (README, Prerequisites).\n";
        const noPulumi = { PATH: `${withoutPulumi}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
        // up installs the pinned CLI instead (through the Automation API, from get.pulumi.com): not run here, offline.
        await expectEach(stackCommands, noPulumi, { code: 3, stdout: "", stderr: sentence });
        const json = await bin(["urls", "--json"], noPulumi);
        assert.deepStrictEqual([json.code, JSON.parse(json.stdout), json.stderr], [3, { ok: false, exitCode: 3, error: sentence.trim() }, sentence]);
        // The sweep needs the LabId from the state: a state it cannot read is said, never "nothing to sweep".
        assert.deepStrictEqual(await run(["sweep"], noPulumi), { code: 3, stdout: "", stderr: sentence });
    });

    it("says the stack is missing, or its passphrase, with exit 3", async () => {
        const missing = "Could not read the outputs of stack dev (error: no stack named 'dev' found): has k8s-lab up --stack dev run, from this project folder?\n";
        await expectEach(stackCommands, { FAKE_PULUMI: "nostack" }, { code: 3, stdout: "", stderr: missing });
        // up says where the state is kept first (no backend is configured in this HOME), then what stopped its setup.
        assert.deepStrictEqual(await bin(["up"], { FAKE_PULUMI: "nostack" }), {
            code: 3,
            stdout: `No Pulumi backend is configured: the state is kept on this machine, in ${path.join(home, ".pulumi")} (pulumi login chooses another).\n`,
            stderr: "Could not get stack dev ready for up (error: no stack named 'dev' found).\n",
        });
        // A stack that is not there has no LabId: nothing to sweep.
        assert.deepStrictEqual(await run(["sweep"], { FAKE_PULUMI: "nostack" }), { code: 0, stdout: `${catalogue.en["cli.sweepNoLabId"].replace("{stack}", "dev")}\n`, stderr: "" });
        // Without --stack or PULUMI_STACK, the operator's own stack, never dev.
        const personal = personalStack(os.userInfo().username);
        assert.deepStrictEqual(await run(["urls"], { FAKE_PULUMI: "nostack", PULUMI_STACK: "" }), { code: 3, stdout: "", stderr: `Could not read the outputs of stack ${personal} (error: no stack named 'dev' found): has k8s-lab up --stack ${personal} run, from this project folder?\n` });
        const passphrase = `${catalogue.en["cli.passphraseMissing"]}\n`;
        await expectEach(stackCommands, { FAKE_PULUMI: "passphrase" }, { code: 3, stdout: "", stderr: passphrase });
        const up = await bin(["up"], { FAKE_PULUMI: "passphrase" });
        assert.deepStrictEqual([up.code, up.stderr], [3, passphrase]);
    });

    it("prints the exports for plain pulumi on the CLI's own stack: its file backend and its kept passphrase file, never the passphrase", async () => {
        const kept = path.join(home, ".config", "k8s-lab", "kim.passphrase");
        fs.mkdirSync(path.dirname(kept), { recursive: true });
        fs.writeFileSync(kept, secret, { mode: 0o600 });
        try {
            const result = await run(["env", "--stack", "kim"]);
            assert.deepStrictEqual(result, { code: 0, stdout: `export PULUMI_BACKEND_URL='file://${home}'\nexport PULUMI_CONFIG_PASSPHRASE_FILE='${kept}'\nexport PULUMI_STACK='kim'\n`, stderr: "" });
            // And the shell takes them as they are.
            assert.strictEqual(execFileSync("sh", ["-c", `${result.stdout} echo "$PULUMI_STACK $PULUMI_CONFIG_PASSPHRASE_FILE"`], { encoding: "utf8" }), `kim ${kept}\n`);
        } finally {
            fs.rmSync(kept);
        }
    });

    describe("destroy, through the Automation API, on the stack up made", () => {
        // What the Automation API asks the CLI for a destroy, answered; each call logged with the backend and passphrase file it got.
        const automationPulumi = `#!/bin/sh
echo "$* | backend=$PULUMI_BACKEND_URL | passphrase file=$PULUMI_CONFIG_PASSPHRASE_FILE" >> "$FAKE_LOG"
case "$1" in
  version) echo v3.270.0;;
  stack) case "$2" in
      ls) echo '[{"name":"kim","current":true}]';;
      history) echo '[{"kind":"destroy","startTime":"2026-11-29T21:00:00.000Z","message":"","environment":{},"config":{},"result":"succeeded","endTime":"2026-11-29T21:01:00.000Z","resourceChanges":{"delete":12}}]';;
    esac;;
  config) case "$*" in *k8s-lab:target*) [ -n "$FAKE_TARGET" ] || exit 1; printf '{"value":"%s","secret":false}\n' "$FAKE_TARGET";; esac;;
  destroy)
    echo "Destroying (kim):"
    if [ -n "$FAKE_SLOW" ]; then trap 'kill $!; echo "cancelled on SIGINT"; exit 1' INT; : > "$FAKE_SLOW"; sleep 20 & wait; fi
    echo " - aws:ec2:Instance control-plane deleted";;
esac
exit 0
`;
        const automationBin = path.join(dir, "bin-automation");
        const log = path.join(dir, "automation.log");
        const kept = () => path.join(home, ".config", "k8s-lab", "kim.passphrase");
        const extra = () => ({ PATH: `${automationBin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, FAKE_LOG: log, PULUMI_STACK: "" });
        before(() => {
            fs.mkdirSync(automationBin, { recursive: true });
            fs.writeFileSync(path.join(automationBin, "pulumi"), automationPulumi, { mode: 0o755 });
        });
        beforeEach(() => {
            fs.writeFileSync(log, "");
            fs.mkdirSync(path.dirname(kept()), { recursive: true });
            fs.writeFileSync(kept(), secret, { mode: 0o600 });
        });
        afterEach(() => fs.rmSync(kept(), { force: true }));

        it("destroys with the same backend and kept passphrase file, streams the engine's output to stderr, and points to sweep", async () => {
            const result = await bin(["destroy", "--stack", "kim"], extra());
            assert.deepStrictEqual(result, {
                code: 0,
                stdout: `No Pulumi backend is configured: the state is kept on this machine, in ${path.join(home, ".pulumi")} (pulumi login chooses another).\nDestroyed the cloud resources of stack kim; k8s-lab sweep lists anything a destroy left behind.\n`,
                stderr: "Destroying (kim):\n - aws:ec2:Instance control-plane deleted\n",
            });
            const calls = fs.readFileSync(log, "utf8").split("\n").filter((line) => line.startsWith("destroy"));
            assert.deepStrictEqual(calls, [`destroy --yes --skip-preview --exec-kind auto.local --stack kim --non-interactive | backend=file://${home} | passphrase file=${kept()}`]);
        });

        it("on an existing cluster, runs the program for the destroy (the kubeconfig as it is now) and does not point to sweep", async () => {
            const result = await bin(["destroy", "--stack", "kim"], { ...extra(), FAKE_TARGET: "existingCluster" });
            assert.deepStrictEqual([result.code, result.stdout.split("\n").filter((line) => line.startsWith("Destroyed"))], [0, [
                "Destroyed the platform of stack kim on its cluster; the cluster itself is left as it was (kind delete cluster removes a kind cluster).",
            ]]);
            const calls = fs.readFileSync(log, "utf8").split("\n").filter((line) => line.startsWith("destroy"));
            assert.deepStrictEqual(calls, [`destroy --yes --skip-preview --run-program=true --exec-kind auto.local --stack kim --non-interactive | backend=file://${home} | passphrase file=${kept()}`]);
        });

        it("passes a SIGINT on to pulumi, waits for it to finish cancelling, and says the lab still costs money (exit 5)", async () => {
            const slow = path.join(dir, "destroy-started");
            const child = execFile(process.execPath, [cli, "destroy", "--stack", "kim"], { cwd: home, env: { ...env, ...extra(), FAKE_SLOW: slow } });
            let stderr = "";
            child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
            while (!fs.existsSync(slow)) await new Promise((resolve) => setTimeout(resolve, 50));
            child.kill("SIGINT");
            const code = await new Promise((resolve) => child.on("close", resolve));
            fs.rmSync(slow, { force: true });
            assert.deepStrictEqual([code, stderr.split("\n")], [5, [
                "Destroying (kim):",
                "Cancelling: pulumi is finishing the operations it started, so that the state keeps no pending operation and no lock. Press Ctrl-C again to quit at once.",
                "cancelled on SIGINT",
                "The destroy of stack kim was cancelled: some resources still run and cost money; run k8s-lab destroy again.",
                "",
            ]]);
        });
    });

    it("prints its version, before or instead of a command", async () => {
        const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
        const pulumi = (JSON.parse(fs.readFileSync(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
        for (const result of [await bin(["--version"]), await run(["version"])]) assert.deepStrictEqual(result, { code: 0, stdout: `k8s-lab ${version} (Pulumi CLI ${pulumi})\n`, stderr: "" });
    });

    it("says what SSH refused, with exit 4: nodes Unknown in status, each node not collected in diagnose", async () => {
        const refused = { FAKE_SSH: "refused" };
        const status = await run(["status"], refused);
        assert.strictEqual(status.code, 4);
        // After the URLs' and the platform checks' sentences.
        assert.deepStrictEqual(status.stdout.split("\n").slice(2 + platformChecks.length), ["Nodes: unknown, this machine cannot reach the control-plane node (ssh: connect to host 203.0.113.1 port 22: Connection refused); check that this machine's address is in adminCidrs.", ""]);
        const statusJson = JSON.parse((await run(["status", "--json"], refused)).stdout);
        assert.deepStrictEqual([statusJson.ok, statusJson.nodes], [false, [{ name: "control-plane", status: "Unknown" }, { name: "worker-0", status: "Unknown" }]]);
        // ssh's own words reach the terminal (the session is interactive), then the CLI's sentence.
        assert.deepStrictEqual(await bin(["ssh", "worker-0"], refused), { code: 4, stdout: "", stderr: "ssh: connect to host 203.0.113.1 port 22: Connection refused\nSSH to worker-0 failed (ssh exit 255): check that the node runs and that this machine's address is in adminCidrs (k8s-lab status).\n" });
        const file = path.join(dir, "refused.tar.gz");
        const diagnose = await run(["diagnose", file], refused);
        assert.deepStrictEqual(diagnose, {
            code: 4,
            stdout: [
                "control-plane: not collected (ssh: connect to host 203.0.113.1 port 22: Connection refused).",
                "worker-0: not collected (ssh: connect to host 203.0.113.1 port 22: Connection refused).",
                `Wrote ${file}: the logs of 0 of 2 nodes.`,
                "",
            ].join("\n"),
            stderr: "",
        });
        writeOutputs({ exposure: "portForward" });
        assert.deepStrictEqual(await run(["port-forward", "status"], refused), { code: 4, stdout: "", stderr: "SSH to control-plane failed (ssh: connect to host 203.0.113.1 port 22: Connection refused): check that the node runs and that this machine's address is in adminCidrs (k8s-lab status).\n" });
    });

    it("says AWS could not be asked, with exit 5", async () => {
        // The SDK's own notice to a node older than it will support (node 20, the system's, when
        // mocha is started without npm's PATH) is about the machine, not the CLI: switched off.
        const aws = {
            LAB_ID: "0a1b2c3d4e5f6789", AWS_ENDPOINT_URL: await closedPort(), AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "not-a-real-secret-key", AWS_MAX_ATTEMPTS: "1",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        };
        const sweep = await bin(["sweep"], aws);
        assert.deepStrictEqual([sweep.code, sweep.stdout], [5, ""]);
        assert.match(sweep.stderr, /^AWS could not be asked \(.*ECONNREFUSED.*\): check the AWS credentials and AWS_REGION\.\n$/);
    });

    it("succeeds for every command, and --json prints one JSON document on stdout that keeps the secrets out", async () => {
        const file = path.join(dir, "kube", "config");
        const archive = path.join(dir, "ok.tar.gz");
        const runs: Record<string, Run> = {};
        for (const args of [["verify"], ["status"], ["urls"], ["kubeconfig", file], ["diagnose", archive], ["sweep"]]) {
            runs[args[0]] = await run([...args, "--json"]);
            assert.strictEqual(runs[args[0]].code, 0, `${args[0]}: ${runs[args[0]].stderr}`);
        }
        assert.deepStrictEqual(await bin(["ssh"]), { code: 0, stdout: "", stderr: "" });
        const documents = Object.fromEntries(Object.entries(runs).map(([command, r]) => [command, JSON.parse(r.stdout) as Record<string, unknown>]));
        assert.deepStrictEqual(Object.fromEntries(Object.entries(documents).map(([command, d]) => [command, d.ok])), { verify: true, status: true, urls: true, kubeconfig: true, diagnose: true, sweep: true });
        assert.deepStrictEqual(documents.status.nodes, [{ name: "control-plane", status: "Ready" }, { name: "worker-0", status: "Ready" }]);
        assert.deepStrictEqual(documents.kubeconfig, { ok: true, file });
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
        assert.deepStrictEqual(documents.diagnose.nodes, [{ node: "control-plane", collected: true, missing: [] }, { node: "worker-0", collected: true, missing: [] }]);
        // Each verify attempt is shown on stderr as it happens.
        assert.match(runs.verify.stderr, new RegExp(`^Attempt 1: ${["bookinfo", "grafana", ...platformChecks].map((check) => `${check} ok \\(\\d+ ms\\)`).join(", ")}\n$`));
        for (const [command, r] of Object.entries(runs)) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${command} printed the password`);
        writeOutputs({ exposure: "portForward" });
        const forward = await run(["port-forward", "status", "--json"]);
        assert.deepStrictEqual([forward.code, JSON.parse(forward.stdout)], [0, { ok: true, action: "status", exitCode: 0, stdout: "active (running)\n", stderr: "" }]);
    });
});
