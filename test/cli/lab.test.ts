import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { failedResource, previewThenUp } from "../../cli/deps";
import { stackPolicyPackConfig } from "../../cli/policyConfig";
import { defaultPolicyPack } from "../../cli/commands/up";
import { main } from "../../cli/lab";
import { Deps, exitCodes, SshTarget } from "../../cli/types";
import { AwsCliOutputs as LabOutputs, BootedImages } from "../../lib/stackOutputs";
import { accessCheckResource, LabStack, UpFailed, UpOptions } from "../../lib/fallback";
import { message } from "../../lib/messages";
import { platformChecks } from "../../lib/probe";
import { Leftover, SweepClient } from "../../lib/sweep";
import { labEndpointsAt, labTargets } from "../harness/endpoints";
import { bookinfoPods, closeAll, closedPort, fakeGrafana, healthyCluster, serve } from "../harness/servers";

const page = (name: string) => fs.readFileSync(path.join(__dirname, "..", "fixtures", "productpage", `${name}.html`), "utf8");
const nodeList = (ready: Record<string, boolean>) => JSON.stringify({ items: Object.entries(ready).map(([name, r]) => ({ metadata: { name }, status: { conditions: [{ type: "Ready", status: r ? "True" : "False" }] } })) });

/** A lab's outputs; its endpoints follow the two URLs unless given. */
function outputs(over: Partial<LabOutputs> = {}): LabOutputs {
    const lab = {
        target: "aws" as const,
        controlPlanePublicIp: "203.0.113.1",
        workerPrivateIps: ["10.0.2.11", "10.0.2.12"],
        nodeNames: ["control-plane", "worker-0", "worker-1"],
        sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nkey\n-----END OPENSSH PRIVATE KEY-----\n",
        kubeconfig: "apiVersion: v1\nkind: Config\n",
        bookinfoUrl: "http://203.0.113.1:30080/productpage",
        grafanaUrl: "http://203.0.113.1:30300",
        grafanaAdminPassword: "pw",
        exposure: "nodePort" as const,
        ...over,
    };
    return { ...lab, endpoints: over.endpoints ?? labTargets(lab.bookinfoUrl, lab.grafanaUrl) };
}

/** A policy pack folder as `npm ci --prefix policy` leaves it. */
function installedPack(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi", "policy"), { recursive: true });
    return dir;
}

/** The CLI with a faked stack: its outputs, SSH and the Automation API replaced, its output captured. */
function fake(o: Record<string, unknown> | Error, options: { env?: Record<string, string>; ssh?: (target: SshTarget, command: string) => { code: number; stdout: string; stderr?: string }; stack?: LabStack; sweep?: SweepClient; destroy?: Deps["destroy"]; shellEnv?: ReturnType<Deps["shellEnv"]> } = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const ssh: { target: SshTarget; command: string; stdin?: string }[] = [];
    const deps: Deps = {
        stack: "dev",
        env: options.env ?? { LANG: "en_US.UTF-8" },
        outputs: async () => { if (o instanceof Error) throw o; return o; },
        ssh: async (target, command, stdin) => {
            ssh.push({ target, command, stdin });
            return { stderr: "", ...(options.ssh?.(target, command) ?? { code: 0, stdout: "" }) };
        },
        sshInteractive: async (target) => (ssh.push({ target, command: "(interactive)" }), 0),
        labStack: async () => options.stack ?? assert.fail("no stack"),
        sweepClient: () => options.sweep ?? assert.fail("no sweep client"),
        destroy: options.destroy ?? (async () => assert.fail("no destroy")),
        shellEnv: () => options.shellEnv ?? assert.fail("no shell environment"),
        out: (text) => void out.push(text),
        err: (text) => void err.push(text),
    };
    return { deps, out, err, ssh };
}

