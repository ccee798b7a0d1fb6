import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runProgram, types } from "../harness";
import { labTargets } from "../harness/endpoints";
import { closeAll, fakeGrafana, serve } from "../harness/servers";
import { root } from "../harness/stackConfig";

/** What the public ports serve in the bookinfo namespace. */
const bookinfoWorkloads = [
    "kubernetes:core/v1:Namespace::bookinfo",
    ...["details", "productpage", "ratings", "reviews"].map((app) => `kubernetes:core/v1:Service::bookinfo-${app}`),
    ...["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"].map((d) => `kubernetes:apps/v1:Deployment::bookinfo-${d}`),
];

/** The verify command tries once: a failing one ends after its attempt. */
const oneAttempt = { config: { verifyRetrySeconds: 0 } };

describe("Access", () => {
    it("installs a port-forward service per public port in the portForward exposure, removable without SSH at destroy", async () => {
        const program = await runProgram({ config: { exposure: "portForward" } });
        const forwards = program.ofType(types.remoteCommand).filter((c) => c.name.startsWith("access-"));
        assert.deepStrictEqual(forwards.map((c) => c.name).sort(), ["access-k8s-lab-port-forward-bookinfo", "access-k8s-lab-port-forward-grafana"]);
        for (const forward of forwards) {
            assert.match(String(forward.inputs.stdin), /ExecStart=\/usr\/bin\/kubectl port-forward --cache-dir=\/tmp\/kubectl-cache --address 0\.0\.0\.0 --namespace (bookinfo svc\/productpage 30080:9080|monitoring svc\/kube-prometheus-stack-grafana 30300:80)/);
            assert.match(String(forward.inputs.delete), /systemctl disable --now k8s-lab-port-forward-\w+\.service/);
            assert.strictEqual(forward.options.deletedWith, "aws:ec2/instance:Instance::control-plane-0", "destroying the lab skips it");
        }
        // Nothing else on those ports: no NodePort, no hostPort.
        const productpage = program.get(types.service, "bookinfo-productpage");
        assert.strictEqual((productpage.inputs.spec as { type?: string }).type, undefined);
        assert.ok(!JSON.stringify(program.resources.map((r) => r.inputs)).includes("hostPort"));
    });

    it("installs no port-forward service in the other exposures", async () => {
        for (const exposure of ["nodePort", "hostPort"]) {
            const program = await runProgram({ config: { exposure } });
            assert.deepStrictEqual(program.ofType(types.remoteCommand).filter((c) => c.name.startsWith("access-")), [], exposure);
        }
    });

    it("verifies both URLs from this machine on every up, after the traffic check", async () => {
        // 0, not the default 300: the scenario the failing verification below runs too.
        const program = await runProgram(oneAttempt);
        const verify = program.get(types.localCommand, "access-verify");
        assert.strictEqual(verify.inputs.create, "node_modules/.bin/ts-node --transpile-only cli/lab.ts verify --retry 0");
        assert.deepStrictEqual(verify.inputs.triggers, ["every-up-nonce"], "runs whenever the every-up nonce changes: on every up");
        const env = verify.inputs.environment as Record<string, string>;
        assert.deepStrictEqual(JSON.parse(env.LAB_ENDPOINTS), labTargets("http://203.0.113.1:30080/productpage", "http://203.0.113.1:30300"));
        assert.deepStrictEqual(program.output("endpoints"), { value: JSON.parse(env.LAB_ENDPOINTS), secret: false });
        assert.strictEqual(env.LAB_GRAFANA_PASSWORD, program.output("grafanaAdminPassword").value);
        assert.ok(verify.secretInputs.some((p) => p === "environment" || p === "environment.LAB_GRAFANA_PASSWORD"), "the password stays secret");
        // The whole Monitoring component (the engine waits for each of its children): the dashboard and the rules its checks read too.
        assert.deepStrictEqual([...verify.dependsOn].sort(), [...bookinfoWorkloads, "command:remote:Command::bookinfo-traffic-check", "command:remote:Command::cluster-ready", "k8slab:index:Monitoring::monitoring", "kubernetes:helm.sh/v4:Chart::kube-prometheus-stack"].sort());
    });

    it("installs the port-forward services after the workloads, never after a check that can fail, and verifies after them", async () => {
        const program = await runProgram({ config: { exposure: "portForward" } });
        const forwards = program.ofType(types.remoteCommand).filter((c) => c.name.startsWith("access-"));
        assert.strictEqual(forwards.length, 2);
        for (const forward of forwards) {
            const workloads = [...bookinfoWorkloads, "kubernetes:helm.sh/v4:Chart::kube-prometheus-stack"];
            assert.deepStrictEqual(forward.dependsOn.filter((d) => workloads.includes(d)).sort(), [...workloads].sort(), forward.name);
            // Nothing that can fail on one up and block the next: no check command, no awaited Job.
            assert.deepStrictEqual(forward.dependsOn.filter((d) => d.startsWith("command:") || d.startsWith("kubernetes:batch/")), [], forward.name);
        }
        const verify = program.get(types.localCommand, "access-verify");
        assert.deepStrictEqual([...verify.dependsOn].sort(), [
            ...bookinfoWorkloads,
            "command:remote:Command::access-k8s-lab-port-forward-bookinfo",
            "command:remote:Command::access-k8s-lab-port-forward-grafana",
            "command:remote:Command::bookinfo-traffic-check",
            "command:remote:Command::cluster-ready",
            "k8slab:index:Monitoring::monitoring",
            "kubernetes:helm.sh/v4:Chart::kube-prometheus-stack",
        ].sort());
    });

    describe("a verification that fails", () => {
        afterEach(closeAll);

        /** Runs the verify command as @pulumi/command does: its `create` in a shell, with its environment, from the project. */
        const runVerify = (create: string, environment: Record<string, string>): Promise<{ code: number; output: string }> =>
            new Promise((resolve) => {
                execFile("sh", ["-c", create], { cwd: root, env: { PATH: process.env.PATH, ...environment }, timeout: 50_000 }, (err, stdout, stderr) =>
                    resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, output: stdout + stderr }),
                );
            });

        it("fails the up when a URL times out, and the next up, whose nonce differs, runs it again and passes", async function () {
            this.timeout(60_000);
            const program = await runProgram(oneAttempt);
            const verify = program.get(types.localCommand, "access-verify");
            const password = program.output("grafanaAdminPassword").value as string;
            const grafana = await serve(fakeGrafana({ password, health: { status: "OK", message: "Data source is working" } }));
            // A budget of 1 s instead of the KPI's 10 s for the URL that never answers.
            const environment = { ...(verify.inputs.environment as Record<string, string>), LAB_LANGUAGE: "en", LAB_KPI_TIMEOUT_MS: "1000" };
            const at = (bookinfo: string) => ({ ...environment, LAB_ENDPOINTS: JSON.stringify(labTargets(`${bookinfo}/productpage`, grafana)) });

            // This up: productpage does not answer; the command exits non-zero, so the up fails
            // and the command is not recorded.
            // The command's CLI as the mocha run's build (build.ts) holds it, rather than through ts-node a second time.
            const hanging = await serve(() => undefined);
            const build = process.env.HARNESS_BUILD;
            const create = String(verify.inputs.create);
            const failed = await runVerify(build ? create.replace("node_modules/.bin/ts-node --transpile-only cli/lab.ts", `"${process.execPath}" ${path.join(build, "cli", "lab.js")}`) : create, at(hanging));
            assert.notStrictEqual(failed.code, 0, failed.output);
            assert.match(failed.output, /did not answer within 1 s/);

            // The next up: the same command (its trigger, the every-up nonce, has changed), a cluster that has settled.
            const healthy = fs.readFileSync(path.join(root, "test", "fixtures", "productpage", "healthy.html"), "utf8");
            const productpage = await serve((_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end(healthy));
            const passed = await runVerify(create, at(productpage));
            assert.strictEqual(passed.code, 0, passed.output);
            assert.ok(!passed.output.includes(password) && !failed.output.includes(password), "the password is never printed");
        });
    });
});
