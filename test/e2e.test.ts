/**
 * The end-to-end workflow (.github/workflows/e2e.yml), the kind cluster it creates
 * (kind/cluster.yaml) and the stack it deploys (Pulumi.kind.yaml). Nothing here runs a cluster:
 * the files are read, and the workflow's scripts run in bash against faked commands.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { publicPortKeys } from "../lib/endpoints";
import { exposures } from "../lib/exposure";
import { renderKubeadmConfig } from "../lib/kubeadm";
import { runProgram, types } from "./harness";
import { Sandbox } from "./harness/shell";
import { existingClusterEnv, kindKubeconfig, kindMinified, projectFile, root, stackConfig } from "./harness/stackConfig";

type Step = { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string>; "timeout-minutes"?: number };
type Job = { "runs-on": string; "timeout-minutes"?: number; permissions?: unknown; steps: Step[] };
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; concurrency?: { group: string; "cancel-in-progress": boolean }; env: Record<string, string>; jobs: Record<string, Job> };
type PortMapping = { containerPort: number; hostPort: number; listenAddress?: string; protocol?: string };
type KindCluster = { kind: string; apiVersion: string; name: string; nodes: { role: string; image: string; extraPortMappings?: PortMapping[] }[]; kubeadmConfigPatches?: string[] };

const workflowFile = path.join(root, ".github", "workflows", "e2e.yml");
const text = fs.readFileSync(workflowFile, "utf8");
const workflow = YAML.parse(text) as Workflow;
const job = workflow.jobs.kind;
const steps = job.steps;
const kindConfigFile = "kind/cluster.yaml";
const kindCluster = YAML.parse(fs.readFileSync(path.join(root, kindConfigFile), "utf8")) as KindCluster;
const kindStack = stackConfig("kind");
const jqAvailable = spawnSync("jq", ["--version"]).status === 0;

const step = (name: string): Step => {
    const found = steps.find((s) => s.name === name);
    assert.ok(found, `no step ${name}`);
    return found;
};
/** A step's script as GitHub runs it: bash -e -o pipefail. */
const script = (s: Step) => `set -eo pipefail\n${s.run ?? ""}`;

