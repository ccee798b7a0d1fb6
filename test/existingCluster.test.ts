import * as assert from "assert";
import { Program, RecordedResource, runProgram, types } from "./harness";
import { existingClusterConfig } from "./harness/stackConfig";

/** What the platform declares, as the provider receives it: everything but the cluster's own provider and options. */
const platformOf = (program: Program) =>
    program.resources
        .filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("k8slab:index:") || r.type.startsWith("tls:") || r.type.startsWith("random:index/randomPassword"))
        .filter((r) => !["k8slab:index:Network", "k8slab:index:ClusterSecurityGroups", "k8slab:index:SshKey", "k8slab:index:NodeGroup", "k8slab:index:KubernetesCluster", "k8slab:index:NatInstance"].includes(r.type))
        .filter((r) => !r.name.startsWith("ssh-key") && !r.name.startsWith("cluster-"))
        .map((r: RecordedResource) => ({ type: r.type, name: r.name, inputs: r.inputs, parent: r.parent }))
        .sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));

describe("the program on an existing cluster (target existingCluster)", () => {
    let cluster: Program;
    let aws: Program;
    before(async () => ([cluster, aws] = await Promise.all([runProgram({ config: existingClusterConfig }), runProgram()])));

    it("builds no AWS resource and runs nothing over SSH, with a provider from the stack's kubeconfig and context", () => {
        assert.strictEqual(cluster.run.error, undefined);
        assert.deepStrictEqual(cluster.resources.filter((r) => r.type.startsWith("aws:") || r.type === types.awsProvider || r.type === types.remoteCommand || r.type === types.randomId), []);
        const provider = cluster.get(types.kubernetesProvider, "existing-cluster");
        assert.deepStrictEqual(provider.inputs, { kubeconfig: existingClusterConfig.kubeconfig, context: "kind-k8s-lab", deleteUnreachable: "true" });
        assert.deepStrictEqual(provider.secretInputs, ["kubeconfig"]);
        assert.deepStrictEqual(cluster.ofType(types.kubernetesProvider).map((p) => p.name), ["existing-cluster"]);
        for (const r of cluster.resources.filter((r) => r.type.startsWith("kubernetes:"))) assert.strictEqual(cluster.deletedWith(r), undefined, `${r.type}::${r.name}`);
    });

    it("declares the same charts, Bookinfo objects, components and transformed inputs as the AWS target", () => {
        assert.deepStrictEqual(platformOf(cluster), platformOf(aws));
        assert.deepStrictEqual(platformOf(cluster).filter((r) => r.type === types.chart).map((r) => r.inputs.chart), ["kube-prometheus-stack", "linkerd-control-plane", "linkerd-crds"]);
        // The transforms met the same chart children (the probes) and left them the same.
        assert.deepStrictEqual(cluster.run.probes, aws.run.probes);
    });

    it("runs the traffic check on this machine with kubectl, the stack's context and its kubeconfig as a secret", () => {
        const check = cluster.get(types.localCommand, "bookinfo-traffic-check");
        const onNode = aws.get(types.remoteCommand, "bookinfo-traffic-check");
        const stdin = String(onNode.inputs.stdin).replace("KUBE_ACCESS='node'", "KUBE_ACCESS='context'");
        assert.notStrictEqual(stdin, onNode.inputs.stdin);
        assert.deepStrictEqual(check.inputs, {
            create: "bash -s",
            stdin,
            environment: { KUBE_CONTEXT: "kind-k8s-lab", LAB_KUBECONFIG: existingClusterConfig.kubeconfig },
            triggers: onNode.inputs.triggers,
        });
        assert.deepStrictEqual(check.secretInputs, ["environment"]);
        assert.deepStrictEqual(check.dependsOn.filter((d) => !d.startsWith("kubernetes:")), []);
        const verify = cluster.get(types.localCommand, "access-verify");
        assert.deepStrictEqual(verify.dependsOn.filter((d) => d.startsWith("command:")), ["command:local:Command::bookinfo-traffic-check"]);
    });

    it("exports the platform's URLs on the public host, its exposure, Grafana's password and the context", () => {
        assert.deepStrictEqual(Object.keys(cluster.run.outputs).sort(), ["bookinfoUrl", "configuredExposure", "endpoints", "exposure", "grafanaAdminPassword", "grafanaUrl", "kubeContext", "target"]);
        assert.deepStrictEqual(
            Object.fromEntries(["target", "kubeContext", "exposure", "bookinfoUrl", "grafanaUrl"].map((key) => [key, cluster.output(key).value])),
            { target: "existingCluster", kubeContext: "kind-k8s-lab", exposure: "nodePort", bookinfoUrl: "http://127.0.0.1:30080/productpage", grafanaUrl: "http://127.0.0.1:30300" },
        );
        assert.strictEqual(cluster.output("grafanaAdminPassword").secret, true);
    });
});
