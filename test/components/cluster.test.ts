import * as assert from "assert";
import * as os from "os";
import * as YAML from "yaml";
import { renderCalicoInstallation } from "../../lib/kubeadm";
import { scriptParameters } from "../../lib/scripts";
import { Program, RecordedResource, runProgram, types } from "../harness";
import { mockCaHash } from "../harness/mocks";

type Connection = { host: string; user: string; dialErrorLimit: number; perDialTimeout?: number; proxy?: { host: string; dialErrorLimit: number; perDialTimeout?: number } };
const connection = (c: RecordedResource) => c.inputs.connection as Connection;
const commands = (program: Program) => program.ofType(types.remoteCommand);
const named = (program: Program, name: string) => program.get(types.remoteCommand, name);
/** The parameters a rendered script was given, unquoted. */
function params(c: RecordedResource): Record<string, string> {
    const stdin = String(c.inputs.stdin);
    return Object.fromEntries(scriptParameters(stdin).map((name) => {
        const quoted = new RegExp(`^${name}=('(?:[^']|'\\\\'')*')$`, "m").exec(stdin)?.[1] ?? "";
        return [name, quoted.slice(1, -1).replace(/'\\''/g, "'")];
    }));
}

/** A pod range and a Kubernetes version other than the defaults, in one run for both tests. */
const chosen = { config: { podCidr: "172.20.0.0/16", kubernetesVersion: "1.34" } };

describe("KubernetesCluster", () => {
    it("initialises the cluster once, on the control-plane node, from the rendered kubeadm config", async () => {
        const program = await runProgram();
        const inits = commands(program).filter((c) => String(c.inputs.stdin).includes("kubeadm init --config"));
        assert.deepStrictEqual(inits.map((c) => c.name), ["cluster-init"]);
        const init = inits[0];
        assert.strictEqual(connection(init).host, "203.0.113.1");
        assert.strictEqual(connection(init).proxy, undefined);
        const stdin = String(init.inputs.stdin);
        assert.match(stdin, /advertiseAddress: 10\.0\.1\.\d+/);
        assert.match(stdin, /certSANs:\n\s+- 203\.0\.113\.1/);
        assert.match(stdin, /podSubnet: 10\.244\.0\.0\/16/);
        assert.match(stdin, /kubernetesVersion: v1\.35\.9/);
        assert.deepStrictEqual(init.inputs.triggers, ["control-plane-0-id"], "a new control-plane node is a new cluster");
    });

    it("joins each worker through the control-plane node, in parallel, with its own token kept valid on the control plane", async () => {
        const program = await runProgram({ config: { workerCount: 3 } });
        const joins = commands(program).filter((c) => c.name.startsWith("cluster-join-worker-"));
        const tokens = commands(program).filter((c) => c.name.startsWith("cluster-join-token-"));
        assert.strictEqual(joins.length, 3);
        assert.strictEqual(tokens.length, 3);
        const workerIps = program.output("workerPrivateIps").value as string[];
        joins.forEach((join, i) => {
            const node = `worker-${i}`;
            const prepare = named(program, `cluster-join-token-${node}`);
            assert.strictEqual(connection(join).host, workerIps[i]);
            assert.strictEqual(connection(join).proxy?.host, "203.0.113.1", "the control-plane node is the jump host");
            assert.deepStrictEqual(join.dependsOn, [`command:remote:Command::cluster-join-token-${node}`], "a join waits for its own token only");
            assert.deepStrictEqual(join.inputs.triggers, [`${node}-id`, mockCaHash], "its own instance and the cluster");
            assert.deepStrictEqual(prepare.inputs.triggers, [`${node}-id`, mockCaHash]);
            assert.deepStrictEqual(prepare.dependsOn, ["command:remote:Command::cluster-init"]);
            assert.strictEqual(connection(prepare).host, "203.0.113.1");
            const joinParams = params(join);
            const tokenParams = params(prepare);
            assert.match(joinParams.TOKEN, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
            assert.deepStrictEqual({ ...tokenParams, MESSAGES: "" }, { NODE_NAME: node, INSTANCE_ID: `${node}-id`, TOKEN: joinParams.TOKEN, TOKEN_TTL: "1h", MESSAGES: "" }, "the token the join uses is the one kept valid");
            // The preparation runs on every up (the nonce is in its input, not in its triggers);
            // the join runs only when its own inputs change.
            assert.match(String(prepare.inputs.stdin), /\n# up every-up-nonce\n$/);
            assert.doesNotMatch(String(join.inputs.stdin), /every-up/);
            assert.deepStrictEqual({ ...joinParams, TOKEN: "", MESSAGES: "" }, {
                API_ENDPOINT: `${String(program.output("controlPlanePrivateIp").value)}:6443`,
                TOKEN: "",
                CA_HASH: mockCaHash,
                NODE_NAME: node,
                NODE_IP: workerIps[i],
                INSTANCE_ID: `${node}-id`,
                MESSAGES: "",
            });
            for (const part of ["id", "secret"]) {
                const random = program.get(types.randomPassword, `cluster-join-token-${node}-${part}`);
                assert.deepStrictEqual(random.inputs.keepers, { instance: `${node}-id` }, "a new instance gets a new token");
            }
        });
        assert.strictEqual(new Set(joins.map((join) => params(join).TOKEN)).size, 3, "one token per worker");
    });

    it("keeps tokens and the kubeconfig secret, and out of every log and plain input", async () => {
        const program = await runProgram();
        const tokens = commands(program).filter((c) => c.name.startsWith("cluster-join-")).map((c) => params(c).TOKEN);
        for (const command of commands(program).filter((c) => c.name.startsWith("cluster-join-"))) {
            assert.ok(command.secretInputs.includes("stdin"), `${command.name} receives the token as a secret`);
            assert.notStrictEqual(command.inputs.logging, "none", "what the scripts print is safe to log");
        }
        // Outside secret inputs, no resource carries a token.
        for (const resource of program.resources) {
            const plain = JSON.stringify(Object.entries(resource.inputs).filter(([key]) => !resource.secretInputs.includes(key)));
            for (const token of tokens) assert.ok(!plain.includes(token), `${resource.type}::${resource.name} carries a token in plain inputs`);
        }
        const kubeconfig = named(program, "cluster-kubeconfig");
        assert.strictEqual(kubeconfig.inputs.logging, "stderr");
        assert.ok(kubeconfig.options.additionalSecretOutputs?.includes("stdout"));
        assert.strictEqual(program.output("kubeconfig").secret, true);
    });

    it("hands the kubeconfig, pointed at the public address, to a Kubernetes provider", async () => {
        const program = await runProgram();
        const exported = YAML.parse(String(program.output("kubeconfig").value));
        assert.strictEqual(exported.clusters[0].cluster.server, "https://203.0.113.1:6443");
        const provider = program.get(types.kubernetesProvider, "cluster");
        assert.ok(provider.secretInputs.includes("kubeconfig"));
        assert.strictEqual(YAML.parse(String(provider.inputs.kubeconfig)).clusters[0].cluster.server, "https://203.0.113.1:6443");
        assert.strictEqual(provider.inputs.deleteUnreachable, "true");
    });

    it("waits for every node to be Ready after the CNI and all joins; the kubeconfig waits for the CNI only", async () => {
        const program = await runProgram();
        const ready = named(program, "cluster-ready");
        assert.deepStrictEqual(ready.dependsOn.sort(), ["command:remote:Command::cluster-cni-calico", "command:remote:Command::cluster-join-worker-0", "command:remote:Command::cluster-join-worker-1"]);
        assert.match(String(ready.inputs.stdin), /^EXPECTED_NODES='control-plane worker-0 worker-1'$/m);
        assert.match(params(ready).MESSAGES, /^bootstrap\.notReady=\{seconds\}초가 지나도 Ready가 아닌 노드: \{nodes\}\./m);
        assert.deepStrictEqual(program.output("nodeNames").value, ["control-plane", "worker-0", "worker-1"]);
        assert.deepStrictEqual(named(program, "cluster-kubeconfig").dependsOn, ["command:remote:Command::cluster-cni-calico"], "the platform installs while the workers join");
    });

    it("installs the pinned Calico's CRDs, then its operator, with VXLAN on the pod range, until the control-plane node is Ready", async () => {
        const program = await runProgram(chosen);
        const cni = params(named(program, "cluster-cni-calico"));
        const manifests = "https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests";
        assert.deepStrictEqual([cni.CRDS_MANIFEST, cni.OPERATOR_MANIFEST], [`${manifests}/operator-crds.yaml`, `${manifests}/tigera-operator.yaml`]);
        assert.deepStrictEqual([cni.NODE_NAME, cni.TIMEOUT_SECONDS], ["control-plane", "300"]);
        assert.strictEqual(cni.INSTALLATION, renderCalicoInstallation("172.20.0.0/16"));
    });

    it("gives up dialling SSH within minutes, and needs no SSH at destroy", async () => {
        const program = await runProgram();
        // A blocked port costs each dial its timeout and up to 5 s of the provider's back-off.
        const budget = (c: { dialErrorLimit: number; perDialTimeout?: number }) => c.dialErrorLimit * ((c.perDialTimeout ?? 15) + 5);
        for (const command of commands(program)) {
            const c = connection(command);
            if (c.proxy) {
                // The hop from the control-plane node has no timeout of its own (about 130 s each).
                assert.ok(c.dialErrorLimit <= 3 && budget(c.proxy) <= 300 && budget(c.proxy) >= 120, command.name);
            } else {
                assert.ok(budget(c) <= 300 && budget(c) >= 120, `${command.name}: ${budget(c)} s`);
            }
            assert.strictEqual(command.inputs.delete, undefined, `${command.name} runs something at destroy`);
        }
    });

    it("gives the nodes text in the stack's language, Korean for auto, whoever runs up", async () => {
        const message = (program: Program) => /^bootstrap\.prepFailed=(.*)$/m.exec(params(named(program, "cluster-init")).MESSAGES)?.[1];
        const [auto, english] = await Promise.all([
            runProgram({ env: { LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" } }),
            runProgram({ config: { language: "en" }, env: { LANG: "ko_KR.UTF-8", LC_ALL: "ko_KR.UTF-8" } }),
        ]);
        assert.strictEqual(message(auto), "{node} 노드가 준비되지 않았습니다: cloud-init 또는 준비 스크립트가 실패했습니다. 그 노드에서 {log} 파일을 확인하세요.");
        assert.strictEqual(message(english), "Node {node} was not prepared: cloud-init or the preparation script failed; read {log} on that node.");
        // Every command that runs a node script gets its messages in that language.
        for (const command of commands(auto).filter((c) => String(c.inputs.stdin).includes("MESSAGES="))) {
            assert.match(params(command).MESSAGES, /[가-힣]/, command.name);
            assert.doesNotMatch(params(named(english, command.name)).MESSAGES, /[가-힣]/, command.name);
        }
    });

    it("declares the same resources with the same inputs whatever the operator's locale and folder", async () => {
        const [korean, english] = await Promise.all([
            runProgram({ env: { LANG: "ko_KR.UTF-8", LC_ALL: "ko_KR.UTF-8", LC_MESSAGES: "ko_KR.UTF-8" } }),
            runProgram({ env: { LANG: "en_US.UTF-8", LC_ALL: "C.UTF-8", LC_MESSAGES: "en_US.UTF-8" }, cwd: os.tmpdir() }),
        ]);
        const shape = (program: Program) => program.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, dependsOn: r.dependsOn, secret: r.secretInputs }));
        assert.ok(korean.resources.length > 50);
        assert.deepStrictEqual(shape(english), shape(korean));
    });

    it("replaces a node before its successor joins under the same name", async () => {
        const program = await runProgram();
        // The nodes; the NAT instance (no Kubernetes name) is replaced the usual way.
        const nodes = program.ofType(types.instance).filter((i) => i.name !== "network-nat");
        assert.deepStrictEqual(nodes.map((i) => [i.name, i.options.deleteBeforeReplace]), [["control-plane-0", true], ["worker-0", true], ["worker-1", true]]);
    });

    it("builds the Kubernetes version chosen in the config", async () => {
        const program = await runProgram(chosen);
        assert.match(String(named(program, "cluster-init").inputs.stdin), /kubernetesVersion: v1\.34\.8/);
        assert.match(String(program.get(types.instance, "worker-0").inputs.userData), /^KUBERNETES_PACKAGE_VERSION='1\.34\.8-1\.1'$/m);
        assert.strictEqual(program.output("kubernetesVersion").value, "1.34.8");
    });
});