describe("operator CLI", () => {
    afterEach(closeAll);

    it("prints the URLs, as sentences or JSON", async () => {
        const text = fake(outputs());
        assert.strictEqual(await main(["urls"], text.deps), exitCodes.ok);
        assert.deepStrictEqual(text.out, ["Bookinfo: http://203.0.113.1:30080/productpage  Grafana: http://203.0.113.1:30300 (user admin; the password is printed by eval \"$(npx --no k8s-lab env --stack dev)\" && pulumi stack output --show-secrets grafanaAdminPassword)"]);
        const json = fake(outputs());
        await main(["urls", "--json"], json.deps);
        assert.deepStrictEqual(JSON.parse(json.out.join("\n")), {
            ok: true,
            exposure: "nodePort",
            bookinfoUrl: "http://203.0.113.1:30080/productpage",
            grafanaUrl: "http://203.0.113.1:30300",
            grafanaUser: "admin",
            grafanaPasswordCommand: 'eval "$(npx --no k8s-lab env --stack dev)" && pulumi stack output --show-secrets grafanaAdminPassword',
        });
    });

    describe("on a lab on an existing cluster", () => {
        const onCluster = (bookinfo = "http://127.0.0.1:30080", grafana = "http://127.0.0.1:30300") => {
            const { bookinfoUrl, grafanaUrl, grafanaAdminPassword, exposure, endpoints } = outputs({ bookinfoUrl: `${bookinfo}/productpage`, grafanaUrl: grafana });
            return { target: "existingCluster", kubeContext: "kind-k8s-lab", configuredExposure: exposure, bookinfoUrl, grafanaUrl, grafanaAdminPassword, exposure, endpoints };
        };

        it("prints the URLs and verifies them in status, asking no node over SSH", async () => {
            const urls = fake(onCluster());
            assert.strictEqual(await main(["urls"], urls.deps), exitCodes.ok);
            assert.match(urls.out[0], /^Bookinfo: http:\/\/127\.0\.0\.1:30080\/productpage {2}Grafana: http:\/\/127\.0\.0\.1:30300 /);
            const status = fake(onCluster());
            assert.strictEqual(await main(["status", "--json"], status.deps), exitCodes.unhealthy);
            const document = JSON.parse(status.out.join("\n")) as { target: string; kubeContext: string; results: { target: string; verdict: string }[] };
            assert.deepStrictEqual([document.target, document.kubeContext, document.results.map((r) => r.target)], ["existingCluster", "kind-k8s-lab", ["bookinfo", "grafana"]]);
            assert.deepStrictEqual(status.ssh, []);
        });

        it("names the cluster's port mapping first when a URL is refused, in status and in verify (en, ko); on AWS, the exposure", async () => {
            const refused = await closedPort();
            const sentences = async (command: string[], lang: string, o: Record<string, unknown>, env: Record<string, string> = {}) => {
                const cli = fake(o, { env: { LANG: lang, ...env } });
                assert.strictEqual(await main(command, cli.deps), exitCodes.unhealthy);
                return cli.out.filter((line) => line.startsWith("Bookinfo") || line.includes("Bookinfo 서비스"));
            };
            const url = `${refused}/productpage`;
            const onAws = { LAB_ENDPOINTS: JSON.stringify(onCluster(refused, refused).endpoints), LAB_GRAFANA_PASSWORD: "pw", LAB_EXPOSURE: "hostPort" };
            assert.deepStrictEqual([
                ...(await sentences(["status"], "en_US.UTF-8", onCluster(refused, refused))),
                ...(await sentences(["verify"], "ko_KR.UTF-8", onCluster(refused, refused))),
                ...(await sentences(["verify"], "en_US.UTF-8", outputs(), { ...onAws, LAB_TARGET: "existingCluster" })),
                ...(await sentences(["verify"], "en_US.UTF-8", outputs(), onAws)),
            ], [
                message("en", "access.refusedOnCluster", { target: "Bookinfo", url, mode: "nodePort" }),
                message("ko", "access.refusedOnCluster", { target: "Bookinfo", url, mode: "nodePort" }),
                message("en", "access.refusedOnCluster", { target: "Bookinfo", url, mode: "hostPort" }),
                message("en", "access.refused", { target: "Bookinfo", url, mode: "hostPort" }),
            ]);
        });

        for (const [lang, sentence] of [
            ["en_US.UTF-8", "The {command} command does not apply to stack dev, which runs on an existing cluster (target existingCluster): it reaches the lab's own AWS nodes or account, and that target has none; use kubectl with the stack's kubeContext instead."],
            ["ko_KR.UTF-8", "dev 스택은 기존 클러스터(target existingCluster)에서 실행되므로 {command} 명령을 쓸 수 없습니다: 이 명령은 실습 환경의 AWS 노드나 계정에 접속하는데 이 대상에는 그런 것이 없으니 스택의 kubeContext로 kubectl을 사용하세요."],
        ] as const) {
            it(`refuses ssh, diagnose, port-forward, kubeconfig and sweep in one sentence, exit 2 (${lang})`, async () => {
                for (const [command, ...args] of [["ssh"], ["diagnose"], ["port-forward", "status"], ["kubeconfig"], ["sweep"]]) {
                    const cli = fake(onCluster(), { env: { LANG: lang } });
                    assert.strictEqual(await main([command, ...args], cli.deps), exitCodes.usage, command);
                    assert.deepStrictEqual([cli.err, cli.ssh], [[sentence.replace("{command}", command)], []], command);
                }
            });
        }

        it("refuses them from the stack file before the first up (no state, no Pulumi CLI yet), and reads an AWS stack's state as before", async () => {
            const notYet = Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
            const refusals = [];
            for (const [command, ...args] of [["ssh"], ["diagnose"], ["port-forward", "status"], ["kubeconfig"], ["sweep"]]) {
                const cli = fake(notYet);
                refusals.push([command, await main([command, ...args], { ...cli.deps, stack: "kind" }), cli.err, cli.ssh.length]);
            }
            const sentence = (command: string) => message("en", "cli.notOnExistingCluster", { command, stack: "kind" });
            assert.deepStrictEqual(refusals, ["ssh", "diagnose", "port-forward", "kubeconfig", "sweep"].map((c) => [c, exitCodes.usage, [sentence(c)], 0]));
            // Stack dev's file names no target: its state decides, and no CLI is a missing prerequisite.
            const onAws = fake(notYet);
            assert.strictEqual(await main(["ssh"], onAws.deps), exitCodes.prerequisite);
            assert.deepStrictEqual(onAws.err, [message("en", "cli.pulumiMissing", { reason: "pulumi: not found" })]);
        });
    });

    it("writes the kubeconfig with mode 600", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-cli-")), "kube", "config");
        const cli = fake(outputs());
        assert.strictEqual(await main(["kubeconfig", file], cli.deps), exitCodes.ok);
        assert.strictEqual(fs.readFileSync(file, "utf8"), "apiVersion: v1\nkind: Config\n");
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    });

    it("says a file it cannot write in one sentence, exit 2, not as a bug", async () => {
        const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-cli-")), "file");
        fs.writeFileSync(blocker, "");
        const cli = fake(outputs());
        assert.strictEqual(await main(["kubeconfig", path.join(blocker, "config")], cli.deps), exitCodes.usage);
        assert.deepStrictEqual(cli.err.map((line) => line.replace(/\((EEXIST|ENOTDIR)\)/, "(E)")), [`Could not write ${path.join(blocker, "config")} (E): name a file in a folder you can write to.`]);
        const archive = fake(outputs(), { ssh: () => ({ code: 0, stdout: "logs" }) });
        assert.strictEqual(await main(["diagnose", path.join(blocker, "d.tar.gz")], archive.deps), exitCodes.usage);
        assert.match(archive.err[0], /^Could not write .*d\.tar\.gz \(.+\): name a file in a folder you can write to\.$/);
    });

    it("calls anything else that goes wrong inside a command a bug, exit 6, in one sentence without a trace", async () => {
        const cli = fake(outputs());
        cli.deps.sshInteractive = async () => {
            throw new TypeError("Cannot read properties of undefined (reading 'host')\n    at run (cli/commands/ssh.ts:12:3)");
        };
        assert.strictEqual(await main(["ssh"], cli.deps), exitCodes.internal);
        assert.deepStrictEqual(cli.err, ["k8s-lab failed unexpectedly (TypeError: Cannot read properties of undefined (reading 'host')); this is a bug: run it again, and if it repeats, file an issue with this line."]);
    });

    it("opens SSH to a node, workers through the control-plane node, and refuses a node that is not there", async () => {
        const cli = fake(outputs());
        assert.strictEqual(await main(["ssh", "worker-1"], cli.deps), exitCodes.ok);
        assert.deepStrictEqual({ ...cli.ssh[0].target, privateKey: undefined }, { host: "10.0.2.12", jump: "203.0.113.1", privateKey: undefined });
        assert.strictEqual(await main(["ssh"], cli.deps), exitCodes.ok);
        assert.strictEqual(cli.ssh[1].target.host, "203.0.113.1");
        assert.strictEqual(await main(["ssh", "worker-7"], cli.deps), exitCodes.usage);
        assert.strictEqual(cli.err[0], "There is no node worker-7; the nodes are control-plane, worker-0, worker-1.");
    });

    it("drives the port-forward services over SSH, only in the portForward exposure", async () => {
        const off = fake(outputs());
        assert.strictEqual(await main(["port-forward", "status"], off.deps), exitCodes.usage);
        assert.match(off.err[0], /this stack uses nodePort/);
        const on = fake(outputs({ exposure: "portForward" }), { ssh: () => ({ code: 0, stdout: "active" }) });
        for (const action of ["start", "stop", "restart", "status", "logs"]) assert.strictEqual(await main(["port-forward", action], on.deps), exitCodes.ok, action);
        assert.deepStrictEqual(on.ssh.map((s) => s.command), [
            "sudo systemctl start k8s-lab-port-forward-bookinfo.service k8s-lab-port-forward-grafana.service",
            "sudo systemctl stop k8s-lab-port-forward-bookinfo.service k8s-lab-port-forward-grafana.service",
            "sudo systemctl restart k8s-lab-port-forward-bookinfo.service k8s-lab-port-forward-grafana.service",
            "systemctl status --no-pager k8s-lab-port-forward-bookinfo.service k8s-lab-port-forward-grafana.service",
            "sudo journalctl --no-pager -n 200 -u k8s-lab-port-forward-bookinfo.service -u k8s-lab-port-forward-grafana.service",
        ]);
        // The units are the endpoints the lab's last up declared: a third one is a third unit.
        const three = fake(outputs({ exposure: "portForward", endpoints: [...labTargets("http://203.0.113.1:30080/productpage", "http://203.0.113.1:30300"), { name: "echo", title: "Echo", url: "http://203.0.113.1:30500/", check: "answers", publicPort: 30500 }] }), { ssh: () => ({ code: 0, stdout: "active" }) });
        assert.strictEqual(await main(["port-forward", "restart"], three.deps), exitCodes.ok);
        assert.deepStrictEqual(three.ssh.map((s) => s.command), ["sudo systemctl restart k8s-lab-port-forward-bookinfo.service k8s-lab-port-forward-grafana.service k8s-lab-port-forward-echo.service"]);
        const failing = fake(outputs({ exposure: "portForward" }), { ssh: () => ({ code: 3, stdout: "inactive" }) });
        assert.strictEqual(await main(["port-forward", "status"], failing.deps), exitCodes.unhealthy);
        const broken = fake(outputs({ exposure: "portForward" }), { ssh: () => ({ code: 1, stdout: "" }) });
        assert.strictEqual(await main(["port-forward", "restart"], broken.deps), exitCodes.remote);
        assert.strictEqual(await main(["port-forward", "reload"], failing.deps), exitCodes.usage);
    });

    it("reports each URL and node readiness in status, failing when a node is not Ready", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "OK", message: "ok" } }));
        const o = outputs({ bookinfoUrl: `${bookinfo}/productpage`, grafanaUrl: grafana });
        const ready = fake(o, { ssh: () => ({ code: 0, stdout: nodeList({ "control-plane": true, "worker-0": true, "worker-1": true }) }) });
        assert.strictEqual(await main(["status", "--json"], ready.deps), exitCodes.ok);
        const report = JSON.parse(ready.out.join("\n"));
        assert.deepStrictEqual(report.results.map((r: { target: string; verdict: string }) => [r.target, r.verdict]), [["bookinfo", "ok"], ["grafana", "ok"], ...platformChecks.map((check) => [check, "ok"])], "the platform checks too, after Grafana's");
        assert.strictEqual(report.exposure, "nodePort");
        assert.ok(report.results.every((r: { ms: number }) => r.ms < 10_000));
        const notReady = fake(o, { ssh: () => ({ code: 0, stdout: nodeList({ "control-plane": true, "worker-0": false, "worker-1": true }) }) });
        assert.strictEqual(await main(["status"], notReady.deps), exitCodes.unhealthy);
        assert.strictEqual(notReady.out[notReady.out.length - 1], "Nodes: control-plane Ready, worker-0 NotReady, worker-1 Ready");
    });

    it("fails a verification with each URL's verdict and next step, in Korean for a Korean operator", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("ratings-unavailable")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "ERROR", message: "context deadline exceeded" } }));
        const cli = fake(outputs({ bookinfoUrl: `${bookinfo}/productpage`, grafanaUrl: grafana }), { env: { LANG: "ko_KR.UTF-8" } });
        assert.strictEqual(await main(["verify"], cli.deps), exitCodes.unhealthy);
        assert.match(cli.out[0], /HTTP 200으로 응답했지만 완전한 상품 페이지가 아닙니다\(http:\/\/[^,]+, Ratings service is currently unavailable\)/);
        assert.match(cli.out[1], /Prometheus 데이터 소스가 비정상입니다\(http:\/\/[^,]+, Prometheus: context deadline exceeded\)/);
        assert.strictEqual(cli.out[2], "0초 동안 재시도했지만 응답하지 않은 URL이나 통과하지 못한 Grafana 검사가 있습니다. 노출 방식: nodePort.");
    });

    it("verifies the endpoints pulumi up hands over, without reading the stack", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "secret", health: { status: "OK", message: "ok" } }));
        const cli = fake(new Error("the stack is locked by the update"), {
            env: { LAB_ENDPOINTS: JSON.stringify(labTargets(`${bookinfo}/productpage`, grafana)), LAB_GRAFANA_PASSWORD: "secret", LAB_EXPOSURE: "hostPort", LAB_LANGUAGE: "en" },
        });
        assert.strictEqual(await main(["verify", "--retry", "1"], cli.deps), exitCodes.ok);
        assert.match(cli.out[cli.out.length - 1], /^Every URL answers within the KPI and every check through Grafana passes, after 1 attempts, with exposure hostPort\.$/);
    });

    it("verifies the platform through Grafana, its results in the JSON as the URLs' are, in either language, never printing the password", async () => {
        const password = "Zq8-grafana-admin-pw";
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const inner = fakeGrafana({ password, health: { status: "OK", message: "ok" }, cluster: healthyCluster({ meshed: bookinfoPods.slice(1) }) });
        // Grafana's proxy error quoting the upstream URL with the credentials in it.
        const grafana = await serve((req, res) => (req.url?.includes("/api/v1/rules") ? void res.writeHead(502).end(JSON.stringify({ message: `proxy error: GET http://admin:${password}@prometheus:9090/api/v1/rules: EOF` })) : inner(req, res)));
        const env = { LAB_ENDPOINTS: JSON.stringify(labTargets(`${bookinfo}/productpage`, grafana)), LAB_GRAFANA_PASSWORD: password, LAB_EXPOSURE: "hostPort", LAB_LANGUAGE: "en" };
        const json = fake(new Error("the stack is locked by the update"), { env });
        assert.strictEqual(await main(["verify", "--json"], json.deps), exitCodes.unhealthy);
        const report = JSON.parse(json.out.join("\n")) as { ok: boolean; results: Record<string, unknown>[] };
        const unmeshed = bookinfoPods[0];
        assert.deepStrictEqual([report.ok, report.results.map(({ ms, ...r }) => [typeof ms, r])], [false, [
            ["number", { target: "bookinfo", title: "Bookinfo", url: `${bookinfo}/productpage`, verdict: "ok" }],
            ["number", { target: "grafana", title: "Grafana", url: grafana, verdict: "ok" }],
            ["number", { target: "linkerdProxies", title: "Grafana", url: grafana, verdict: "unmeshedPods", status: 200, detail: unmeshed }],
            ["number", { target: "proxyTargets", title: "Grafana", url: grafana, verdict: "ok" }],
            ["number", { target: "bookinfoDashboard", title: "Grafana", url: `${grafana}/d/k8s-lab-bookinfo`, verdict: "ok" }],
            ["number", { target: "alertRules", title: "Grafana", url: grafana, verdict: "prometheusError", status: 502, detail: "the rules API: HTTP 502, proxy error: GET http://admin:[redacted]@prometheus:9090/api/v1/rules: EOF" }],
        ]]);
        const korean = fake(new Error("the stack is locked by the update"), { env: { ...env, LAB_LANGUAGE: "ko" } });
        assert.strictEqual(await main(["verify"], korean.deps), exitCodes.unhealthy);
        assert.deepStrictEqual(korean.out.slice(2, 4).map((line) => line.replace(/\d+ ms/, "N ms")), [
            `Grafana 서비스는 응답하지만 다음 Bookinfo 파드가 Linkerd 프록시 없이 실행 중입니다(${grafana}): ${unmeshed}. Linkerd 프록시 인젝터가 준비된 뒤(kubectl -n linkerd get pods) 해당 Deployment를 다시 시작하거나(kubectl -n bookinfo rollout restart deployment), up을 다시 실행하세요. up의 트래픽 확인이 다시 시작합니다.`,
            `Prometheus가 실행 중인 모든 Bookinfo 파드의 Linkerd 프록시를 수집하고 있습니다(Grafana 서비스로 조회, N ms): ${grafana}`,
        ]);
        assert.match(korean.err[0], /^시도 1: bookinfo 정상 \(\d+ ms\), grafana 정상 \(\d+ ms\), linkerdProxies 프록시 없는 파드 \(\d+ ms\), proxyTargets 정상 \(\d+ ms\), bookinfoDashboard 정상 \(\d+ ms\), alertRules 메트릭 조회 오류 \(\d+ ms\)$/);
        const printed = [...json.out, ...json.err, ...korean.out, ...korean.err];
        assert.ok(printed.some((line) => line.includes("admin:[redacted]@prometheus")), "the error is shown, redacted");
        assert.deepStrictEqual(printed.filter((line) => line.includes(password)), []);
    });

    it("derives the endpoints of a lab built before the endpoints output from its two URLs, and shows no capacity it does not have", async () => {
        const old = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "outputs", "before-endpoints.json"), "utf8")) as Record<string, unknown>;
        const forwarded = fake(old);
        assert.strictEqual(await main(["port-forward", "status"], forwarded.deps), exitCodes.ok);
        assert.deepStrictEqual(forwarded.ssh.map((s) => s.command), ["systemctl status --no-pager k8s-lab-port-forward-bookinfo.service k8s-lab-port-forward-grafana.service"]);
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "OK", message: "ok" } }));
        const status = fake({ ...old, bookinfoUrl: `${bookinfo}/productpage`, grafanaUrl: grafana }, { ssh: () => ({ code: 0, stdout: nodeList({ "control-plane": true, "worker-0": true, "worker-1": true }) }) });
        assert.strictEqual(await main(["status", "--json"], status.deps), exitCodes.ok);
        const report = JSON.parse(status.out.join("\n"));
        assert.deepStrictEqual([report.exposure, report.workerCapacity, report.results.map((r: { target: string; url: string; verdict: string }) => [r.target, r.url, r.verdict])], [
            "portForward", undefined, [["bookinfo", `${bookinfo}/productpage`, "ok"], ["grafana", grafana, "ok"], ...platformChecks.map((check) => [check, check === "bookinfoDashboard" ? `${grafana}/d/k8s-lab-bookinfo` : grafana, "ok"])],
        ]);
    });

    it("shows the workers' capacity in status, and that on-demand after a spot fallback is kept until destroy", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "OK", message: "ok" } }));
        const ready = () => ({ code: 0, stdout: nodeList({ "control-plane": true, "worker-0": true, "worker-1": true }) });
        const lab = (workerCapacity: "spot" | "onDemand") => outputs({ bookinfoUrl: `${bookinfo}/productpage`, grafanaUrl: grafana, workerCapacity, configuredWorkerCapacity: "spot" });
        const spot = fake(lab("spot"), { ssh: ready });
        assert.strictEqual(await main(["status"], spot.deps), exitCodes.ok);
        assert.strictEqual(spot.out[spot.out.length - 1], "Workers: spot.");
        const kept = fake(lab("onDemand"), { ssh: ready });
        assert.strictEqual(await main(["status", "--json"], kept.deps), exitCodes.ok);
        assert.deepStrictEqual(JSON.parse(kept.out.join("\n")).workerCapacity, { configured: "spot", current: "onDemand" });
        const korean = fake(lab("onDemand"), { ssh: ready, env: { LANG: "ko_KR.UTF-8" } });
        assert.strictEqual(await main(["status"], korean.deps), exitCodes.ok);
        assert.strictEqual(korean.out[korean.out.length - 1], "워커 구매 방식: onDemand. 설정은 spot 방식이지만 실습 환경을 삭제할 때까지 유지합니다(새 실습 환경은 spot 설정으로 시작합니다).");
        const english = fake(lab("onDemand"), { ssh: ready });
        assert.strictEqual(await main(["status"], english.deps), exitCodes.ok);
        assert.strictEqual(english.out[english.out.length - 1], "Workers: onDemand, kept until the lab is destroyed although spot is configured (a new lab starts from spot).");
    });

    it("collects every node's logs into one archive", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-cli-")), "diagnose.tar.gz");
        const cli = fake(outputs(), { ssh: (target) => ({ code: 0, stdout: `logs of ${target.host}` }) });
        assert.strictEqual(await main(["diagnose", file, "--json"], cli.deps), exitCodes.ok);
        assert.deepStrictEqual(execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).split("\n").filter((f) => f.endsWith(".log")).sort(), ["./control-plane.log", "./worker-0.log", "./worker-1.log"]);
        // Every node, the workers too, is given the lab's public ports (its URLs' ports) for the NAT grep.
        assert.deepStrictEqual(cli.ssh.map((s) => s.command), Array(3).fill("sudo PUBLIC_PORTS='30080 30300' bash -s"));
        assert.ok(cli.ssh.every((s) => /journalctl --no-pager -u kubelet/.test(s.stdin ?? "")));
        assert.match(cli.ssh.find((s) => s.target.host === "203.0.113.1")?.stdin ?? "", /^NODE_ROLE='control-plane'$/m);
        assert.deepStrictEqual(JSON.parse(cli.out.join("\n")).nodes, [{ node: "control-plane", collected: true, missing: [] }, { node: "worker-0", collected: true, missing: [] }, { node: "worker-1", collected: true, missing: [] }]);
    });

    it("says per node what diagnose could not collect, and which node it could not reach", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-cli-")), "diagnose.tar.gz");
        const section = (host: string, lines: string[]) => `===== kubelet =====\nlogs\n\n===== not collected on ${host} =====\n${lines.join("\n")}\n`;
        const nodes = (target: SshTarget): { code: number; stdout: string; stderr?: string } => {
                if (target.host === "10.0.2.12") return { code: 255, stdout: "", stderr: "ssh: connect to host 10.0.2.12 port 22: Connection timed out" };
                return { code: 0, stdout: target.host === "203.0.113.1" ? section("ip-10-0-1-10", ["journalctl -u containerd (exit 1)", "/var/log/k8s-lab-prep.log (not readable)", "the cluster's view through the API (the API server does not answer)"]) : section("ip-10-0-2-11", ["everything was collected"]) };
        };
        const cli = fake(outputs(), { ssh: nodes });
        assert.strictEqual(await main(["diagnose", file], cli.deps), exitCodes.remote);
        assert.deepStrictEqual(cli.out, [
            "control-plane: collected, except journalctl -u containerd (exit 1); /var/log/k8s-lab-prep.log (not readable); the cluster's view through the API (the API server does not answer).",
            "worker-0: collected.",
            "worker-1: not collected (ssh: connect to host 10.0.2.12 port 22: Connection timed out).",
            `Wrote ${file}: the logs of 2 of 3 nodes.`,
        ]);
        // In Korean, the items' reasons are Korean; the commands and files stay as they are typed.
        const korean = fake(outputs(), { env: { LANG: "ko_KR.UTF-8" }, ssh: nodes });
        assert.strictEqual(await main(["diagnose", file], korean.deps), exitCodes.remote);
        assert.deepStrictEqual(korean.out.slice(0, 2), [
            "control-plane 노드: 수집했지만 다음 항목은 수집하지 못했습니다: journalctl -u containerd (종료 코드 1); /var/log/k8s-lab-prep.log (읽을 수 없음); API를 통한 클러스터 정보(API 서버가 응답하지 않음).",
            "worker-0 노드: 수집했습니다.",
        ]);
    });

    it("runs up through the fallback and reports the serving mode", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "OK", message: "ok" } }));
        const refused = await closedPort();
        let mode: "nodePort" | "portForward" | "hostPort" = "nodePort";
        const stack: LabStack = {
            exposure: async () => ({ configured: "nodePort", current: mode }),
            up: async (_options, override) => {
                mode = override ?? mode;
                if (mode === "nodePort") throw new UpFailed([{ resource: accessCheckResource, error: "bookinfo refused" }]);
            },
            endpoints: async () => labEndpointsAt(mode === "nodePort" ? `${refused}/productpage` : `${bookinfo}/productpage`, grafana),
        };
        const cli = fake(outputs(), { stack });
        assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], cli.deps), exitCodes.ok);
        assert.deepStrictEqual(JSON.parse(cli.out.join("\n")).mode, "portForward");
        assert.ok(cli.err.some((line) => /^Exposure nodePort did not serve every URL \(bookinfo: refused\); switching to portForward/.test(line)), cli.err.join("\n"));
    });

    it("runs up again with on-demand workers when EC2 refuses spot capacity, says so, and reports the capacity the lab keeps", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "OK", message: "ok" } }));
        const ups: (string | undefined)[] = [];
        const stack: LabStack = {
            exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
            capacity: async () => ({ configured: "spot", current: "spot" }),
            up: async (_options, _exposure, capacity) => {
                ups.push(capacity);
                if (capacity === undefined) throw new UpFailed([{ resource: "aws:ec2/instance:Instance::worker-1", error: "creating EC2 Instance: operation error EC2: RunInstances, api error InsufficientInstanceCapacity: We currently do not have sufficient t3.medium capacity" }]);
            },
            endpoints: async () => labEndpointsAt(`${bookinfo}/productpage`, grafana),
        };
        const cli = fake(outputs(), { stack });
        assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], cli.deps), exitCodes.ok);
        const report = JSON.parse(cli.out.join("\n"));
        assert.deepStrictEqual([report.ok, report.workerCapacity, ups], [true, { configured: "spot", left: "onDemand" }, [undefined, "onDemand"]]);
        assert.ok(cli.err.includes("EC2 refused spot capacity for the workers; applying again with on-demand workers. The lab keeps them until it is destroyed; a new lab starts from spot."), cli.err.join("\n"));
    });

    it("reads the lab's resources before the up (a reclaimed spot worker, a cluster created again) and says what the stack says of it; a failed read leaves the state as it is", async () => {
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "OK", message: "ok" } }));
        const run = async (refresh: () => Promise<string | undefined>) => {
            const calls: string[] = [];
            const stack: LabStack = {
                exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
                up: async () => void calls.push("up"),
                endpoints: async () => labEndpointsAt(`${bookinfo}/productpage`, grafana),
                refresh: async (_options, say) => {
                    calls.push("refresh");
                    say("(the stack's own line)");
                    return refresh();
                },
            };
            const cli = fake(outputs(), { stack });
            const code = await main(["up", "--json", "--policy-pack", installedPack()], cli.deps);
            return { code, calls, said: cli.err.filter((line) => /instances|resources|stack.s own/i.test(line)) };
        };
        assert.deepStrictEqual(await run(async () => "Instances gone since the last up (a reclaimed spot worker): 1; this up launches them again and joins them."), {
            code: exitCodes.ok,
            calls: ["refresh", "up"],
            said: ["(the stack's own line)", "Instances gone since the last up (a reclaimed spot worker): 1; this up launches them again and joins them."],
        });
        // Nothing gone (or a new lab, no instances): nothing more is said.
        assert.deepStrictEqual(await run(async () => undefined), { code: exitCodes.ok, calls: ["refresh", "up"], said: ["(the stack's own line)"] });
        assert.deepStrictEqual(await run(async () => { throw new Error("error: refresh failed: AccessDenied"); }), {
            code: exitCodes.ok,
            calls: ["refresh", "up"],
            said: ["(the stack's own line)", "The lab's resources could not be read (error: refresh failed: AccessDenied); applying with the state as it is."],
        });
    });

    it("times each phase of up from the engine's events: in the report, one line at the end, and in the history k8s-lab timings shows", async () => {
        const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "timings", "up-events.json"), "utf8")) as EngineEvent[];
        const day = 86_400;
        // Monday's up succeeds; Tuesday's fails at kubeadm init, 200 s in.
        const init = recorded.find((e) => e.resourcePreEvent?.metadata.urn.endsWith("::cluster-init"))?.resourcePreEvent?.metadata;
        const tuesday = [...recorded.filter((e) => e.timestamp <= recorded[0].timestamp + 200).map((e) => ({ ...e, timestamp: e.timestamp + day })), { sequence: 1000, timestamp: recorded[0].timestamp + day + 200, resOpFailedEvent: { metadata: init, status: 1, steps: 1 } }] as EngineEvent[];
        const labUp = (events: EngineEvent[], error?: UpFailed): LabStack => ({
            exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
            up: async (options) => {
                for (const event of events) options.onEvent?.(event);
                if (error) throw error;
            },
            endpoints: async () => { throw new Error("no outputs in this test"); },
        });
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-timings-")), ".k8s-lab", "timings.jsonl");
        const env = { LANG: "en_US.UTF-8", K8S_LAB_TIMINGS_FILE: file };
        const monday = fake(outputs(), { env, stack: labUp(recorded) });
        assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], monday.deps), exitCodes.ok);
        const report = JSON.parse(monday.out.join("\n"));
        assert.deepStrictEqual([report.timings.startedAt, report.timings.seconds, report.timings.phases.map((p: { phase: string; seconds: number }) => `${p.phase} ${p.seconds}`)], [
            "2026-11-29T23:00:07.000Z", 771,
            ["network 123", "nodes 139", "init 228", "cni 87", "joins 65", "ready 50", "kubeconfig 4", "monitoringCrds 6", "monitoring 155", "linkerdCrds 13", "linkerd 244", "bookinfo 95", "verification 25", "other 3"],
        ]);
        assert.strictEqual(monday.err[monday.err.length - 1], "Time by phase (new lab): network 2:03, nodes 2:19, kubeadm init 3:48, CNI 1:27, joins 1:05, nodes Ready 0:50, kubeconfig 0:04, monitoring CRDs 0:06, monitoring 2:35, Linkerd CRDs 0:13, Linkerd 4:04, Bookinfo 1:35, verification 0:25, other 0:03; total 12:51 (k8s-lab timings shows the last runs).");
        // Between them, a kept lab's up where EC2 refused spot capacity: on-demand workers, nothing else changed.
        const noon = recorded[0].timestamp + day / 2;
        const spotRefused = new UpFailed([{ resource: "aws:ec2/instance:Instance::worker-1", error: "api error InsufficientInstanceCapacity" }]);
        const kept: LabStack = {
            exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
            capacity: async () => ({ configured: "spot", current: "spot" }),
            up: async (options, _exposure, capacity) => {
                options.onEvent?.({ sequence: 1, timestamp: capacity === undefined ? noon : noon + 40, resourcePreEvent: { metadata: { op: "same", urn: "urn:pulumi:dev::k8s-lab::k8slab:index:NodeGroup$aws:ec2/instance:Instance::worker-0", type: "aws:ec2/instance:Instance", provider: "" } } } as EngineEvent);
                if (capacity === undefined) throw spotRefused;
            },
            endpoints: async () => { throw new Error("no outputs in this test"); },
        };
        const keptRun = fake(outputs(), { env, stack: kept });
        assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], keptRun.deps), exitCodes.ok);
        assert.deepStrictEqual(JSON.parse(keptRun.out.join("\n")).timings, { kind: "update", startedAt: "2026-11-30T11:00:07.000Z", seconds: 40, phases: [], fallback: { capacity: { from: "spot", to: "onDemand" } } });
        assert.strictEqual(keptRun.err[keptRun.err.length - 1], "Time by phase (update): nothing changed; total 0:40 (k8s-lab timings shows the last runs). [fallback: workers spot -> onDemand; the phases add up every apply]");
        const failing = fake(outputs(), { env, stack: labUp(tuesday, new UpFailed([{ resource: "command:remote:Command::cluster-init", error: "kubelet did not start" }])) });
        assert.strictEqual(await main(["up", "--policy-pack", installedPack()], failing.deps), exitCodes.cloud);
        assert.ok(failing.out.includes("Time by phase (new lab): network 2:03, nodes 2:19, kubeadm init 2:43, other 0:03; total 3:20 (k8s-lab timings shows the last runs)."), failing.out.join("\n"));
        assert.deepStrictEqual(fs.readFileSync(file, "utf8").trim().split("\n").map((line) => { const run = JSON.parse(line); return [run.stack, run.ok, run.kind, run.startedAt, run.seconds, run.phases.length, run.fallback]; }), [
            ["dev", true, "new", "2026-11-29T23:00:07.000Z", 771, 14, undefined],
            ["dev", true, "update", "2026-11-30T11:00:07.000Z", 40, 0, { capacity: { from: "spot", to: "onDemand" } }],
            ["dev", false, "new", "2026-11-30T23:00:07.000Z", 200, 4, undefined],
        ]);

        const shown = fake(outputs(), { env });
        assert.strictEqual(await main(["timings"], shown.deps), exitCodes.ok);
        assert.deepStrictEqual(shown.out, [
            `The last runs of stack dev, newest first (${file}):`,
            "2026-11-30 23:00 UTC  failed  new lab  total 3:20: network 2:03, nodes 2:19, kubeadm init 2:43, other 0:03",
            "2026-11-30 11:00 UTC  done  update  total 0:40: nothing changed [fallback: workers spot -> onDemand; the phases add up every apply]",
            "2026-11-29 23:00 UTC  done  new lab  total 12:51: network 2:03, nodes 2:19, kubeadm init 3:48, CNI 1:27, joins 1:05, nodes Ready 0:50, kubeconfig 0:04, monitoring CRDs 0:06, monitoring 2:35, Linkerd CRDs 0:13, Linkerd 4:04, Bookinfo 1:35, verification 0:25, other 0:03",
            "",
            "The newest run's phases: start, end and duration from its first event.",
            "phase         start   end  duration",
            "network        0:03  2:06      2:03",
            "nodes          0:04  2:23      2:19",
            "kubeadm init   0:37  3:20      2:43",
            "other          0:01  0:04      0:03",
            "total          0:00  3:20      3:20",
        ]);
        const json = fake(outputs(), { env });
        assert.strictEqual(await main(["timings", "--json"], json.deps), exitCodes.ok);
        const document = JSON.parse(json.out.join("\n"));
        assert.deepStrictEqual([document.ok, document.stack, document.file, document.runs.map((r: { ok: boolean; kind: string; seconds: number; fallback?: unknown }) => [r.ok, r.kind, r.seconds, r.fallback])], [true, "dev", file, [[false, "new", 200, undefined], [true, "update", 40, { capacity: { from: "spot", to: "onDemand" } }], [true, "new", 771, undefined]]]);
        // In Korean: each Hangul syllable takes two columns, and the table is aligned by them.
        const korean = fake(outputs(), { env: { ...env, LANG: "ko_KR.UTF-8" } });
        assert.strictEqual(await main(["timings"], korean.deps), exitCodes.ok);
        assert.deepStrictEqual([korean.out[1], korean.out[2], ...korean.out.slice(6)], [
            "2026-11-30 23:00 UTC  실패  새 실습 환경  전체 3:20: 네트워크 2:03, 노드 2:19, kubeadm init 실행 2:43, 기타 0:03",
            "2026-11-30 11:00 UTC  완료  업데이트  전체 0:40: 바뀐 리소스 없음 [자동 전환: 워커 구매 방식 spot -> onDemand. 단계별 시간은 모든 적용을 합친 값입니다]",
            "단계               시작    끝  소요 시간",
            "네트워크           0:03  2:06       2:03",
            "노드               0:04  2:23       2:19",
            "kubeadm init 실행  0:37  3:20       2:43",
            "기타               0:01  0:04       0:03",
            "전체               0:00  3:20       3:20",
        ]);

        // No run yet; a history that cannot be written is said, and the up's result stands.
        const none = fake(outputs(), { env: { LANG: "en_US.UTF-8", K8S_LAB_TIMINGS_FILE: path.join(path.dirname(file), "none.jsonl") } });
        assert.strictEqual(await main(["timings"], none.deps), exitCodes.ok);
        assert.deepStrictEqual(none.out, [`No run of stack dev is recorded in ${path.join(path.dirname(file), "none.jsonl")} yet: each k8s-lab up adds one.`]);
        const blocked = path.join(file, "timings.jsonl");
        const unwritable = fake(outputs(), { env: { LANG: "en_US.UTF-8", K8S_LAB_TIMINGS_FILE: blocked }, stack: labUp(recorded) });
        assert.strictEqual(await main(["up", "--policy-pack", installedPack()], unwritable.deps), exitCodes.ok);
        assert.ok(unwritable.err.includes(`This run's timings could not be added to ${blocked} (EEXIST); the report still has them.`), unwritable.err.join("\n"));
    });

    it("records what the nodes booted with each run's timings, and warns first in k8s-lab timings when the newest run fell back to Ubuntu", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-timings-")), "timings.jsonl");
        const env = { LANG: "en_US.UTF-8", K8S_LAB_TIMINGS_FILE: file };
        const prepared = { key: "0123456789abcdef", ami: "ami-0prepared" };
        let at = 1_790_000_000;
        const booting = (nodeImage: BootedImages | undefined): LabStack => ({
            exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
            up: async (options) => {
                at += 86_400;
                options.onEvent?.({ sequence: 1, timestamp: at, resourcePreEvent: { metadata: { op: "create", urn: "urn:pulumi:dev::k8s-lab::aws:ec2/vpc:Vpc::network", type: "aws:ec2/vpc:Vpc", provider: "" } } } as EngineEvent);
                options.onEvent?.({ sequence: 2, timestamp: at + 60, resOutputsEvent: { metadata: { op: "create", urn: "urn:pulumi:dev::k8s-lab::aws:ec2/vpc:Vpc::network", type: "aws:ec2/vpc:Vpc", provider: "" } } } as EngineEvent);
            },
            endpoints: async () => { throw new Error("no outputs in this test"); },
            nodeImage: async () => nodeImage,
        });
        const runs: [BootedImages | undefined, string][] = [
            [{ controlPlane: prepared, worker: prepared }, " [nodes: the prepared node image]"],
            [undefined, ""],
            [{ controlPlane: "ubuntu", worker: prepared }, " [nodes: the prepared node image for one role, Canonical's Ubuntu for the other]"],
            [{ controlPlane: "ubuntu", worker: "ubuntu" }, " [nodes: Canonical's Ubuntu, no prepared node image]"],
        ];
        for (const [nodeImage, note] of runs) {
            const run = fake(outputs(), { env, stack: booting(nodeImage) });
            assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], run.deps), exitCodes.ok);
            assert.strictEqual(run.err[run.err.length - 1], `Time by phase (update): network 1:00; total 1:00 (k8s-lab timings shows the last runs).${note}`);
            assert.deepStrictEqual(JSON.parse(run.out.join("\n")).timings.nodeImage, nodeImage);
        }
        assert.deepStrictEqual(fs.readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line).nodeImage), runs.map(([nodeImage]) => nodeImage));
        const shown = fake(outputs(), { env });
        assert.strictEqual(await main(["timings"], shown.deps), exitCodes.ok);
        assert.deepStrictEqual(shown.out.slice(0, 6), [
            "Warning: the newest run's nodes did not all boot the prepared node image but Canonical's Ubuntu, which installs everything at boot and is slower. See the CI stack's node image build (docs/operations.md, The prepared node image).",
            `The last runs of stack dev, newest first (${file}):`,
            "2026-09-25 14:13 UTC  done  update  total 1:00: network 1:00 [nodes: Canonical's Ubuntu, no prepared node image]",
            "2026-09-24 14:13 UTC  done  update  total 1:00: network 1:00 [nodes: the prepared node image for one role, Canonical's Ubuntu for the other]",
            // A run recorded before the output existed says nothing.
            "2026-09-23 14:13 UTC  done  update  total 1:00: network 1:00",
            "2026-09-22 14:13 UTC  done  update  total 1:00: network 1:00 [nodes: the prepared node image]",
        ]);
        // The newest on the prepared image: no warning.
        const again = fake(outputs(), { env, stack: booting({ controlPlane: prepared, worker: prepared }) });
        assert.strictEqual(await main(["up", "--policy-pack", installedPack()], again.deps), exitCodes.ok);
        const after = fake(outputs(), { env });
        assert.strictEqual(await main(["timings"], after.deps), exitCodes.ok);
        assert.strictEqual(after.out[0], `The last runs of stack dev, newest first (${file}):`);
    });

    it("stops up with the cloud's error (exit 5) when another resource failed, and as unhealthy (exit 1) on a verdict no exposure changes", async () => {
        const grafana = await serve(fakeGrafana({ password: "pw", health: { status: "ERROR", message: "context deadline exceeded" } }));
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const failing = (errors: { resource: string; error: string }[]): LabStack => ({
            exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
            up: async () => {
                throw new UpFailed(errors);
            },
            endpoints: async () => labEndpointsAt(`${bookinfo}/productpage`, grafana),
        });
        const cloud = fake(outputs(), { stack: failing([{ resource: "command:remote:Command::cluster-init", error: "Process exited with status 1\n[ERROR] kubelet did not start" }, { resource: accessCheckResource, error: "failed" }]) });
        assert.strictEqual(await main(["up", "--policy-pack", installedPack()], cloud.deps), exitCodes.cloud);
        assert.strictEqual(cloud.out[cloud.out.length - 1], "pulumi up failed with exposure nodePort: command:remote:Command::cluster-init: [ERROR] kubelet did not start. Next: fix that resource and run k8s-lab up again (k8s-lab diagnose collects the nodes' logs).");
        const sick = fake(outputs(), { stack: failing([{ resource: accessCheckResource, error: "failed" }]) });
        assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], sick.deps), exitCodes.unhealthy);
        const report = JSON.parse(sick.out.join("\n"));
        assert.deepStrictEqual([report.ok, report.left, report.steps.map((s: { mode: string }) => s.mode)], [false, "nodePort", ["nodePort"]]);
        assert.ok(sick.err.includes("Not switching from exposure nodePort: grafana: datasourceUnhealthy is not a network failure, and another exposure cannot change it."), sick.err.join("\n"));
    });

    describe("up and the policy pack", () => {
        const recording = () => {
            const runs: string[][] = [];
            const stack: LabStack = {
                exposure: async () => ({ configured: "hostPort", current: "hostPort" }),
                up: async (options: UpOptions) => void runs.push(options.policyPacks),
                endpoints: async () => labEndpointsAt("http://127.0.0.1:1/productpage", "http://127.0.0.1:1"),
            };
            return { runs, stack };
        };

        it("runs the repository's policy pack by default, or the folder --policy-pack names", async () => {
            const byDefault = recording();
            await main(["up", "--json"], fake(outputs(), { stack: byDefault.stack }).deps);
            assert.deepStrictEqual(byDefault.runs, [[path.resolve(__dirname, "..", "..", "policy")]]);
            assert.strictEqual(defaultPolicyPack, path.resolve(__dirname, "..", "..", "policy"));
            const pack = installedPack();
            const named = recording();
            await main(["up", "--policy-pack", path.relative(process.cwd(), pack), "--json"], fake(outputs(), { stack: named.stack }).deps);
            assert.deepStrictEqual(named.runs, [[pack]]);
        });

        it("gives the pack the settings of the stack's config (--policy-pack-config), and removes the file after", async () => {
            const files: string[] = [];
            const seen: unknown[] = [];
            const stack: LabStack = {
                ...recording().stack,
                up: async (options: UpOptions) => {
                    files.push(...(options.policyPackConfigs ?? []));
                    seen.push(...files.map((file) => JSON.parse(fs.readFileSync(file, "utf8"))));
                },
            };
            await main(["up", "--json", "--policy-pack", installedPack()], fake(outputs(), { stack }).deps);
            assert.deepStrictEqual(seen, [stackPolicyPackConfig(path.resolve(__dirname, "..", ".."), "dev", {})]);
            assert.deepStrictEqual(files.filter((file) => fs.existsSync(file)), []);
        });

        it("stops before touching the stack when the pack is not installed, saying how to install it", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-pack-"));
            fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
            for (const [language, sentence] of [
                ["en", `The policy pack cannot run: the folder ${dir} needs PulumiPolicy.yaml and its installed node_modules; install it with npm ci --prefix policy, or pass --policy-pack with the folder of an installed pack.`],
                ["ko", `정책 팩을 실행할 수 없습니다. ${dir} 폴더에 PulumiPolicy.yaml과 설치된 node_modules가 있어야 합니다. npm ci --prefix policy로 설치하거나, --policy-pack 옵션으로 설치된 팩의 폴더를 지정하세요.`],
            ]) {
                const cli = fake(outputs(), { env: { LAB_LANGUAGE: language } });
                assert.strictEqual(await main(["up", "--policy-pack", dir], cli.deps), exitCodes.prerequisite);
                assert.deepStrictEqual([cli.out, cli.err], [[], [sentence]]);
            }
            const installed = installedPack();
            fs.rmSync(path.join(installed, "PulumiPolicy.yaml"));
            assert.strictEqual(await main(["up", "--policy-pack", installed], fake(outputs()).deps), exitCodes.prerequisite);
            assert.strictEqual(await main(["up", "--policy-pack"], fake(outputs()).deps), exitCodes.usage);
        });
    });

    it("lets the pack judge the whole stack in a preview before the up changes anything, and stops on a violation there", async () => {
        const violation = { sequence: 1, timestamp: 0, policyEvent: { message: "0.0.0.0/1 and 128.0.0.0/1 open 22", color: "never", policyName: "no-world-ingress-across-rules", policyPackName: "k8s-lab", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel: "mandatory" as const } };
        const stack = (previewFails: boolean) => {
            const calls: string[] = [];
            return {
                calls,
                preview: async (o: { policyPacks: string[]; onEvent: (e: EngineEvent) => void }) => {
                    calls.push(`preview ${o.policyPacks.join(",")}`);
                    if (previewFails) {
                        o.onEvent(violation);
                        throw new Error("preview failed");
                    }
                },
                up: async (o: { policyPacks: string[] }) => void calls.push(`up ${o.policyPacks.join(",")}`),
            };
        };
        const good = stack(false);
        await previewThenUp(good, { policyPacks: ["policy"] }, () => undefined, () => undefined);
        assert.deepStrictEqual(good.calls, ["preview policy", "up policy"]);
        const bad = stack(true);
        const seen: (ReturnType<typeof failedResource>)[] = [];
        await assert.rejects(previewThenUp(bad, { policyPacks: ["policy"] }, (e) => seen.push(failedResource(e)), () => undefined), /preview failed/);
        assert.deepStrictEqual(bad.calls, ["preview policy"], "nothing changes after a violation");
        assert.deepStrictEqual(seen, [{ resource: "pulumi up", error: "no-world-ingress-across-rules: 0.0.0.0/1 and 128.0.0.0/1 open 22" }]);
    });

    it("names the resources an update failed on, and the mandatory policies it broke, from the engine's events", () => {
        const urn = "urn:pulumi:dev::k8s-lab::k8slab:index:KubernetesCluster$command:remote:Command::cluster-init";
        const base = { sequence: 1, timestamp: 0 };
        assert.deepStrictEqual([
            failedResource({ ...base, diagnosticEvent: { urn, message: "Process exited with status 1\n", color: "never", severity: "error" } }),
            failedResource({ ...base, diagnosticEvent: { urn, message: "still waiting", color: "never", severity: "info" } }),
            failedResource({ ...base, diagnosticEvent: { message: "update failed", color: "never", severity: "error" } }),
            failedResource({ ...base, policyEvent: { resourceUrn: "urn:pulumi:dev::k8s-lab::aws:ec2/instance:Instance::control-plane-0", message: "IMDSv1 allowed", color: "never", policyName: "imdsv2", policyPackName: "k8s-lab", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel: "mandatory" } }),
            failedResource({ ...base, policyEvent: { message: "advice", color: "never", policyName: "tags", policyPackName: "k8s-lab", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", enforcementLevel: "warning" } }),
        ], [
            { resource: "command:remote:Command::cluster-init", error: "Process exited with status 1\n" },
            undefined,
            undefined,
            { resource: "aws:ec2/instance:Instance::control-plane-0", error: "imdsv2: IMDSv1 allowed" },
            undefined,
        ]);
    });

    describe("no secret in what the CLI prints or writes", () => {
        const token = "abcdef.0123456789abcdef";
        const keyBody = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
        const pem = `-----BEGIN RSA PRIVATE KEY-----\n${keyBody}\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----`;
        const clientKey = Buffer.from(pem).toString("base64");
        const saToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        const kubeconfig = `apiVersion: v1\nkind: Config\nusers:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: ${Buffer.from("-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----").toString("base64")}\n    client-key-data: ${clientKey}\n- name: port-forward\n  user:\n    token: ${saToken}\n`;
        const password = "Zx81kLm0pQ7rT2vW9yB4nC6d";
        const awsKeys = "AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        const shapes = [token, "0123456789abcdef", keyBody, "PRIVATE KEY", clientKey.slice(0, 40), saToken.slice(0, 30), password, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI"];
        const initOutput = `[init] Using Kubernetes version: v1.35.9\n[bootstrap-token] Using token: ${token}\nYou can now join any number of machines by running the following on each node as root:\n\n  kubeadm join 10.0.1.5:6443 --token ${token} \\\n\t--discovery-token-ca-cert-hash sha256:8f3c0a1b\n${pem}\n${kubeconfig}  admin-password: ${password}\nenv LAB_GRAFANA_PASSWORD=${password}\n${awsKeys}\n`;

        it("keeps tokens, keys, the kubeconfig and the password out of stdout, stderr and up-report.json, and keeps the verdicts", async () => {
            const bookinfo = await serve((_req, res) => res.end(page("healthy")));
            const grafana = await serve(fakeGrafana({ password, health: { status: "OK", message: "ok" } }));
            const refused = await closedPort();
            let mode: "nodePort" | "portForward" | "hostPort" = "nodePort";
            let applied = false;
            const stack: LabStack = {
                exposure: async () => ({ configured: "nodePort", current: mode }),
                up: async (options, override) => {
                    mode = override ?? mode;
                    // The engine streams in chunks that cut lines and blocks anywhere; once the
                    // password is an output, it may show bare.
                    const output = `${initOutput}${applied ? `Grafana admin ${password}\n` : ""}`;
                    applied = true;
                    for (let i = 0; i < output.length; i += 13) options.output(output.slice(i, i + 13));
                    if (mode === "nodePort") {
                        throw new UpFailed([
                            { resource: "command:local:Command::access-verify", error: `Process exited with status 1: running "sudo bash -s":\n${initOutput}kubeadm join 10.0.1.5:6443 --token ${token}` },
                        ]);
                    }
                    if (mode === "portForward") {
                        throw new UpFailed([
                            { resource: "command:local:Command::access-verify", error: `verify failed with LAB_GRAFANA_PASSWORD=${password}\nstdout: ${initOutput}\nAuthorization: Basic ${Buffer.from(`admin:${password}`).toString("base64")}` },
                        ]);
                    }
                },
                endpoints: async () => {
                    if (!applied) throw new Error("a new stack has no outputs");
                    return labEndpointsAt(mode === "nodePort" ? `${refused}/productpage` : `${bookinfo}/productpage`, mode === "hostPort" ? grafana : refused, password);
                },
            };
            const cli = fake(outputs({ kubeconfig, grafanaAdminPassword: password }), { stack });
            assert.strictEqual(await main(["up", "--json", "--policy-pack", installedPack()], cli.deps), exitCodes.ok);
            // As the daily workflow does: npm run lab -- up --json > up-report.json
            const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-report-")), "up-report.json");
            fs.writeFileSync(reportFile, `${cli.out.join("\n")}\n`);
            const logs = { stdout: cli.out.join("\n"), stderr: cli.err.join("\n"), "up-report.json": fs.readFileSync(reportFile, "utf8") };
            for (const [where, text] of Object.entries(logs)) {
                assert.deepStrictEqual(shapes.filter((shape) => text.includes(shape)), [], `${where} carries a secret`);
                assert.doesNotMatch(text, /[a-z0-9]{6}\.[a-z0-9]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|client-key-data: [^[]|AKIA[A-Z0-9]{16}|eyJ[A-Za-z0-9_-]+\.eyJ/, where);
            }
            // The engine's output still reaches the operator, line by line.
            assert.ok(cli.err.includes("[bootstrap-token] Using token: [redacted]"), logs.stderr);
            assert.ok(cli.err.includes("  kubeadm join 10.0.1.5:6443 --token [redacted] \\"), logs.stderr);
            assert.ok(cli.err.includes("Grafana admin [redacted]"), logs.stderr);
            const report = JSON.parse(logs["up-report.json"]);
            assert.deepStrictEqual(report.steps.map((s: { mode: string; upErrors?: unknown; verification?: { results: { target: string; verdict: string }[] } }) => ({
                mode: s.mode,
                upErrors: s.upErrors,
                verdicts: s.verification?.results.map((r) => `${r.target}: ${r.verdict}`),
            })), [
                {
                    mode: "nodePort",
                    upErrors: [{ resource: "command:local:Command::access-verify", error: "kubeadm join 10.0.1.5:6443 --token [redacted]" }],
                    verdicts: ["bookinfo: refused", "grafana: refused"],
                },
                { mode: "portForward", upErrors: [{ resource: "command:local:Command::access-verify", error: "Authorization: Basic [redacted]" }], verdicts: ["bookinfo: ok", "grafana: refused"] },
                { mode: "hostPort", upErrors: undefined, verdicts: undefined },
            ]);
            assert.deepStrictEqual([report.ok, report.mode], [true, "hostPort"]);
        });

        it("keeps the secrets out of the diagnose archive and of the port-forward logs", async () => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-cli-")), "diagnose.tar.gz");
            const cli = fake(outputs({ kubeconfig, grafanaAdminPassword: password }), { ssh: () => ({ code: 0, stdout: initOutput }) });
            assert.strictEqual(await main(["diagnose", file], cli.deps), exitCodes.ok);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-untar-"));
            execFileSync("tar", ["-xzf", file, "-C", dir]);
            const archived = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
            assert.match(archived, /\[init\] Using Kubernetes version: v1\.35\.9/);
            assert.deepStrictEqual(shapes.filter((shape) => archived.includes(shape)), []);
            const pf = fake(outputs({ exposure: "portForward", grafanaAdminPassword: password }), { ssh: () => ({ code: 0, stdout: initOutput }) });
            assert.strictEqual(await main(["port-forward", "logs", "--json"], pf.deps), exitCodes.ok);
            assert.deepStrictEqual(shapes.filter((shape) => pf.out.join("\n").includes(shape)), []);
        });
    });

    describe("sweep", () => {
        const arn = (type: string, id: string) => `arn:aws:ec2:ap-northeast-2:123456789012:${type}/${id}`;
        const leftovers = [arn("vpc", "vpc-1"), arn("subnet", "subnet-1"), arn("instance", "i-1"), arn("elastic-ip", "eipalloc-1"), arn("natgateway", "nat-1"), arn("security-group", "sg-1"), arn("internet-gateway", "igw-1"), arn("route-table", "rtb-1"), arn("key-pair", "key-1")];
        const env = { LANG: "en_US.UTF-8", LAB_ID: "0a1b2c3d4e5f6789" };
        const identity = { Project: "k8s-lab", Stack: "dev", LabId: "0a1b2c3d4e5f6789" };
        function fakeAws(failing: string[] = []) {
            const asked: Record<string, string>[] = [];
            const removed: string[] = [];
            const client: SweepClient = {
                tagged: async (tags) => (asked.push(tags), leftovers),
                groupReferences: async () => [],
                revoke: async () => assert.fail("nothing to revoke"),
                remove: async (r: Leftover) => {
                    if (failing.includes(r.id)) throw new Error("DependencyViolation");
                    removed.push(`${r.type}/${r.id}`);
                },
            };
            return { client, asked, removed };
        }
        const none = { groupReferences: async () => [], revoke: async () => undefined };

        it("lists what is left, tagged with the lab's project, stack and LabId, and deletes nothing by default", async () => {
            const aws = fakeAws();
            const cli = fake(new Error("destroyed"), { sweep: aws.client, env });
            assert.strictEqual(await main(["sweep"], cli.deps), exitCodes.unhealthy);
            assert.deepStrictEqual(aws.asked, [identity]);
            assert.deepStrictEqual(aws.removed, []);
            assert.match(cli.out[0], /^9 resources tagged Project=k8s-lab, Stack=dev, LabId=0a1b2c3d4e5f6789 are left: instance\/i-1, natgateway\/nat-1, elastic-ip\/eipalloc-1, security-group\/sg-1, internet-gateway\/igw-1, subnet\/subnet-1, route-table\/rtb-1, key-pair\/key-1, vpc\/vpc-1\. Run sweep --delete/);
        });

        it("takes the LabId from the stack's outputs while the lab is up", async () => {
            const aws = fakeAws();
            const cli = fake({ labId: "feedfacecafebeef" }, { sweep: aws.client });
            await main(["sweep"], cli.deps);
            assert.deepStrictEqual(aws.asked, [{ ...identity, LabId: "feedfacecafebeef" }]);
        });

        it("sweeps nothing without a LabId, so that another lab of the same stack name is never touched", async () => {
            const cli = fake(new Error("error: no stack named 'dev' found"), { sweep: { tagged: async () => assert.fail("must not ask"), remove: async () => assert.fail("must not remove"), ...none } });
            assert.strictEqual(await main(["sweep", "--delete"], cli.deps), exitCodes.ok);
            assert.deepStrictEqual(cli.out, ["Nothing was swept: stack dev has no LabId in its state, and without it this lab cannot be told apart from another of the same name. Set LAB_ID to the value pulumi stack output labId printed before the destroy."]);
        });

        it("deletes in dependency order when asked, and reports what it could not", async () => {
            const aws = fakeAws(["sg-1"]);
            const cli = fake(new Error("destroyed"), { sweep: aws.client, env });
            assert.strictEqual(await main(["sweep", "--delete", "--json"], cli.deps), exitCodes.cloud);
            assert.deepStrictEqual(aws.removed, ["instance/i-1", "natgateway/nat-1", "elastic-ip/eipalloc-1", "internet-gateway/igw-1", "subnet/subnet-1", "route-table/rtb-1", "key-pair/key-1", "vpc/vpc-1"]);
            assert.deepStrictEqual(JSON.parse(cli.out.join("\n")).failed.map((f: { resource: { id: string }; reason: string }) => [f.resource.id, f.reason]), [["sg-1", "DependencyViolation"]]);
        });

        it("says what went wrong when AWS cannot be asked", async () => {
            const cli = fake(new Error("destroyed"), { env, sweep: { tagged: async () => { throw new Error("Could not load credentials from any providers"); }, remove: async () => undefined, ...none } });
            assert.strictEqual(await main(["sweep"], cli.deps), exitCodes.cloud);
            assert.strictEqual(cli.err[0], "AWS could not be asked (Could not load credentials from any providers): check the AWS credentials and AWS_REGION.");
        });

        it("says so when nothing is left", async () => {
            const cli = fake(new Error("destroyed"), { env, sweep: { tagged: async () => [], remove: async () => assert.fail("nothing to remove"), ...none } });
            assert.strictEqual(await main(["sweep", "--delete"], cli.deps), exitCodes.ok);
            assert.strictEqual(cli.out[0], "Nothing tagged Project=k8s-lab, Stack=dev, LabId=0a1b2c3d4e5f6789 is left.");
        });
    });

    it("exits with distinct codes for usage and for a stack it cannot read", async () => {
        const cli = fake(new Error("no stack named 'dev' found"), { env: { LANG: "ko_KR.UTF-8" } });
        assert.strictEqual(await main([], cli.deps), exitCodes.ok);
        assert.strictEqual(await main(["frobnicate"], cli.deps), exitCodes.usage);
        assert.strictEqual(await main(["urls", "--verbose"], cli.deps), exitCodes.usage);
        assert.strictEqual(await main(["urls"], cli.deps), exitCodes.prerequisite);
        assert.strictEqual(cli.err[cli.err.length - 1], "dev 스택의 출력을 읽지 못했습니다(no stack named 'dev' found). 이 프로젝트 폴더에서 k8s-lab up --stack dev 명령을 실행한 적이 있는지 확인하세요.");
        const partial = fake({ bookinfoUrl: "x" });
        assert.strictEqual(await main(["urls"], partial.deps), exitCodes.prerequisite);
        assert.deepStrictEqual(partial.err, ["Could not read the outputs of stack dev (missing or invalid controlPlanePublicIp, workerPrivateIps, nodeNames, sshPrivateKey, kubeconfig, bookinfoUrl, grafanaUrl, grafanaAdminPassword, exposure): has k8s-lab up --stack dev run, from this project folder?"]);
    });
});
