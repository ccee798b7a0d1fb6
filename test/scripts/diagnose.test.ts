import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderScript } from "../../lib/scripts";
import { Sandbox, ScriptRun } from "../harness/shell";

/** What the credentials hold in the sandbox: none of it may reach the output. */
const secrets = {
    "admin.conf": "client-key-data: QURNSU4tS0VZLVNFQ1JFVA==",
    "pki/ca.key": "-----BEGIN RSA PRIVATE KEY-----\nCA-KEY-SECRET\n-----END RSA PRIVATE KEY-----",
    "pki/sa.key": "SA-KEY-SECRET",
};
const credential = "token: PORT-FORWARD-TOKEN-SECRET";

// Pods as the script's Go template prints them: namespace pod container ready restarts phase kind;
// a "pod" line each, a "sidecar" line per native sidecar (Linkerd's proxy is one: an init
// container with restartPolicy Always), then the init containers' and the containers' statuses.
const statuses = [
    "bookinfo productpage-v1-a - - 0 Running pod",
    "bookinfo productpage-v1-a linkerd-proxy - 0 Running sidecar",
    "bookinfo productpage-v1-a linkerd-proxy true 0 Running init",
    "bookinfo productpage-v1-a productpage true 0 Running main",
    // Running 1/2 with a crash-looping container: STATUS says Running.
    "bookinfo reviews-v1-b - - 0 Running pod",
    "bookinfo reviews-v1-b linkerd-proxy - 0 Running sidecar",
    "bookinfo reviews-v1-b linkerd-proxy true 0 Running init",
    "bookinfo reviews-v1-b reviews false 3 Running main",
    "bookinfo ratings-v1-c - - 0 Pending pod",
    "bookinfo ratings-v1-c ratings false 0 Pending main",
    // Running with its app ready, but its native-sidecar proxy not ready: only the init list says so.
    "bookinfo details-v1-h - - 0 Running pod",
    "bookinfo details-v1-h linkerd-proxy - 0 Running sidecar",
    "bookinfo details-v1-h linkerd-init true 0 Running init",
    "bookinfo details-v1-h linkerd-proxy false 0 Running init",
    "bookinfo details-v1-h details true 0 Running main",
    "bookinfo bookinfo-traffic-check-d - - 0 Succeeded pod",
    "bookinfo bookinfo-traffic-check-d curl false 0 Succeeded main",
    "monitoring grafana-e - - 0 Running pod",
    "monitoring grafana-e grafana false 0 Running main",
    "monitoring grafana-e grafana-sc-dashboard true 0 Running main",
    // Pending with no container status at all: the scheduler found no node with the hostPort free.
    "monitoring grafana-hostport-i - - 0 Pending pod",
    "linkerd linkerd-identity-f - - 0 Running pod",
    "linkerd linkerd-identity-f linkerd-init true 0 Running init",
    "linkerd linkerd-identity-f identity true 0 Running main",
    "linkerd linkerd-destination-g - - 0 Pending pod",
    "linkerd linkerd-destination-g linkerd-network-validator false 2 Pending init",
    "linkerd linkerd-destination-g destination false 0 Pending main",
].join("\\n");

const natRules = [
    "-P PREROUTING ACCEPT",
    "-N KUBE-NODEPORTS",
    "-N KUBE-SERVICES",
    "-A KUBE-NODEPORTS -p tcp -m comment --comment \"bookinfo/productpage:http\" -m tcp --dport 30080 -j KUBE-EXT-PRODUCTPAGE",
    "-A KUBE-NODEPORTS -p tcp -m comment --comment \"monitoring/grafana:http\" -m tcp --dport 30300 -j KUBE-EXT-GRAFANA",
    "-A KUBE-NODEPORTS -p tcp -m comment --comment \"other/thing\" -m tcp --dport 31999 -j KUBE-EXT-OTHER",
    "-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-SVC-API",
].join("\\n");