describe("the end-to-end workflow on kind", () => {
    it("runs on pull requests and by hand, with contents read only, no secret, variable or cloud credentials: so also for forks", () => {
        assert.deepStrictEqual(Object.keys(workflow.on), ["pull_request", "workflow_dispatch"]);
        assert.deepStrictEqual(workflow.permissions, { contents: "read" });
        assert.deepStrictEqual(Object.values(workflow.jobs).map((j) => j.permissions), [undefined]);
        assert.deepStrictEqual(text.match(/\bsecrets\.|\bvars\.|id-token|aws-actions|role-to-assume|AWS_|GITHUB_TOKEN/g), null);
        for (const s of steps) if (s.uses?.startsWith("actions/checkout@")) assert.strictEqual(s.with?.["persist-credentials"], false);
        // The passphrase is a fixed, public value (the comment says why), never a secret's.
        assert.match(workflow.env.PULUMI_CONFIG_PASSPHRASE, /^[\w-]+$/);
        // One run per pull request: a new push cancels the older one (whose destroy still runs).
        assert.deepStrictEqual(workflow.concurrency, { group: "e2e-${{ github.event.pull_request.number || github.ref }}", "cancel-in-progress": true });
    });

    it("pins the same actions to the same commits as the other workflows, and the Pulumi CLI to the SDK's version", () => {
        const pinned = (file: string) => new Map([...fs.readFileSync(path.join(root, ".github", "workflows", file), "utf8").matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) {2}# (v\d+\.\d+\.\d+)$/gm)].map((m) => [m[1], `${m[2]} ${m[3]}`]));
        const others = new Map([...pinned("daily.yml"), ...pinned("pull-request.yml")]);
        const lines = text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
        const mine = pinned("e2e.yml");
        assert.strictEqual(mine.size, lines.length, "every action pinned by commit, with its release");
        assert.deepStrictEqual([...mine.keys()].map((action) => [action, others.get(action)]), [...mine]);
        const sdk = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
        assert.deepStrictEqual(steps.filter((s) => s.uses?.startsWith("pulumi/actions@")).map((s) => s.with), [{ "pulumi-version": sdk }]);
        // npm's download cache, keyed on both lock files: the program's and the policy pack's.
        const node = steps.filter((s) => s.uses?.startsWith("actions/setup-node@")).map((s) => s.with);
        assert.deepStrictEqual(node, [{ "node-version": "22", cache: "npm", "cache-dependency-path": "package-lock.json\npolicy/package-lock.json\n" }]);
        for (const file of String(node[0]?.["cache-dependency-path"]).trim().split("\n")) assert.ok(fs.existsSync(path.join(root, file)), file);
    });

    it("creates the cluster, brings the stack up and verifies it in nodePort and then hostPort mode, times it, collects diagnostics on failure and always destroys", () => {
        const label = (s: Step) => s.name ?? s.uses?.replace(/@.*/, "") ?? s.run;
        assert.deepStrictEqual(steps.map((s) => [label(s), s.if ?? ""]), [
            ["actions/checkout", ""],
            ["actions/setup-node", ""],
            ["pulumi/actions", ""],
            ["npm ci && npm ci --prefix policy", ""],
            ["kind and kubectl, pinned and checked", ""],
            ["inotify limits for kind's nodes", ""],
            ["The kind cluster", ""],
            ["The kind stack, on a local backend", ""],
            ["Up in nodePort mode", ""],
            ["Verify in nodePort mode", ""],
            ["Switch to hostPort mode", ""],
            ["Up in hostPort mode", ""],
            ["Verify in hostPort mode", ""],
            ["Phase timings", "always()"],
            ["Diagnostics of the cluster, without secrets", "failure()"],
            ["actions/upload-artifact", "failure()"],
            ["Destroy", "always()"],
            ["Delete the kind cluster", "always()"],
        ]);
        assert.strictEqual(step("The kind cluster").run, `kind create cluster --config ${kindConfigFile} --wait 5m`);
        const up = "npm run --silent lab -- up";
        assert.deepStrictEqual([step("Up in nodePort mode").run, step("Up in hostPort mode").run], [up, up]);
        // The first mode is the stack's own; the switch sets a key the project declares to a mode that exists.
        const verifies = [step("Verify in nodePort mode"), step("Verify in hostPort mode")];
        assert.strictEqual(verifies[1].run, verifies[0].run);
        assert.deepStrictEqual(verifies.map((s) => s.env?.EXPOSURE), [kindStack["k8s-lab:exposure"], "hostPort"]);
        const set = /^pulumi config set --stack (\w+) (\w+) (\w+)$/.exec(step("Switch to hostPort mode").run ?? "");
        assert.deepStrictEqual(set?.slice(1), [workflow.env.PULUMI_STACK, "exposure", "hostPort"]);
        assert.ok(Object.keys(projectFile().config).includes("exposure") && (exposures as readonly string[]).includes("hostPort"));
        assert.ok(step("Phase timings").run?.includes("npm run --silent lab -- timings || true"));
        // The diagnostics as an artifact named after the attempt: a re-run's upload of a name already in the run is refused.
        assert.deepStrictEqual(steps[steps.indexOf(step("Diagnostics of the cluster, without secrets")) + 1].with, { name: "e2e-diagnostics-${{ github.run_attempt }}", path: "${{ runner.temp }}/diagnostics" });
        assert.strictEqual(step("Destroy").run, "npm run --silent lab -- destroy");
        assert.strictEqual(step("Delete the kind cluster").run, `kind delete cluster --name ${kindCluster.name}`);
        // The cluster's creation, the ups, the destroy and the deletion have their own limits, inside
        // the job's with fifteen minutes to spare for the rest (setup, verifications, diagnostics).
        const limits = ["The kind cluster", "Up in nodePort mode", "Up in hostPort mode", "Destroy", "Delete the kind cluster"].map((name) => step(name)["timeout-minutes"] ?? Infinity);
        assert.ok(limits.reduce((a, b) => a + b) <= (job["timeout-minutes"] ?? Infinity) - 15, `${limits.join(" + ")} of ${job["timeout-minutes"]}`);
    });

    it("works on the stack of Pulumi.kind.yaml, made on a file backend in the runner's temporary folder", () => {
        assert.strictEqual(workflow.env.PULUMI_STACK, "kind");
        const sandbox = new Sandbox();
        try {
            sandbox.fake("pulumi", "exit 0");
            const result = sandbox.run(script(step("The kind stack, on a local backend")), { RUNNER_TEMP: sandbox.dir });
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls(), [`pulumi login file://${sandbox.dir}/pulumi-state`, "pulumi stack init kind --secrets-provider passphrase"]);
            assert.ok(fs.statSync(path.join(sandbox.dir, "pulumi-state")).isDirectory());
        } finally {
            sandbox.remove();
        }
    });

    it("fails a verification that is unhealthy or proved another mode than the one asked for", function () {
        if (!jqAvailable && process.env.CI) throw new Error("jq is missing: .ci/run installs it");
        if (!jqAvailable) this.skip();
        const verify = step("Verify in nodePort mode");
        const sandbox = new Sandbox();
        try {
            const status = (report: object, code = 0) => {
                sandbox.fake("npm", `echo '${JSON.stringify(report)}'; exit ${code}`);
                return sandbox.run(script(verify), { ...verify.env, RUNNER_TEMP: sandbox.dir }).status;
            };
            assert.deepStrictEqual(
                [status({ ok: true, exposure: "nodePort" }), status({ ok: true, exposure: "hostPort" }), status({ ok: false, exposure: "nodePort" }), status({ ok: false, exposure: "nodePort" }, 3)],
                [0, 1, 1, 3],
            );
            assert.deepStrictEqual([...new Set(sandbox.calls())], ["npm run --silent lab -- verify --json --retry 120"]);
        } finally {
            sandbox.remove();
        }
    });

    it("installs kind and kubectl at pinned versions, and refuses a download whose SHA-256 differs", () => {
        const install = step("kind and kubectl, pinned and checked");
        assert.deepStrictEqual([workflow.env.KIND_VERSION, workflow.env.KUBECTL_VERSION].map((v) => /^v\d+\.\d+\.\d+$/.test(v)), [true, true]);
        assert.deepStrictEqual([workflow.env.KIND_SHA256, workflow.env.KUBECTL_SHA256].map((v) => /^[0-9a-f]{64}$/.test(v)), [true, true]);
        // kubectl is the Kubernetes version of the cluster's nodes.
        assert.strictEqual(/^kindest\/node:(v[\d.]+)@/.exec(kindCluster.nodes[0].image)?.[1], workflow.env.KUBECTL_VERSION);
        const sandbox = new Sandbox();
        try {
            // A fake download: "<name> build" into the -o file.
            sandbox.fake("curl", 'out=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && { out="$2"; shift; }; shift; done; echo "$(basename "$out") build" > "$out"');
            const sha = (name: string) => createHash("sha256").update(`${name} build\n`).digest("hex");
            const githubPath = path.join(sandbox.dir, "github-path");
            const run = (checksums: Record<string, string>) => sandbox.run(script(install), { ...workflow.env, ...checksums, RUNNER_TEMP: sandbox.dir, GITHUB_PATH: githubPath });
            // The pinned checksums do not match the fake builds: nothing is put on the PATH.
            const refused = run({});
            assert.notStrictEqual(refused.status, 0);
            assert.match(refused.stdout + refused.stderr, /FAILED/);
            assert.strictEqual(fs.existsSync(githubPath), false);
            const accepted = run({ KIND_SHA256: sha("kind"), KUBECTL_SHA256: sha("kubectl") });
            assert.strictEqual(accepted.status, 0, accepted.stderr);
            assert.strictEqual(fs.readFileSync(githubPath, "utf8"), `${sandbox.dir}/bin\n`);
            assert.deepStrictEqual(sandbox.calls().slice(-2), [
                `curl -fsSL --retry 3 -o ${sandbox.dir}/bin/kind https://github.com/kubernetes-sigs/kind/releases/download/${workflow.env.KIND_VERSION}/kind-linux-amd64`,
                `curl -fsSL --retry 3 -o ${sandbox.dir}/bin/kubectl https://dl.k8s.io/release/${workflow.env.KUBECTL_VERSION}/bin/linux/amd64/kubectl`,
            ]);
        } finally {
            sandbox.remove();
        }
    });

    it("raises the runner's inotify limits to kind's figures before the cluster is made, and never lowers one", () => {
        const raise = step("inotify limits for kind's nodes");
        assert.ok(steps.indexOf(raise) < steps.indexOf(step("The kind cluster")));
        const sandbox = new Sandbox();
        try {
            // The runner's limits as sysctl reads them; sudo runs what it is given.
            const run = (watches: number, instances: number) => {
                sandbox.fake("sysctl", `[ "$1" = -n ] && case "$2" in fs.inotify.max_user_watches) echo ${watches} ;; fs.inotify.max_user_instances) echo ${instances} ;; esac; exit 0`);
                sandbox.fake("sudo", '"$@"');
                const before = sandbox.calls().length;
                const result = sandbox.run(script(raise));
                assert.strictEqual(result.status, 0, result.stderr);
                return sandbox.calls().slice(before).filter((call) => call.startsWith("sudo "));
            };
            // Ubuntu's defaults, the runner image's (higher), and one of each.
            assert.deepStrictEqual(
                [run(8192, 128), run(655360, 1280), run(524288, 128)],
                [
                    ["sudo sysctl -w fs.inotify.max_user_watches=524288", "sudo sysctl -w fs.inotify.max_user_instances=512"],
                    [],
                    ["sudo sysctl -w fs.inotify.max_user_instances=512"],
                ],
            );
        } finally {
            sandbox.remove();
        }
    });

    it("collects the cluster's state, the failing pods' logs and kind's logs, never a Secret, and empties every file that holds a generated password", function () {
        if (!jqAvailable && process.env.CI) throw new Error("jq is missing: .ci/run installs it");
        if (!jqAvailable) this.skip();
        const diagnostics = step("Diagnostics of the cluster, without secrets");
        const password = "Gr4fanaGeneratedPassw0rd";
        const pod = (namespace: string, name: string, phase: string, ready: boolean[], restarts = 0) => ({
            metadata: { namespace, name },
            status: { phase, ...(ready.length ? { containerStatuses: ready.map((r) => ({ ready: r, restartCount: restarts })) } : {}) },
        });
        const pods = {
            items: [
                pod("bookinfo", "productpage-v1-7d", "Running", [true, true]),
                pod("monitoring", "grafana-5c", "Running", [true, false], 4),
                pod("linkerd", "linkerd-destination-9f", "Pending", []),
                pod("bookinfo", "traffic-check-x", "Succeeded", [false]),
                pod("monitoring", "prometheus-0", "Running", [true], 1),
            ],
        };
        const secretValue = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify(password) };
        const state = { version: 3, deployment: { resources: [
            { type: "random:index/randomPassword:RandomPassword", urn: "urn:pulumi:kind::k8s-lab::random:index/randomPassword:RandomPassword::monitoring-grafana-admin", outputs: { result: secretValue, length: 24 } },
            { type: "random:index/randomId:RandomId", urn: "urn:pulumi:kind::k8s-lab::random:index/randomId:RandomId::lab-id", outputs: { hex: "0a1b2c3d4e5f6789" } },
        ] } };
        const sandbox = new Sandbox();
        try {
            const files = path.join(sandbox.dir, "fixtures");
            fs.mkdirSync(files);
            fs.writeFileSync(path.join(files, "pods.json"), JSON.stringify(pods));
            fs.writeFileSync(path.join(files, "state.json"), JSON.stringify(state));
            sandbox.fake("kubectl", `case "$1 $2" in
  "get pods") if [ "$5" = json ]; then cat "${files}/pods.json"; else echo "the pods"; fi ;;
  "describe pods") echo "GF_SECURITY_ADMIN_PASSWORD: ${password}" ;;
  "logs -n") echo "the log of $4" ;;
  *) echo "the $2" ;;
esac`);
            sandbox.fake("kind", `mkdir -p "$3/k8s-lab-worker"; echo "a line with ${password}" > "$3/k8s-lab-worker/kubelet.log"; echo "nothing secret" > "$3/k8s-lab-worker/containerd.log"`);
            sandbox.fake("pulumi", `cat "${files}/state.json"`);
            const result = sandbox.run(script(diagnostics), { ...diagnostics.env, RUNNER_TEMP: sandbox.dir });
            assert.strictEqual(result.status, 0, result.stderr);
            const dir = path.join(sandbox.dir, "diagnostics");
            const logs = (namespace: string, name: string) => [
                `kubectl logs -n ${namespace} ${name} --all-containers --prefix --tail=2000`,
                `kubectl logs -n ${namespace} ${name} --all-containers --prefix --tail=2000 --previous`,
            ];
            assert.deepStrictEqual(sandbox.calls(), [
                "kubectl get nodes -o wide",
                "kubectl get pods -A -o wide",
                "kubectl describe pods -A",
                "kubectl get events -A --sort-by=.lastTimestamp",
                "kubectl get pods -A -o json",
                ...logs("monitoring", "grafana-5c"),
                ...logs("linkerd", "linkerd-destination-9f"),
                ...logs("monitoring", "prometheus-0"),
                `kind export logs ${dir}/kind --name ${kindCluster.name}`,
                "pulumi stack export --stack kind --show-secrets",
            ]);
            // The password is masked in the job's log, and no collected file holds it.
            assert.ok(result.stdout.split("\n").includes(`::add-mask::${password}`));
            const collected = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? collected(path.join(d, e.name)) : [path.join(d, e.name)]));
            const contents = Object.fromEntries(collected(dir).map((f) => [path.relative(dir, f), fs.readFileSync(f, "utf8")]));
            const emptied = "emptied: it held a generated password\n";
            assert.deepStrictEqual(contents, {
                "describe-pods.txt": emptied,
                "events.txt": "the events\n",
                "kind/k8s-lab-worker/containerd.log": "nothing secret\n",
                "kind/k8s-lab-worker/kubelet.log": emptied,
                ...Object.fromEntries(["monitoring.grafana-5c", "linkerd.linkerd-destination-9f", "monitoring.prometheus-0"].flatMap((p) => [[`logs/${p}.log`, `the log of ${p.split(".")[1]}\n`], [`logs/${p}.previous.log`, `the log of ${p.split(".")[1]}\n`]])),
                "nodes.txt": "the nodes\n",
                "pods.txt": "the pods\n",
            });

            // No state (the stack was never made) and no cluster: what could be collected is, and the step does not fail.
            sandbox.fake("pulumi", "echo 'error: no stack named kind found' >&2; exit 255");
            sandbox.fake("kubectl", "echo 'The connection to the server localhost:8080 was refused' >&2; exit 1");
            sandbox.fake("kind", "exit 1");
            fs.rmSync(dir, { recursive: true });
            const bare = sandbox.run(script(diagnostics), { ...diagnostics.env, RUNNER_TEMP: sandbox.dir });
            assert.strictEqual(bare.status, 0, bare.stderr);
            assert.match(fs.readFileSync(path.join(dir, "nodes.txt"), "utf8"), /refused/);
        } finally {
            sandbox.remove();
        }
    });
});

