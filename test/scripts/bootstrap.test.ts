import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { renderKubeadmConfig } from "../../lib/kubeadm";
import { message } from "../../lib/messages";
import { renderScript } from "../../lib/scripts";
import { Sandbox } from "../harness/shell";

const hash = `sha256:${"0123456789abcdef".repeat(4)}`;
const joinLine = `kubeadm join 10.0.1.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${hash}`;
const unpinned = "The join command for worker-0 does not pin the cluster CA.";
const prepFailed = "Node {node} was not prepared; read {log}.";

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
        const script = (kubeadmConfig: string) => renderScript("control-plane-init.sh", { KUBEADM_CONFIG: kubeadmConfig, MSG_PREP_FAILED: prepFailed });

        beforeEach(() => {
            // A fake kubeadm init that leaves what the real one leaves: admin.conf and a CA.
            const pki = path.join(sandbox.kubernetesDir, "pki");
            sandbox.fake("kubeadm", `if [ "$1" = init ]; then mkdir -p "${pki}"; echo admin > "${sandbox.kubernetesDir}/admin.conf"; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=kubernetes -keyout "${pki}/ca.key" -out "${pki}/ca.crt" -days 1 2>/dev/null; fi`);
        });

        it("runs kubeadm init with the rendered config and prints the CA hash kubeadm pins", () => {
            const result = sandbox.run(script(config));
            assert.strictEqual(result.status, 0, result.stderr);
            assert.ok(sandbox.calls().includes(`kubeadm init --config ${sandbox.kubernetesDir}/kubeadm-config.yaml`));
            assert.strictEqual(fs.readFileSync(path.join(sandbox.kubernetesDir, "kubeadm-config.yaml"), "utf8"), `${config}\n`);
            // kubeadm's CA pin: the SHA-256 of the CA certificate's SubjectPublicKeyInfo.
            const ca = new crypto.X509Certificate(fs.readFileSync(path.join(sandbox.kubernetesDir, "pki", "ca.crt")));
            const spki = ca.publicKey.export({ type: "spki", format: "der" });
            assert.strictEqual(result.stdout.trim(), `sha256:${crypto.createHash("sha256").update(spki).digest("hex")}`);
        });

        it("does nothing again for the same config, and rebuilds the cluster for a new one", () => {
            assert.strictEqual(sandbox.run(script(config)).status, 0);
            const first = sandbox.run(script(config));
            assert.strictEqual(first.status, 0, first.stderr);
            assert.strictEqual(sandbox.calls().filter((c) => c.startsWith("kubeadm init")).length, 1);
            const changed = sandbox.run(script(config.replace("10.244.0.0/16", "10.245.0.0/16")));
            assert.strictEqual(changed.status, 0, changed.stderr);
            assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("kubeadm")).map((c) => c.split(" ")[1]), ["init", "reset", "init"]);
        });

        it("stops when the node was not prepared", () => {
            sandbox.fake("cloud-init", "exit 1");
            sandbox.fake("tail", "true");
            const result = sandbox.run(script(config));
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stderr, /Node \{node\} was not prepared; read \/var\/log\/cloud-init-output\.log\./);
            assert.ok(!sandbox.calls().some((c) => c.startsWith("kubeadm")));
        });
    });

    describe("join-token.sh", () => {
        const script = renderScript("join-token.sh", { NODE_NAME: "worker-0", TOKEN_TTL: "30m", MSG_UNPINNED: unpinned });

        it("creates an expiring token at join time and prints the join command with the CA hash", () => {
            sandbox.fake("kubectl", "true");
            sandbox.fake("kubeadm", `echo '${joinLine}'`);
            const result = sandbox.run(script);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.strictEqual(result.stdout, `${joinLine}\n`);
            assert.deepStrictEqual(sandbox.calls(), [
                "kubectl delete node worker-0 --ignore-not-found --wait=false",
                "kubeadm token create --print-join-command --ttl 30m --description k8s-lab: join worker-0",
            ]);
        });

        for (const [what, line] of [
            ["without the CA hash", "kubeadm join 10.0.1.10:6443 --token abcdef.0123456789abcdef"],
            ["that skips CA verification", `${joinLine} --discovery-token-unsafe-skip-ca-verification`],
        ]) {
            it(`refuses a join command ${what}`, () => {
                sandbox.fake("kubectl", "true");
                sandbox.fake("kubeadm", `echo '${line}'`);
                const result = sandbox.run(script);
                assert.notStrictEqual(result.status, 0);
                assert.strictEqual(result.stdout, "");
                assert.match(result.stderr, /does not pin the cluster CA/);
            });
        }
    });

    describe("worker-join.sh", () => {
        const script = (join: string) => renderScript("worker-join.sh", { JOIN_COMMAND: join, NODE_NAME: "worker-0", NODE_IP: "10.0.2.20", MSG_PREP_FAILED: prepFailed, MSG_UNPINNED: unpinned });
        const joinConfig = path.join("kubeadm-join.yaml");

        beforeEach(() => {
            // The fake kubeadm join keeps a copy of the config it was given.
            sandbox.fake("kubeadm", `if [ "$1" = join ]; then cp "$3" "${sandbox.dir}/join-config.yaml"; touch "${sandbox.kubernetesDir}/kubelet.conf"; fi`);
        });

        it("joins with the token and the pinned CA hash, under its own name and address", () => {
            const result = sandbox.run(script(joinLine));
            assert.strictEqual(result.status, 0, result.stderr);
            const config = YAML.parse(fs.readFileSync(path.join(sandbox.dir, "join-config.yaml"), "utf8"));
            assert.strictEqual(config.apiVersion, "kubeadm.k8s.io/v1beta4");
            assert.strictEqual(config.kind, "JoinConfiguration");
            assert.deepStrictEqual(config.discovery.bootstrapToken, { apiServerEndpoint: "10.0.1.10:6443", token: "abcdef.0123456789abcdef", caCertHashes: [hash] });
            assert.strictEqual(config.nodeRegistration.name, "worker-0");
            assert.deepStrictEqual(config.nodeRegistration.kubeletExtraArgs, [{ name: "node-ip", value: "10.0.2.20" }]);
            assert.ok(!fs.existsSync(path.join(sandbox.kubernetesDir, joinConfig)), "the token does not stay on disk");
        });

        it("resets a worker that was in a cluster before, then joins", () => {
            fs.mkdirSync(sandbox.kubernetesDir, { recursive: true });
            fs.writeFileSync(path.join(sandbox.kubernetesDir, "kubelet.conf"), "old cluster");
            const result = sandbox.run(script(joinLine));
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("kubeadm")).map((c) => c.split(" ").slice(0, 3).join(" ")), ["kubeadm reset -f", `kubeadm join --config`]);
        });

        for (const [what, line] of [
            ["without the CA hash", "kubeadm join 10.0.1.10:6443 --token abcdef.0123456789abcdef"],
            ["that skips CA verification", `${joinLine} --discovery-token-unsafe-skip-ca-verification`],
            ["with a malformed hash", joinLine.replace(/sha256:\w+/, "sha256:1234")],
            ["that is empty", " "],
        ]) {
            it(`refuses a join command ${what}`, () => {
                const result = sandbox.run(script(line));
                assert.notStrictEqual(result.status, 0);
                assert.match(result.stderr, /does not pin the cluster CA/);
                assert.ok(!sandbox.calls().some((c) => c.startsWith("kubeadm")));
            });
        }
    });

    describe("wait-ready.sh", () => {
        const script = (language: "en" | "ko") => renderScript("wait-ready.sh", {
            EXPECTED_NODES: "control-plane worker-0 worker-1",
            TIMEOUT_SECONDS: 1,
            MSG_NOT_READY: message(language, "bootstrap.notReady", { seconds: 1, nodes: "{nodes}" }),
        });
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
            assert.ok(sandbox.calls().includes("kubectl delete node worker-2 --wait=false"));
            assert.ok(!sandbox.calls().some((c) => /delete node (control-plane|worker-[01])/.test(c)));
        });

        it("fails after the timeout naming the nodes that are not Ready", () => {
            cluster("control-plane worker-0", { "control-plane": "True", "worker-0": "False" });
            const result = sandbox.run(script("en"));
            assert.strictEqual(result.status, 1);
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
        it("applies the pinned operator, waits for its CRDs, then the Installation", () => {
            sandbox.fake("kubectl", "true");
            const result = sandbox.run(renderScript("calico.sh", { OPERATOR_MANIFEST: "https://example.invalid/tigera-operator.yaml", INSTALLATION: "kind: Installation" }));
            assert.strictEqual(result.status, 0, result.stderr);
            const calls = sandbox.calls();
            assert.strictEqual(calls[0], "kubectl apply --server-side --force-conflicts -f https://example.invalid/tigera-operator.yaml");
            assert.match(calls[1], /^kubectl wait --for=condition=established .*crd\/installations\.operator\.tigera\.io$/);
            assert.match(calls[2], /^kubectl apply --server-side --force-conflicts -f \S+$/);
        });
    });
});
