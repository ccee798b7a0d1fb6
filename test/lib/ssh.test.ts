import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sshArgs, sshCommands } from "../../lib/ssh";

/** An operator's home with the lab's key saved where the commands expect it. */
const home = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-home-"));
const keyFile = path.join(home, ".ssh", "k8s-lab-dev");
fs.mkdirSync(path.dirname(keyFile), { mode: 0o700 });
fs.writeFileSync(keyFile, "", { mode: 0o600 });

interface Effective {
    hostname: string;
    user: string;
    identityfile: string[];
    identitiesonly: string;
    connecttimeout?: string;
    proxycommand?: string;
}

/** What OpenSSH makes of a command pasted into bash, without connecting: `ssh -G` prints the effective options. */
function effective(command: string): Effective {
    assert.match(command, /^ssh /);
    return parse(execFileSync("bash", ["-c", command.replace(/^ssh /, "ssh -G ")], { encoding: "utf8", env: { ...process.env, HOME: home } }));
}

function parse(printed: string): Effective {
    const options: Record<string, string[]> = {};
    for (const line of printed.trim().split("\n")) {
        const [key, ...value] = line.split(" ");
        (options[key] ??= []).push(value.join(" "));
    }
    return { hostname: options.hostname[0], user: options.user[0], identityfile: options.identityfile, identitiesonly: options.identitiesonly[0], connecttimeout: options.connecttimeout?.[0], proxycommand: options.proxycommand?.[0] };
}

describe("ssh commands", () => {
    after(() => fs.rmSync(home, { recursive: true, force: true }));
    const commands = sshCommands({ keyPath: "~/.ssh/k8s-lab-dev", controlPlanePublicIp: "203.0.113.10", workerPrivateIps: ["10.0.2.11", "10.0.2.12"] });

    it("reach the control-plane node directly with the lab's key", () => {
        const options = effective(commands.controlPlane);
        assert.strictEqual(options.hostname, "203.0.113.10");
        assert.strictEqual(options.user, "ubuntu");
        assert.deepStrictEqual(options.identityfile, [keyFile]);
        assert.strictEqual(options.identitiesonly, "yes");
    });

    it("reach each worker through the control-plane node, with the key on both hops", () => {
        assert.strictEqual(commands.workers.length, 2);
        commands.workers.forEach((command, i) => {
            const options = effective(command);
            assert.strictEqual(options.hostname, `10.0.2.1${i + 1}`);
            assert.deepStrictEqual(options.identityfile, [keyFile]);
            assert.ok(options.proxycommand !== undefined);
            const jump = effective(options.proxycommand.replace("-W %h:%p ", ""));
            assert.strictEqual(jump.hostname, "203.0.113.10");
            assert.strictEqual(jump.user, "ubuntu");
            assert.deepStrictEqual(jump.identityfile, [keyFile]);
        });
    });

    it("give up after 10 s on a node that does not answer, on both hops, in the pasted commands and the CLI's", () => {
        const pasted = [commands.controlPlane, ...commands.workers];
        const jumps = commands.workers.map((command) => effective(command).proxycommand?.replace("-W %h:%p ", "") ?? "");
        const cli = [sshArgs(keyFile, "203.0.113.10"), sshArgs(keyFile, "10.0.2.11", "203.0.113.10")].map((args) => parse(execFileSync("ssh", ["-G", ...args], { encoding: "utf8", env: { ...process.env, HOME: home } })));
        const cliJump = effective(cli[1].proxycommand?.replace("-W %h:%p ", "") ?? "");
        assert.deepStrictEqual(
            [...pasted.map(effective), ...jumps.map(effective), ...cli, cliJump].map((o) => o.connecttimeout),
            Array(8).fill("10"),
        );
    });
});