describe("the kind cluster (kind/cluster.yaml)", () => {
    it("maps each of the kind stack's public ports to the same port on the host, on 127.0.0.1 only, from its one control-plane node", () => {
        assert.deepStrictEqual([kindCluster.kind, kindCluster.apiVersion], ["Cluster", "kind.x-k8s.io/v1alpha4"]);
        const [controlPlane, ...workers] = kindCluster.nodes;
        assert.deepStrictEqual([controlPlane.role, ...workers.map((w) => w.role)], ["control-plane", "worker", "worker"]);
        const ports = Object.values(publicPortKeys).map((key) => Number(kindStack[`k8s-lab:${key}`]));
        assert.deepStrictEqual(ports, [30080, 30300]);
        assert.deepStrictEqual(controlPlane.extraPortMappings, ports.map((port) => ({ containerPort: port, hostPort: port, listenAddress: "127.0.0.1", protocol: "TCP" })));
        assert.deepStrictEqual(workers.map((w) => w.extraPortMappings), [undefined, undefined]);
        // Where the stack's URLs point: the address kind publishes them on.
        assert.strictEqual(kindStack["k8s-lab:publicHost"], "127.0.0.1");
    });

    it("binds the controller manager's, the scheduler's, etcd's and kube-proxy's metrics where Prometheus scrapes them, as lib/kubeadm.ts does on AWS", () => {
        type Arg = { name: string; value: string };
        type Doc = { kind: string; controllerManager: { extraArgs: Arg[] }; scheduler: { extraArgs: Arg[] }; etcd: { local: { extraArgs: Arg[] } }; metricsBindAddress: string };
        const aws = YAML.parseAllDocuments(renderKubeadmConfig({ clusterName: "lab", kubernetesVersion: "1.35.0", nodeName: "cp", privateIp: "10.0.1.10", publicIp: "203.0.113.10", podCidr: "192.168.0.0/16", serviceCidr: "10.96.0.0/12" })).map((d) => d.toJS() as Doc);
        const of = (kind: string) => aws.find((d) => d.kind === kind) as Doc;
        // kubeadm's v1beta4 lists, as the v1beta3 maps kind v0.31.0 writes.
        const map = (args: Arg[]) => Object.fromEntries(args.map((a) => [a.name, a.value]));
        const cluster = of("ClusterConfiguration");
        const expected = [
            { kind: "ClusterConfiguration", controllerManager: { extraArgs: map(cluster.controllerManager.extraArgs) }, scheduler: { extraArgs: map(cluster.scheduler.extraArgs) }, etcd: { local: { extraArgs: map(cluster.etcd.local.extraArgs) } } },
            { kind: "KubeProxyConfiguration", metricsBindAddress: of("KubeProxyConfiguration").metricsBindAddress },
        ];
        assert.deepStrictEqual((kindCluster.kubeadmConfigPatches ?? []).map((patch) => YAML.parse(patch) as unknown), expected);
        // What they are: every address, not kubeadm's 127.0.0.1, which Prometheus on another node cannot reach.
        assert.deepStrictEqual(expected, [
            { kind: "ClusterConfiguration", controllerManager: { extraArgs: { "bind-address": "0.0.0.0" } }, scheduler: { extraArgs: { "bind-address": "0.0.0.0" } }, etcd: { local: { extraArgs: { "listen-metrics-urls": "http://0.0.0.0:2381" } } } },
            { kind: "KubeProxyConfiguration", metricsBindAddress: "0.0.0.0:10249" },
        ]);
    });

    it("runs every node on one image, pinned by digest, and is the cluster whose context the kind stack deploys to", () => {
        assert.deepStrictEqual([...new Set(kindCluster.nodes.map((n) => n.image))].map((image) => /^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/.test(image)), [true]);
        // Its minor is the lab's default Kubernetes minor.
        assert.strictEqual(/^kindest\/node:v(\d+\.\d+)\./.exec(kindCluster.nodes[0].image)?.[1], projectFile().config.kubernetesVersion.default);
        // kind names the context kind-<cluster>.
        assert.strictEqual(kindStack["k8s-lab:kubeContext"], `kind-${kindCluster.name}`);
        assert.strictEqual(kindStack["k8s-lab:target"], "existingCluster");
    });

    it("is where the kind stack, as its file stands, deploys with no AWS resource and no remote command, and proves the URLs of the ports it maps", async () => {
        // kind create cluster wrote its kubeconfig where KUBECONFIG points (else ~/.kube/config); kubectl is on PATH.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-kind-"));
        fs.writeFileSync(path.join(dir, "config"), kindKubeconfig);
        const program = await runProgram({ stack: "kind", env: { ...existingClusterEnv([]), KUBECONFIG: path.join(dir, "config") } });
        fs.rmSync(dir, { recursive: true, force: true });
        assert.strictEqual(program.run.error, undefined);
        assert.strictEqual(program.get(types.kubernetesProvider, "existing-cluster").inputs.kubeconfig, kindMinified);
        assert.deepStrictEqual(program.resources.filter((r) => r.type.startsWith("aws:") || r.type === types.remoteCommand).map((r) => r.name), []);
        assert.strictEqual(program.get(types.kubernetesProvider, "existing-cluster").inputs.context, `kind-${kindCluster.name}`);
        const mapped = (kindCluster.nodes[0].extraPortMappings ?? []).map((m) => `http://${m.listenAddress}:${m.hostPort}`);
        assert.deepStrictEqual([program.output("bookinfoUrl").value, program.output("grafanaUrl").value], [`${mapped[0]}/productpage`, mapped[1]]);
    });
});
