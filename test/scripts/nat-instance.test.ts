import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { natUserData } from "../../components/natInstance";
import { Sandbox } from "../harness/shell";

/** systemd-analyze, if this machine has it (Debian's systemd package). */
const analyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

describe("nat-instance.sh", () => {
    let sandbox: Sandbox;
    let root: string;
    beforeEach(() => {
        sandbox = new Sandbox();
        root = path.join(sandbox.dir, "root");
        fs.mkdirSync(root);
        sandbox.fake("ip", "echo 'default via 10.0.1.1 dev ens5 proto dhcp src 10.0.1.200 metric 100'");
        sandbox.fake("sysctl", "exit 0");
        sandbox.fake("systemctl", "exit 0");
        sandbox.fake("apt-get", "exit 0");
    });
    afterEach(() => sandbox.remove());

    /** Runs the rendered user data as cloud-init does (a file, executed), with the fakes on the PATH. */
    const run = (...args: string[]) => {
        const file = path.join(sandbox.dir, "user-data.sh");
        fs.writeFileSync(file, natUserData("10.0.2.0/24"), { mode: 0o755 });
        return sandbox.run(`${file} ${args.join(" ")}`, { NAT_ROOT: root });
    };
    /** iptables that knows which rules it holds (-C answers from them, -A adds). */
    const iptables = () => {
        const rules = path.join(sandbox.dir, "rules");
        sandbox.fake("iptables", `line="$*"; rule="\${line/-C /}"; rule="\${rule/-A /}"; case "$line" in *" -C "*) grep -qxF -- "$rule" ${rules} 2>/dev/null ;; *" -A "*) echo "$rule" >> ${rules} ;; esac`);
        return (): string[] => fs.readFileSync(rules, "utf8").split("\n").filter((l) => l !== "");
    };

    it("turns forwarding on, masquerades the workers' subnet and clamps the MSS, once however often it runs", () => {
        const rules = iptables();
        for (let i = 0; i < 2; i++) {
            const result = run("apply");
            assert.strictEqual(result.status, 0, result.stderr);
            assert.strictEqual(result.stdout, "k8s-lab-nat: forwarding 10.0.2.0/24 through ens5\n");
        }
        assert.deepStrictEqual(rules(), [
            "-w -t nat POSTROUTING -s 10.0.2.0/24 -o ens5 -j MASQUERADE",
            "-w -t mangle FORWARD -o ens5 -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss 1461:65535 -j TCPMSS --set-mss 1460",
        ]);
        assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("sysctl")), ["sysctl -q -w net.ipv4.ip_forward=1", "sysctl -q -w net.ipv4.ip_forward=1"]);
    });

    it("fails, saying why, without a default route", () => {
        iptables();
        sandbox.fake("ip", "exit 0");
        const result = run("apply");
        assert.strictEqual(result.status, 1);
        assert.strictEqual(result.stderr, "k8s-lab-nat: no default route, nothing to masquerade to\n");
        assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("iptables")), []);
    });

    it("installs what survives a reboot: the sysctl file, itself and a unit that applies the rules on every boot", () => {
        iptables();
        const result = run();
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(fs.readFileSync(path.join(root, "etc/sysctl.d/90-k8s-lab-nat.conf"), "utf8"), "net.ipv4.ip_forward = 1\n");
        const installed = path.join(root, "usr/local/sbin/k8s-lab-nat");
        assert.strictEqual(fs.readFileSync(installed, "utf8"), natUserData("10.0.2.0/24"));
        assert.strictEqual(fs.statSync(installed).mode & 0o777, 0o755);
        const unit = fs.readFileSync(path.join(root, "etc/systemd/system/k8s-lab-nat.service"), "utf8");
        assert.match(unit, /^Type=oneshot$/m);
        assert.match(unit, /^ExecStart=\/usr\/local\/sbin\/k8s-lab-nat apply$/m);
        assert.match(unit, /^WantedBy=multi-user.target$/m);
        // Its line (or why it failed) reaches the serial console, the one place an operator can read it.
        assert.deepStrictEqual(unit.match(/^Standard(Output|Error)=.*$/gm), ["StandardOutput=journal+console", "StandardError=journal+console"]);
        // iptables is there: nothing installed; the unit enabled and started now.
        assert.deepStrictEqual(sandbox.calls().filter((c) => /^(systemctl|apt-get)/.test(c)), ["systemctl daemon-reload", "systemctl enable --now k8s-lab-nat.service"]);
    });

    it("installs iptables first on an image without it", () => {
        // No iptables on the PATH: a PATH of the sandbox's fakes and the basic tools only.
        const tools = path.join(sandbox.dir, "tools");
        fs.mkdirSync(tools);
        for (const tool of ["bash", "cat", "install", "awk", "dirname"]) {
            const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
            if (found.startsWith("/")) fs.symlinkSync(found, path.join(tools, tool));
        }
        const file = path.join(sandbox.dir, "user-data.sh");
        fs.writeFileSync(file, natUserData("10.0.2.0/24"), { mode: 0o755 });
        const result = spawnSync("/bin/bash", [file], { encoding: "utf8", env: { PATH: `${sandbox.bin}:${tools}`, NAT_ROOT: root } });
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(sandbox.calls().filter((c) => /^(systemctl|apt-get)/.test(c)), [
            "apt-get update -q --error-on=any",
            "apt-get install -y -q iptables",
            "systemctl daemon-reload",
            "systemctl enable --now k8s-lab-nat.service",
        ]);
    });

    it("writes a unit systemd-analyze verifies", function () {
        if (!analyze && process.env.CI) throw new Error("systemd-analyze is missing: .ci/run installs Debian's systemd package");
        if (!analyze) this.skip();
        iptables();
        assert.strictEqual(run().status, 0);
        const unit = path.join(root, "etc/systemd/system/k8s-lab-nat.service");
        const verify = spawnSync("systemd-analyze", ["verify", "--man=no", unit], { encoding: "utf8" });
        // The unit parses without complaint (its ExecStart exists only on the NAT instance).
        assert.deepStrictEqual(verify.stderr.split("\n").filter((l) => l.includes("k8s-lab-nat") && !l.includes("is not executable")), []);
    });
});
