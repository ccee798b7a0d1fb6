import * as assert from "assert";
import { LabStack, UpFailed, UpOptions, upWithFallback } from "../../lib/fallback";
import { translator } from "../../lib/messages";
import { Exposure } from "../../lib/placement";
import { Endpoints, ProbeResult, Verification } from "../../lib/probe";

/** A fake stack: records what the command does; `serving` says which modes would answer. */
function fakeStack(start: Exposure, serving: Exposure[], failingUp: Exposure[] = []) {
    const calls: string[] = [];
    let mode = start;
    const stack: LabStack = {
        exposure: async () => mode,
        setExposure: async (m) => void calls.push(`set ${(mode = m)}`),
        up: async (options) => {
            calls.push(`up ${mode} with ${options.policyPacks.join(", ")}`);
            if (failingUp.includes(mode)) {
                throw new UpFailed([
                    { resource: "command:local:Command::access-verify", error: "Process exited with status 1: running \"lab verify\":\nbookinfo refused\nThe URLs did not both answer within 120 s of retrying, with exposure nodePort.\n" },
                    { resource: "command:remote:Command::cluster-init", error: "error: exit status 1\nkubeadm join 10.0.1.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:1234\n" },
                ]);
            }
        },
        endpoints: async (): Promise<Endpoints> => ({ bookinfoUrl: `http://lab/${mode}`, grafanaUrl: "http://lab:30300", grafanaPassword: "pw" }),
    };
    const check = async (e: Endpoints): Promise<Verification> => {
        const current = e.bookinfoUrl.split("/").pop() as Exposure;
        calls.push(`verify ${current}`);
        const ok = serving.includes(current);
        const results: ProbeResult[] = [
            { target: "bookinfo", url: e.bookinfoUrl, verdict: ok ? "ok" : "refused", ms: 5 },
            { target: "grafana", url: e.grafanaUrl, verdict: "ok", ms: 5 },
        ];
        return { ok, attempts: 1, results };
    };
    return { stack, check, calls, mode: () => mode };
}

describe("up with fallback", () => {
    const options: UpOptions = { policyPacks: ["/repo/policy"], output: () => undefined };
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    beforeEach(() => void lines.splice(0));

    it("stops at the first mode that serves both URLs", async () => {
        const fake = fakeStack("nodePort", ["nodePort", "portForward", "hostPort"]);
        const report = await upWithFallback(fake.stack, options, fake.check, log, translator("en"));
        assert.deepStrictEqual([report.ok, report.mode], [true, "nodePort"]);
        assert.deepStrictEqual(fake.calls, ["up nodePort with /repo/policy", "verify nodePort"]);
    });

    it("switches nodePort, then portForward, then hostPort, saying why each time", async () => {
        const fake = fakeStack("nodePort", ["hostPort"]);
        const report = await upWithFallback(fake.stack, options, fake.check, log, translator("en"));
        assert.deepStrictEqual([report.ok, report.mode, fake.mode()], [true, "hostPort", "hostPort"]);
        assert.deepStrictEqual(fake.calls, ["up nodePort with /repo/policy", "verify nodePort", "set portForward", "up portForward with /repo/policy", "verify portForward", "set hostPort", "up hostPort with /repo/policy", "verify hostPort"]);
        assert.deepStrictEqual(lines, [
            "Applying the stack with exposure nodePort.",
            "Exposure nodePort did not serve both URLs (bookinfo: refused); switching to portForward and applying again.",
            "Applying the stack with exposure portForward.",
            "Exposure portForward did not serve both URLs (bookinfo: refused); switching to hostPort and applying again.",
            "Applying the stack with exposure hostPort.",
            "Exposure hostPort serves both URLs.",
        ]);
    });

    it("fails after the last mode, having tried each once, and says so in Korean", async () => {
        const fake = fakeStack("portForward", []);
        const report = await upWithFallback(fake.stack, options, fake.check, log, translator("ko"));
        assert.strictEqual(report.ok, false);
        assert.deepStrictEqual(report.steps.map((s) => s.mode), ["portForward", "hostPort"]);
        assert.strictEqual(lines[lines.length - 1], "두 URL을 모두 제공한 노출 방식이 없습니다. 시도한 방식: portForward, hostPort.");
    });

    it("verifies after a failed pulumi up, and keeps one redacted line per failing resource in the report", async () => {
        const fake = fakeStack("nodePort", ["portForward"], ["nodePort"]);
        const report = await upWithFallback(fake.stack, options, fake.check, log, translator("en"));
        assert.deepStrictEqual([report.ok, report.mode], [true, "portForward"]);
        assert.deepStrictEqual(report.steps[0].upErrors, [
            { resource: "command:local:Command::access-verify", error: "The URLs did not both answer within 120 s of retrying, with exposure nodePort." },
            { resource: "command:remote:Command::cluster-init", error: "kubeadm join 10.0.1.5:6443 --token [redacted] --discovery-token-ca-cert-hash sha256:1234" },
        ]);
        assert.deepStrictEqual(lines.slice(0, 3), [
            "Applying the stack with exposure nodePort.",
            "pulumi up failed with exposure nodePort: command:local:Command::access-verify: The URLs did not both answer within 120 s of retrying, with exposure nodePort.",
            "pulumi up failed with exposure nodePort: command:remote:Command::cluster-init: kubeadm join 10.0.1.5:6443 --token [redacted] --discovery-token-ca-cert-hash sha256:1234",
        ]);
    });

    it("keeps one redacted line of an error that names no resource", async () => {
        const fake = fakeStack("hostPort", ["hostPort"]);
        fake.stack.up = async () => {
            throw new Error("code: 255\n stdout: \n stderr: error: could not decrypt: token: s3cr3t-value\n");
        };
        const report = await upWithFallback(fake.stack, options, fake.check, log, translator("en"));
        assert.deepStrictEqual(report.steps[0].upErrors, [{ resource: "pulumi up", error: "stderr: error: could not decrypt: token: [redacted]" }]);
    });
});
