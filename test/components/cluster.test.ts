import * as assert from "assert";
import * as YAML from "yaml";
import { Program, RecordedResource, runProgram } from "../harness";

const COMMAND = "command:remote:Command";
type Connection = { host: string; user: string; dialErrorLimit: number; proxy?: { host: string; dialErrorLimit: number } };
const connection = (c: RecordedResource) => c.inputs.connection as Connection;
const commands = (program: Program) => program.ofType(COMMAND);
const named = (program: Program, name: string) => program.get(COMMAND, name);

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

    it("joins each worker through the control-plane node, in parallel, with its own token", async () => {
        const program = await runProgram({ config: { workerCount: 3 } });
        const joins = commands(program).filter((c) => c.name.startsWith("cluster-join-worker-"));
        const tokens = commands(program).filter((c) => c.name.startsWith("cluster-join-token-"));
        assert.strictEqual(joins.length, 3);
        assert.strictEqual(tokens.length, 3);
        const workerIps = program.output("workerPrivateIps").value as string[];
        joins.forEach((join, i) => {
            assert.strictEqual(connection(join).host, workerIps[i]);
            assert.strictEqual(connection(join).proxy?.host, "203.0.113.1", "the control-plane node is the jump host");
            assert.deepStrictEqual(join.dependsOn, ["command:remote:Command::cluster-init"], "a join waits for the init only");
            assert.deepStrictEqual(join.inputs.triggers, [`worker-${i}-id`, "sha256:" + "ab".repeat(32)], "its own instance and the cluster");
            assert.match(String(join.inputs.stdin), new RegExp(`^NODE_NAME='worker-${i}'$`, "m"));
            assert.match(String(join.inputs.stdin), /--discovery-token-ca-cert-hash sha256:/);
            const token = named(program, `cluster-join-token-worker-${i}`);
            assert.strictEqual(connection(token).host, "203.0.113.1");
            assert.strictEqual((token.inputs.triggers as unknown[])[0], `worker-${i}-id`, "the token is created when its worker joins");
            assert.match(String(token.inputs.stdin), /kubeadm token create --print-join-command --ttl "\$TOKEN_TTL"/);
            assert.match(String(token.inputs.stdin), /^TOKEN_TTL='30m'$/m);
        });
    });

    it("keeps join commands and the kubeconfig secret and out of the logs", async () => {
        const program = await runProgram();
        for (const token of commands(program).filter((c) => c.name.startsWith("cluster-join-token-"))) {
            assert.strictEqual(token.inputs.logging, "stderr", token.name);
            assert.ok(token.options.additionalSecretOutputs?.includes("stdout"), token.name);
        }
        for (const join of commands(program).filter((c) => c.name.startsWith("cluster-join-worker-"))) {
            assert.ok(join.secretInputs.includes("stdin"), `${join.name} receives the join command as a secret`);
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
        const provider = program.get("pulumi:providers:kubernetes", "cluster");
        assert.ok(provider.secretInputs.includes("kubeconfig"));
        assert.strictEqual(YAML.parse(String(provider.inputs.kubeconfig)).clusters[0].cluster.server, "https://203.0.113.1:6443");
        assert.strictEqual(provider.inputs.deleteUnreachable, "true");
    });

    it("waits for every node to be Ready after the CNI and all joins", async () => {
        const program = await runProgram();
        const ready = named(program, "cluster-ready");
        assert.deepStrictEqual(ready.dependsOn.sort(), ["command:remote:Command::cluster-cni-calico", "command:remote:Command::cluster-join-worker-0", "command:remote:Command::cluster-join-worker-1"]);
        assert.match(String(ready.inputs.stdin), /^EXPECTED_NODES='control-plane worker-0 worker-1'$/m);
        assert.match(String(ready.inputs.stdin), /^MSG_NOT_READY='These nodes are not Ready after 600 seconds: \{nodes\}\./m);
        assert.deepStrictEqual(program.output("nodeNames").value, ["control-plane", "worker-0", "worker-1"]);
        assert.deepStrictEqual(named(program, "cluster-kubeconfig").dependsOn, ["command:remote:Command::cluster-ready"]);
    });

    it("installs the pinned Calico with VXLAN on the pod range", async () => {
        const program = await runProgram({ config: { podCidr: "172.20.0.0/16" } });
        const cni = named(program, "cluster-cni-calico");
        const stdin = String(cni.inputs.stdin);
        assert.match(stdin, /^OPERATOR_MANIFEST='https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/v3\.32\.1\/manifests\/tigera-operator\.yaml'$/m);
        assert.match(stdin, /cidr: 172\.20\.0\.0\/16/);
        assert.match(stdin, /encapsulation: VXLAN/);
    });

    it("retries SSH long enough for a fresh instance, and needs no SSH at destroy", async () => {
        const program = await runProgram();
        for (const command of commands(program)) {
            assert.ok(connection(command).dialErrorLimit >= 100, command.name);
            if (connection(command).proxy) assert.ok((connection(command).proxy?.dialErrorLimit ?? 0) >= 100, command.name);
            assert.strictEqual(command.inputs.delete, undefined, `${command.name} runs something at destroy`);
        }
    });

    it("replaces a node before its successor joins under the same name", async () => {
        const program = await runProgram();
        for (const instance of program.ofType("aws:ec2/instance:Instance")) assert.strictEqual(instance.options.deleteBeforeReplace, true, instance.name);
    });

    it("builds the Kubernetes version chosen in the config", async () => {
        const program = await runProgram({ config: { kubernetesVersion: "1.34" } });
        assert.match(String(named(program, "cluster-init").inputs.stdin), /kubernetesVersion: v1\.34\.8/);
        assert.match(String(program.get("aws:ec2/instance:Instance", "worker-0").inputs.userData), /^KUBERNETES_PACKAGE_VERSION='1\.34\.8-1\.1'$/m);
        assert.strictEqual(program.output("kubernetesVersion").value, "1.34.8");
    });
});
