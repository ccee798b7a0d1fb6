import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { renderKubeadmConfig } from "../../lib/kubeadm";
import { renderScript } from "../../lib/scripts";
import { Sandbox } from "../harness/shell";

const token = "abcdef.0123456789abcdef";
/** The shape of a bootstrap token, wherever it may appear. */
const tokenShape = /[a-z0-9]{6}\.[a-z0-9]{16}/;

describe("bootstrap scripts", () => {
    let sandbox: Sandbox;
    beforeEach(() => {
        sandbox = new Sandbox();
        fs.writeFileSync(sandbox.marker, "");
        sandbox.fake("cloud-init", "exit 0");
    });
    afterEach(() => sandbox.remove());

    describe("control-plane-init.sh", () => {
        const config = renderKubeadmConfig({ clusterName: "k8s-lab-dev", kubernetesVersion: "1.35.9", nodeName: "control-plane", privateIp: "10.0.1.10", publicIp: "203.0.113.1", podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" });
        const script = (kubeadmConfig: string) => renderScript("control-plane-init.sh", { KUBEADM_CONFIG: kubeadmConfig, NODE_NAME: "control-plane" }, "en");
        const pki = () => path.join(sandbox.kubernetesDir, "pki");
        const kubeadmCalls = () => sandbox.calls().filter((c) => c.startsWith("kubeadm")).map((c) => c.split(" ")[1]);
        /**
         * A fake kubeadm init that leaves what the real one leaves (admin.conf first, then a CA)
         * and prints, as the real one does without --skip-token-print, a join command with a token.
         */
        const fakeKubeadm = (initExit = 0) => sandbox.fake("kubeadm", `case "$1" in
  init)
    mkdir -p "${pki()}" "${sandbox.kubernetesDir}/manifests"; echo admin > "${sandbox.kubernetesDir}/admin.conf"
    touch "${sandbox.kubernetesDir}/manifests/kube-apiserver.yaml"
    case " $* " in *" --skip-token-print "*) ;; *) echo "kubeadm join 10.0.1.10:6443 --token ${token} --discovery-token-ca-cert-hash sha256:00" ;; esac
    [ ${initExit} -eq 0 ] || { echo "error: timed out waiting for the control plane (token ${token})" >&2; exit ${initExit}; }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=kubernetes -keyout "${pki()}/ca.key" -out "${pki()}/ca.crt" -days 1 2>/dev/null
    touch "${sandbox.dir}/kube-proxy" ;;
  reset) rm -rf "${sandbox.kubernetesDir}"/* "${sandbox.dir}/kube-proxy" ;;
esac`);
        const env = () => ({ INITIALIZED_MARKER: path.join(sandbox.dir, "initialized"), BOOTSTRAP_LOG: path.join(sandbox.dir, "bootstrap.log") });

        beforeEach(() => {
            fakeKubeadm();
            // kube-proxy, the last thing kubeadm init installs, exists once an init completed.
            sandbox.fake("kubectl", `case "$*" in
  "-n kube-system get daemonset kube-proxy -o name")
    if [ -e "${sandbox.dir}/kube-proxy" ]; then echo daemonset.apps/kube-proxy; else echo 'Error from server (NotFound): daemonsets.apps "kube-proxy" not found' >&2; exit 1; fi ;;
esac`);
        });

        it("runs kubeadm init with the rendered config, deletes kubeadm's default token and prints the CA hash kubeadm pins", () => {
            const result = sandbox.run(script(config), env());
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls().filter((c) => /^kube(adm|ctl) /.test(c)), [
                `kubeadm init --config ${sandbox.kubernetesDir}/kubeadm-config.yaml --skip-token-print`,
                "kubectl -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token",
            ]);
            assert.strictEqual(fs.readFileSync(path.join(sandbox.kubernetesDir, "kubeadm-config.yaml"), "utf8"), `${config}\n`);
            // kubeadm's CA pin: the SHA-256 of the CA certificate's SubjectPublicKeyInfo.
            const ca = new crypto.X509Certificate(fs.readFileSync(path.join(pki(), "ca.crt")));
            const spki = ca.publicKey.export({ type: "spki", format: "der" });
            assert.strictEqual(result.stdout, `sha256:${crypto.createHash("sha256").update(spki).digest("hex")}\n`);
            assert.doesNotMatch(result.stdout + result.stderr, tokenShape);
        });

        it("keeps kubeadm's output, and any token in it, out of what Pulumi logs and stores, even when init fails", () => {
            fakeKubeadm(1);
            const result = sandbox.run(script(config), env());
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /k8s-lab: 'kubeadm init' failed with exit code 1; its last lines, from \S+bootstrap.log:\n/);
            assert.match(result.stderr, /timed out waiting for the control plane \(token <token>\)/, "the cause is shown");
            assert.doesNotMatch(result.stdout + result.stderr, tokenShape);
            assert.strictEqual(fs.statSync(env().BOOTSTRAP_LOG).mode & 0o777, 0o600, "the full output stays in a root-only log");
        });

        // Each row: what a first run left, then what the next run must do.
        const reruns: { what: string; first: () => void; next: string[]; config?: string }[] = [
            { what: "a completed init with the same config is left alone", first: () => sandbox.run(script(config), env()), next: [] },
            { what: "a completed init with another config is a new cluster", first: () => sandbox.run(script(config), env()), next: ["reset", "init"], config: config.replace("10.244.0.0/16", "10.245.0.0/16") },
            { what: "an interrupted init (admin.conf written, no completion mark) is reset and run again", first: () => { fakeKubeadm(1); sandbox.run(script(config), env()); fakeKubeadm(); }, next: ["reset", "init"] },
            { what: "an init that completed before the lab wrote its mark is adopted, not reset", first: () => { sandbox.run(script(config), env()); fs.rmSync(env().INITIALIZED_MARKER); }, next: [] },
            { what: "an unmarked init whose API server never answers is reset and run again", first: () => { fakeKubeadm(1); sandbox.run(script(config), env()); fakeKubeadm(); sandbox.fake("kubectl", `case "$*" in *"get daemonset"*) echo 'connection refused' >&2; exit 1 ;; esac`); }, next: ["reset", "init"] },
        ];
        for (const row of reruns) {
            it(`on the next up: ${row.what}`, () => {
                row.first();
                const before = kubeadmCalls().length;
                const result = sandbox.run(script(row.config ?? config), env());
                assert.strictEqual(result.status, 0, result.stderr);
                assert.deepStrictEqual(kubeadmCalls().slice(before), row.next);
                assert.match(result.stdout, /^sha256:[0-9a-f]{64}\n$/);
            });
        }

        it("stops when the node was not prepared, and its preparation fails again", () => {
            sandbox.fake("cloud-init", "exit 1");
            sandbox.fake("tail", "true");
            fs.rmSync(sandbox.marker);
            fs.writeFileSync(path.join(sandbox.dir, "user-data.txt"), "exit 1\n");
            const result = sandbox.run(script(config), { ...env(), PREP_SCRIPT: path.join(sandbox.dir, "user-data.txt") });
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stderr, /k8s-lab: Node control-plane was not prepared: cloud-init or the preparation script failed; read \/var\/log\/k8s-lab-prep\.log on that node\./);
            assert.ok(!sandbox.calls().some((c) => c.startsWith("kubeadm")));
        });
    });

    describe("join-token.sh", () => {
        const script = renderScript("join-token.sh", { NODE_NAME: "worker-0", INSTANCE_ID: "i-0new", TOKEN: token, TOKEN_TTL: "1h" }, "en");
        /** A fake kubectl whose cluster has a Node worker-0 on `owner`, or none. */
        const cluster = (owner: string | undefined) => sandbox.fake("kubectl", `case "$*" in
  "get node worker-0 --ignore-not-found -o jsonpath={.metadata.labels.k8s-lab\\.io/instance-id}") ${owner === undefined ? "true" : `echo ${owner}`} ;;
  "get node worker-0 --ignore-not-found -o name") ${owner === undefined ? "true" : "echo node/worker-0"} ;;
esac`);
        const writes = () => sandbox.calls().filter((c) => !c.includes(" get "));
        const deleteToken = "kubectl -n kube-system delete secret bootstrap-token-abcdef --ignore-not-found";
        const createToken = `kubeadm token create ${token} --ttl 1h --description k8s-lab: join worker-0`;

        beforeEach(() => sandbox.fake("kubeadm", `echo ${token}`));

        const cases: { what: string; owner: string | undefined; calls: string[] }[] = [
            { what: "a new worker: the token is made valid from now", owner: undefined, calls: [deleteToken, createToken] },
            { what: "a replaced worker: the Node its predecessor left goes, then the token", owner: "i-0old", calls: ["kubectl delete node worker-0 --ignore-not-found", deleteToken, createToken] },
            { what: "a worker that is registered already: its Node stays, its token goes", owner: "i-0new", calls: [deleteToken] },
            { what: "a Node that does not name its machine (joined before the label existed) is never deleted", owner: "", calls: [deleteToken] },
        ];
        for (const row of cases) {
            it(row.what, () => {
                cluster(row.owner);
                const result = sandbox.run(script);
                assert.strictEqual(result.status, 0, result.stderr);
                assert.deepStrictEqual(writes(), row.calls);
                assert.strictEqual(result.stdout, "", "nothing on stdout, which Pulumi keeps in plain state");
                assert.doesNotMatch(result.stderr, tokenShape);
            });
        }
    });

    describe("worker-join.sh", () => {
        const caHash = `sha256:${"0123456789abcdef".repeat(4)}`;
        const params = { API_ENDPOINT: "10.0.1.10:6443", TOKEN: token, CA_HASH: caHash, NODE_NAME: "worker-0", NODE_IP: "10.0.2.20", INSTANCE_ID: "i-0abc" };
        const script = (overrides: Partial<typeof params> = {}) => renderScript("worker-join.sh", { ...params, ...overrides }, "en");
        const env = () => ({ BOOTSTRAP_LOG: path.join(sandbox.dir, "bootstrap.log") });
        const kubeadmCalls = () => sandbox.calls().filter((c) => c.startsWith("kubeadm")).map((c) => c.split(" ")[1]);
        /**
         * A fake kubeadm join that keeps a copy of its config and leaves what a join leaves: the
         * cluster's CA, the bootstrap kubeconfig, and kubelet.conf once the kubelet has its own
         * credentials, which a failed join never gets to.
         */
        const fakeKubeadm = (joinExit = 0) => sandbox.fake("kubeadm", `case "$1" in
  join)
    cp "$3" "${sandbox.dir}/join-config.yaml"; mkdir -p "${sandbox.kubernetesDir}/pki"
    echo ca > "${sandbox.kubernetesDir}/pki/ca.crt"; touch "${sandbox.kubernetesDir}/bootstrap-kubelet.conf"
    [ ${joinExit} -eq 0 ] || { echo "couldn't validate the identity of the API Server (token ${token})" >&2; exit ${joinExit}; }
    touch "${sandbox.kubernetesDir}/kubelet.conf" ;;
  reset) rm -rf "${sandbox.kubernetesDir}"/* ;;
esac`);

        beforeEach(() => {
            fakeKubeadm();
            // openssl and sha256sum as far as the CA hash goes: every CA on this worker hashes to the pinned one.
            // (Only in a pipe does it read its input: the script itself arrives on bash's standard input.)
            sandbox.fake("openssl", `case "$1" in pkey) cat >/dev/null ;; esac`);
            sandbox.fake("sha256sum", `echo "${"0123456789abcdef".repeat(4)}  -"`);
            // The kubelet's view of its own Node: there, unless a test removes it.
            sandbox.fake("kubectl", `[ -e "${sandbox.dir}/node-gone" ] && { echo 'Error from server (NotFound): nodes "worker-0" not found' >&2; exit 1; }; echo node/worker-0`);
            sandbox.fake("systemctl", "true");
        });

        it("joins with its token and the pinned CA hash, under its own name, address and instance label", () => {
            const result = sandbox.run(script(), env());
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(YAML.parse(fs.readFileSync(path.join(sandbox.dir, "join-config.yaml"), "utf8")), {
                apiVersion: "kubeadm.k8s.io/v1beta4",
                kind: "JoinConfiguration",
                discovery: { bootstrapToken: { apiServerEndpoint: "10.0.1.10:6443", token, caCertHashes: [caHash] } },
                nodeRegistration: {
                    name: "worker-0",
                    criSocket: "unix:///run/containerd/containerd.sock",
                    kubeletExtraArgs: [{ name: "node-ip", value: "10.0.2.20" }, { name: "node-labels", value: "k8s-lab.io/instance-id=i-0abc" }],
                },
            });
            assert.ok(!fs.existsSync(path.join(sandbox.kubernetesDir, "kubeadm-join.yaml")), "the token does not stay on disk");
            assert.doesNotMatch(result.stdout + result.stderr, tokenShape);
        });

        const reruns: { what: string; first: () => void; next: string[]; overrides?: Partial<typeof params> }[] = [
            { what: "a worker joined to this cluster is left alone", first: () => sandbox.run(script(), env()), next: [] },
            { what: "a joined worker whose Node was deleted restarts its kubelet to register again", first: () => { sandbox.run(script(), env()); fs.writeFileSync(path.join(sandbox.dir, "node-gone"), ""); }, next: [] },
            { what: "a worker joined to another cluster (a new control plane) is reset and joins", first: () => sandbox.run(script(), env()), next: ["reset", "join"], overrides: { CA_HASH: `sha256:${"f".repeat(64)}` } },
            { what: "a join that failed is reset and run again", first: () => { fakeKubeadm(1); sandbox.run(script(), env()); fakeKubeadm(); }, next: ["reset", "join"] },
            { what: "a worker left with a bootstrap kubeconfig only is reset and joins", first: () => { fs.mkdirSync(sandbox.kubernetesDir, { recursive: true }); fs.writeFileSync(path.join(sandbox.kubernetesDir, "bootstrap-kubelet.conf"), "old"); }, next: ["reset", "join"] },
        ];
        for (const row of reruns) {
            it(`on the next up: ${row.what}`, () => {
                row.first();
                const before = kubeadmCalls().length;
                const result = sandbox.run(script(row.overrides), env());
                assert.strictEqual(result.status, 0, result.stderr);
                assert.deepStrictEqual(kubeadmCalls().slice(before), row.next);
                const restarts = sandbox.calls().filter((c) => c === "systemctl restart kubelet");
                assert.strictEqual(restarts.length, row.what.includes("restarts its kubelet") ? 1 : 0);
            });
        }

        it("keeps the token out of what Pulumi logs when the join fails", () => {
            fakeKubeadm(1);
            const result = sandbox.run(script(), env());
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /couldn't validate the identity of the API Server \(token <token>\)/);
            assert.doesNotMatch(result.stdout + result.stderr, tokenShape);
        });

        for (const [what, overrides, reason] of [
            ["a malformed CA hash", { CA_HASH: "sha256:1234" }, /does not pin the cluster CA/],
            ["an empty CA hash", { CA_HASH: "" }, /CA_HASH: sha256 hash of the cluster CA public key/],
            ["a malformed token", { TOKEN: "abcdef.0123" }, /does not pin the cluster CA/],
            ["no API endpoint", { API_ENDPOINT: "" }, /API_ENDPOINT: private address/],
        ] as const) {
            it(`refuses to join with ${what}`, () => {
                const result = sandbox.run(script(overrides), env());
                assert.notStrictEqual(result.status, 0);
                assert.match(result.stderr, reason);
                assert.ok(!sandbox.calls().some((c) => c.startsWith("kubeadm")));
            });
        }
    });

    describe("wait-ready.sh", () => {
        const script = (language: "en" | "ko") => renderScript("wait-ready.sh", {
            EXPECTED_NODES: "control-plane worker-0 worker-1",
            TIMEOUT_SECONDS: 1,
        }, language);
        /** A fake kubectl: the cluster's nodes, and the Ready status of each. */
        const cluster = (nodes: string, ready: Record<string, string>) =>
            sandbox.fake("kubectl", `case "$*" in
  "get nodes -o jsonpath={.items[*].metadata.name}") echo "${nodes}" ;;
  ${Object.entries(ready).map(([node, status]) => `"get node ${node} "*) echo "${status}" ;;`).join("\n  ")}
  "get node "*) exit 1 ;;
esac`);

        it("succeeds when every node is Ready, and deletes nodes the lab no longer has", () => {
            cluster("control-plane worker-0 worker-1 worker-2", { "control-plane": "True", "worker-0": "True", "worker-1": "True" });
            const result = sandbox.run(script("en"));
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls().filter((c) => c.includes(" delete ")), [
                "kubectl delete node worker-2 --wait=false",
                // Every worker has joined: no bootstrap token is left behind.
                "kubectl -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token",
            ]);
        });

        it("fails after the timeout naming the nodes that are not Ready", () => {
            cluster("control-plane worker-0", { "control-plane": "True", "worker-0": "False" });
            const result = sandbox.run(script("en"));
            assert.strictEqual(result.status, 1);
            assert.deepStrictEqual(sandbox.calls().filter((c) => c.includes(" delete ")), [], "a worker still joining keeps its token");
            assert.match(result.stderr, /These nodes are not Ready after 1 seconds: worker-0 worker-1\. Look at them/);
        });

        it("says so in Korean for a Korean operator", () => {
            cluster("control-plane", { "control-plane": "True" });
            const result = sandbox.run(script("ko"));
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /1초가 지나도 Ready가 아닌 노드: worker-0 worker-1\./);
        });
    });

    describe("calico.sh", () => {
        const script = (language: "en" | "ko" = "en") => renderScript("calico.sh", {
            CRDS_MANIFEST: "https://example.invalid/operator-crds.yaml",
            OPERATOR_MANIFEST: "https://example.invalid/tigera-operator.yaml",
            INSTALLATION: "kind: Installation",
            NODE_NAME: "control-plane",
            TIMEOUT_SECONDS: 300,
        }, language);
        /** A fake kubectl whose node becomes Ready within the wait (exit 0), or not (kubectl wait's timeout, exit 1). */
        const cluster = (ready: boolean) => sandbox.fake("kubectl", `case "$*" in
  "wait --for=condition=Ready node/"*) ${ready ? "echo node/control-plane condition met" : "echo 'error: timed out waiting for the condition on nodes/control-plane' >&2; exit 1"} ;;
  *" get pods "*) echo 'calico-node-abcde   0/1   Init:0/2' ;;
esac`);
        const wait = "kubectl wait --for=condition=Ready node/control-plane --timeout=300s";

        it("applies the pinned CRDs, waits for them, then the operator and the Installation, and ends once the control-plane node is Ready", () => {
            cluster(true);
            const result = sandbox.run(script());
            assert.strictEqual(result.status, 0, result.stderr);
            const calls = sandbox.calls();
            assert.deepStrictEqual(calls.slice(0, 3), [
                "kubectl apply --server-side --force-conflicts -f https://example.invalid/operator-crds.yaml",
                "kubectl wait --for=condition=established --timeout=60s crd/installations.operator.tigera.io",
                "kubectl apply --server-side --force-conflicts -f https://example.invalid/tigera-operator.yaml",
            ]);
            assert.match(calls[3], /^kubectl apply --server-side --force-conflicts -f \S+$/);
            assert.deepStrictEqual(calls.slice(4), [wait]);
            assert.match(result.stderr, /k8s-lab: Calico applied\.\n(.*\n)?k8s-lab: control-plane is Ready: Calico runs\.\n$/);
        });

        it("changes nothing on a second run and ends at once when the node is already Ready", () => {
            cluster(true);
            assert.strictEqual(sandbox.run(script()).status, 0);
            const tempFile = (calls: string[]) => calls.map((c) => c.replace(/ -f \/\S+$/, " -f <installation>"));
            const first = tempFile(sandbox.calls());
            const result = sandbox.run(script());
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(tempFile(sandbox.calls()).slice(first.length), first, "the same server-side applies and one wait, which a Ready node ends");
        });

        it("fails within its bound, saying which node is not Ready and where to look, with Calico's pods", () => {
            cluster(false);
            const result = sandbox.run(script());
            assert.strictEqual(result.status, 1);
            assert.deepStrictEqual(sandbox.calls().slice(4), [wait, "kubectl -n calico-system get pods -o wide"]);
            assert.match(result.stderr, /k8s-lab: Node control-plane is not Ready 300 seconds after Calico was applied: the network add-on does not run\. Look at kubectl -n calico-system get pods and kubectl -n tigera-operator logs deployment\/tigera-operator\.\ncalico-node-abcde {3}0\/1 {3}Init:0\/2\n$/);
        });

        it("says so in Korean for a Korean operator", () => {
            cluster(false);
            const result = sandbox.run(script("ko"));
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /k8s-lab: Calico를 적용하고 300초가 지나도 control-plane 노드가 Ready가 아닙니다: 네트워크 애드온이 실행되지 않습니다\./);
        });
    });
});