describe("diagnose.sh", () => {
    let sandbox: Sandbox;
    let credentialsDir: string;
    let logDir: string;

    /** The fakes of a node; `api` says whether the API server answers, `ready` whether /readyz passes, `crictl` whether the runtime answers. */
    function node(options: { api: boolean; crictl: boolean; ready?: boolean }): void {
        sandbox.fake("hostname", "echo test-node");
        sandbox.fake("date", "echo 2026-11-30T23:00:00Z");
        sandbox.fake("cloud-init", "echo 'status: done'");
        sandbox.fake("systemctl", `echo "systemctl says $*"`);
        sandbox.fake("journalctl", `echo "journal of $*"`);
        sandbox.fake("ss", "echo 'LISTEN 0 4096 10.0.1.10:30080 0.0.0.0:* users:((\"kube-proxy\",pid=1,fd=9))'");
        sandbox.fake("iptables", `[ "$*" = "-t nat -S" ] && printf '%b\\n' '${natRules}'`);
        sandbox.fake("crictl", options.crictl
            ? `case "$*" in
                 *" ps -a --name ^kube-apiserver\\$ -q") echo api1 ;;
                 *" ps -a --name ^calico-node\\$ -q") printf 'cal1\\ncal0\\n' ;;
                 *" ps -a --name "*) ;;
                 *" ps -a") echo 'CONTAINER IMAGE STATE NAME' ;;
                 *" logs "*) echo "log of \${*: -1}" ;;
               esac`
            : "echo 'crictl: cannot connect to the runtime' >&2; exit 1");
        sandbox.fake("kubectl", `${options.api ? "" : "echo 'The connection to the server 10.0.1.10:6443 was refused' >&2; exit 1"}
        case "$*" in
            *"get --raw=/livez") echo ok ;;
            *"get --raw=/readyz?verbose") ${options.ready === false ? "printf '[+]ping ok\\n[-]etcd failed: reason withheld\\nreadyz check failed\\n'; exit 1" : "echo '[+]ping ok'; echo 'readyz check passed'"} ;;
            *"get svc,pods -A -o jsonpath="*) printf '30080 30300  30300 ' ;;
            *"get pods -A -o go-template="*) printf '${statuses}\\n' ;;
            *"logs -n bookinfo ratings-v1-c"*) echo 'container is waiting to start: ImagePullBackOff' >&2; exit 1 ;;
            *) echo "kubectl output of $*" ;;
        esac`);
        // Every command that reads a file logs its arguments.
        for (const reader of ["tail", "cat", "head", "less", "more", "base64", "openssl", "awk", "grep", "sed"]) {
            const real = spawnSync("bash", ["-c", `command -v ${reader}`], { encoding: "utf8" }).stdout.trim();
            if (real !== "") sandbox.fake(reader, `exec ${real} "$@"`);
        }
    }

    const run = (role: "control-plane" | "worker", env: Record<string, string> = {}): ScriptRun =>
        sandbox.run(renderScript("diagnose.sh", { NODE_ROLE: role }), { LOG_DIR: logDir, ...env });

    /** The headings of the collected sections, in order. */
    const sections = (stdout: string): string[] => [...stdout.matchAll(/^===== (.*) =====$/gm)].map((m) => m[1]);
    /** What the script lists as not collected on the node. */
    const notCollected = (stdout: string): string[] => stdout.slice(stdout.indexOf("===== not collected on test-node =====")).split("\n").slice(1).filter((l) => l !== "");

    const nodeSections = [
        "node test-node (control-plane), 2026-11-30T23:00:00Z",
        "cloud-init status --long",
        "LOG/k8s-lab-prep.log (last 200 lines)",
        "LOG/cloud-init-output.log (last 200 lines)",
        "systemctl status --no-pager kubelet containerd",
        "journalctl --no-pager -u kubelet -n 300",
        "journalctl --no-pager -u containerd -n 100",
        "cri ps -a",
    ];

    beforeEach(() => {
        sandbox = new Sandbox();
        logDir = path.join(sandbox.dir, "var-log");
        fs.mkdirSync(logDir);
        fs.writeFileSync(path.join(logDir, "k8s-lab-prep.log"), "prepared\n");
        fs.writeFileSync(path.join(logDir, "cloud-init-output.log"), "cloud-init finished\n");
        fs.mkdirSync(path.join(sandbox.kubernetesDir, "pki"), { recursive: true });
        for (const [file, text] of Object.entries(secrets)) fs.writeFileSync(path.join(sandbox.kubernetesDir, file), text);
        credentialsDir = path.join(sandbox.dir, "etc-k8s-lab");
        fs.mkdirSync(credentialsDir);
        fs.writeFileSync(path.join(credentialsDir, "k8s-lab-port-forward-bookinfo.kubeconfig"), credential);
    });
    afterEach(() => sandbox.remove());

    const withLog = (list: string[]): string[] => list.map((s) => s.replace("LOG/", `${logDir}/`));

    it("collects the node, the runtime, the public ports and the cluster's view, with each failing container's logs, whatever the pod's STATUS", () => {
        node({ api: true, crictl: true });
        const result = run("control-plane");
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(sections(result.stdout), withLog([
            ...nodeSections,
            "cri logs --tail 100 api1",
            "cri logs --tail 100 cal1",
            "cri logs --tail 100 cal0",
            "ss -tlnp",
            "NAT rules of the public ports (30080 30300)",
            "iptables -t nat -S KUBE-NODEPORTS, CNI-HOSTPORT-DNAT",
            "systemctl list-units --all --no-pager k8s-lab-port-forward-*",
            "systemctl status --no-pager k8s-lab-port-forward-*",
            "journalctl --no-pager -u k8s-lab-port-forward-* -n 100",
            "API server (/livez)",
            "k get --raw=/readyz?verbose",
            "k get nodes -o wide",
            "k describe nodes",
            "k get pods -A -o wide",
            "k get events -A --sort-by=.lastTimestamp",
            "k get svc -A -o wide",
            "k get endpointslices -A -o wide",
            "k get tigerastatus",
            "k get tigerastatus -o yaml",
            "k -n kube-system logs -l k8s-app=kube-proxy --prefix --tail=100",
            "k -n calico-system logs -l k8s-app=calico-node -c calico-node --prefix --tail=100",
            "k describe pod -n bookinfo details-v1-h",
            "k logs -n bookinfo details-v1-h -c linkerd-init --tail=200",
            "k logs -n bookinfo details-v1-h -c linkerd-proxy --tail=200",
            "k logs -n bookinfo details-v1-h -c details --tail=200",
            "k describe pod -n bookinfo ratings-v1-c",
            "k logs -n bookinfo ratings-v1-c -c ratings --tail=200",
            "k describe pod -n bookinfo reviews-v1-b",
            "k logs -n bookinfo reviews-v1-b -c linkerd-proxy --tail=200",
            "k logs -n bookinfo reviews-v1-b -c reviews --tail=200",
            "k logs -n bookinfo reviews-v1-b -c reviews --tail=100 --previous",
            "k describe pod -n linkerd linkerd-destination-g",
            "k logs -n linkerd linkerd-destination-g -c linkerd-network-validator --tail=200",
            "k logs -n linkerd linkerd-destination-g -c linkerd-network-validator --tail=100 --previous",
            "k logs -n linkerd linkerd-destination-g -c destination --tail=200",
            "k describe pod -n monitoring grafana-e",
            "k logs -n monitoring grafana-e -c grafana --tail=200",
            "k logs -n monitoring grafana-e -c grafana-sc-dashboard --tail=200",
            "k describe pod -n monitoring grafana-hostport-i",
            "not collected on test-node",
        ]));
        // The NAT rules of the public ports, and kube-proxy's and the CNI's chains whole.
        const nat = result.stdout.slice(result.stdout.indexOf("===== NAT rules"), result.stdout.indexOf("===== systemctl list-units"));
        assert.deepStrictEqual(nat.split("\n").filter((l) => l.startsWith("-")), [
            "-A KUBE-NODEPORTS -p tcp -m comment --comment \"bookinfo/productpage:http\" -m tcp --dport 30080 -j KUBE-EXT-PRODUCTPAGE",
            "-A KUBE-NODEPORTS -p tcp -m comment --comment \"monitoring/grafana:http\" -m tcp --dport 30300 -j KUBE-EXT-GRAFANA",
            "-N KUBE-NODEPORTS",
            "-A KUBE-NODEPORTS -p tcp -m comment --comment \"bookinfo/productpage:http\" -m tcp --dport 30080 -j KUBE-EXT-PRODUCTPAGE",
            "-A KUBE-NODEPORTS -p tcp -m comment --comment \"monitoring/grafana:http\" -m tcp --dport 30300 -j KUBE-EXT-GRAFANA",
            "-A KUBE-NODEPORTS -p tcp -m comment --comment \"other/thing\" -m tcp --dport 31999 -j KUBE-EXT-OTHER",
        ]);
        assert.deepStrictEqual(notCollected(result.stdout), ["k logs -n bookinfo ratings-v1-c -c ratings --tail=200 (exit 1)"]);
        // kubectl always bounded, never given a credential on its command line.
        const kubectl = sandbox.calls().filter((c) => c.startsWith("kubectl "));
        assert.deepStrictEqual(kubectl.filter((c) => !c.startsWith("kubectl --request-timeout=20s ")), []);
    });

    it("reads no credential: not admin.conf, the PKI or the port-forward credentials, and prints none", () => {
        node({ api: true, crictl: true });
        const result = run("control-plane");
        assert.strictEqual(result.status, 0, result.stderr);
        const output = result.stdout + result.stderr;
        for (const text of [...Object.values(secrets), credential]) {
            for (const line of text.split("\n")) assert.ok(!output.includes(line), `printed ${line}`);
        }
        const reads = sandbox.calls().filter((c) => /admin\.conf|pki|k8s-lab-port-forward-\w+\.kubeconfig|etc-k8s-lab|\/etc\/k8s-lab/.test(c));
        assert.deepStrictEqual(reads, []);
        // Where strace is installed, no process of the script opens a credential file at all.
        const strace = spawnSync("bash", ["-c", "command -v strace"], { encoding: "utf8" }).stdout.trim();
        if (strace !== "") {
            const trace = path.join(sandbox.dir, "trace");
            const traced = spawnSync(strace, ["-f", "-e", "trace=open,openat", "-o", trace, "bash", "-s"], {
                input: renderScript("diagnose.sh", { NODE_ROLE: "control-plane" }),
                encoding: "utf8",
                env: { PATH: `${sandbox.bin}:${process.env.PATH}`, HOME: sandbox.dir, KUBERNETES_DIR: sandbox.kubernetesDir, LOG_DIR: logDir },
                timeout: 20_000,
            });
            assert.strictEqual(traced.status, 0, traced.stderr);
            const opened = fs.readFileSync(trace, "utf8").split("\n").filter((l) => l.includes(sandbox.kubernetesDir) || l.includes(credentialsDir));
            assert.deepStrictEqual(opened, []);
        }
    });

    it("when the API server does not answer, still collects the runtime's containers and says what is missing", () => {
        node({ api: false, crictl: true });
        const result = run("control-plane");
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(sections(result.stdout), withLog([
            ...nodeSections,
            "cri logs --tail 100 api1",
            "cri logs --tail 100 cal1",
            "cri logs --tail 100 cal0",
            "ss -tlnp",
            "NAT rules of the public ports (ports unknown)",
            "iptables -t nat -S KUBE-NODEPORTS, CNI-HOSTPORT-DNAT",
            "systemctl list-units --all --no-pager k8s-lab-port-forward-*",
            "systemctl status --no-pager k8s-lab-port-forward-*",
            "journalctl --no-pager -u k8s-lab-port-forward-* -n 100",
            "API server (/livez)",
            "not collected on test-node",
        ]));
        assert.match(result.stdout, /The API server does not answer \/livez from this node/);
        assert.deepStrictEqual(notCollected(result.stdout), ["the cluster's view through the API (the API server does not answer)"]);
    });

    it("when the API server is live but not ready, collects /readyz?verbose with the failing check and still the whole cluster's view", () => {
        node({ api: true, crictl: true, ready: false });
        const result = run("control-plane");
        assert.strictEqual(result.status, 0, result.stderr);
        const all = sections(result.stdout);
        assert.deepStrictEqual(all.slice(all.indexOf("API server (/livez)"), all.indexOf("API server (/livez)") + 4), ["API server (/livez)", "k get --raw=/readyz?verbose", "k get nodes -o wide", "k describe nodes"]);
        const readyz = result.stdout.slice(result.stdout.indexOf("===== k get --raw=/readyz?verbose"), result.stdout.indexOf("===== k get nodes -o wide")).trim().split("\n").slice(1);
        assert.deepStrictEqual(readyz, ["[+]ping ok", "[-]etcd failed: reason withheld", "readyz check failed", "The API server is live but not ready: the checks marked [-] above fail."]);
        assert.deepStrictEqual(notCollected(result.stdout), ["k logs -n bookinfo ratings-v1-c -c ratings --tail=200 (exit 1)"]);
    });

    it("on a worker, asks nothing of the API, greps the given public ports, and lists what the runtime could not give", () => {
        node({ api: true, crictl: false });
        const result = run("worker", { PUBLIC_PORTS: "30080 30300" });
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(sections(result.stdout), withLog([
            ...nodeSections.map((s) => s.replace("(control-plane)", "(worker)")),
            "ss -tlnp",
            "NAT rules of the public ports (30080 30300)",
            "iptables -t nat -S KUBE-NODEPORTS, CNI-HOSTPORT-DNAT",
            "systemctl list-units --all --no-pager k8s-lab-port-forward-*",
            "systemctl status --no-pager k8s-lab-port-forward-*",
            "journalctl --no-pager -u k8s-lab-port-forward-* -n 100",
            "not collected on test-node",
        ]));
        assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("kubectl ")), []);
        assert.deepStrictEqual(notCollected(result.stdout), ["cri ps -a (exit 1)"]);
        assert.match(result.stdout, /--dport 30300 -j KUBE-EXT-GRAFANA/);
    });

    it("says when a node log cannot be read", () => {
        node({ api: true, crictl: true });
        fs.rmSync(path.join(logDir, "k8s-lab-prep.log"));
        const result = run("worker");
        assert.deepStrictEqual(notCollected(result.stdout), [`${logDir}/k8s-lab-prep.log (not readable)`]);
    });
});
