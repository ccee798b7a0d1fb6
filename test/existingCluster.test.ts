import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Program, RecordedResource, runProgram, types } from "./harness";
import { existingClusterConfig, existingClusterEnv, kindKubeconfig, kindMinified } from "./harness/stackConfig";

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
    before(async () => ([cluster, aws] = await Promise.all([runProgram({ config: existingClusterConfig, env: existingClusterEnv() }), runProgram()])));

    it("builds no AWS resource and runs nothing over SSH, with a provider from the context's minified kubeconfig, identified by the context", () => {
        assert.strictEqual(cluster.run.error, undefined);
        assert.deepStrictEqual(cluster.run.infos, ["Deploying the platform to the cluster at 127.0.0.1:41234 (context kind-k8s-lab)."]);
        assert.deepStrictEqual(cluster.resources.filter((r) => r.type.startsWith("aws:") || r.type === types.awsProvider || r.type === types.remoteCommand || r.type === types.randomId), []);
        const provider = cluster.get(types.kubernetesProvider, "existing-cluster");
        // No deleteUnreachable: an unreachable cluster (a typo'd context, Docker stopped) fails the run instead of dropping the state.
        assert.deepStrictEqual(provider.inputs, { kubeconfig: kindMinified, context: "kind-k8s-lab", clusterIdentifier: "kind-k8s-lab" });
        assert.deepStrictEqual(provider.secretInputs, ["kubeconfig"]);
        assert.deepStrictEqual(cluster.ofType(types.kubernetesProvider).map((p) => p.name), ["existing-cluster"]);
        for (const r of cluster.resources.filter((r) => r.type.startsWith("kubernetes:"))) assert.strictEqual(cluster.deletedWith(r), undefined, `${r.type}::${r.name}`);
    });

    it("declares the same charts, Bookinfo objects, components and transformed inputs as the AWS target, node-exporter without the node's root", () => {
        // The one difference: a node's `/` is not known to be a shared mount here (k3d's is not), so node-exporter does not mount it.
        const monitoringChart = (program: Program) => program.get(types.chart, "kube-prometheus-stack").inputs.values as Record<string, unknown>;
        assert.deepStrictEqual(monitoringChart(cluster), { ...monitoringChart(aws), "prometheus-node-exporter": { hostRootFsMount: { enabled: false } } });
        assert.strictEqual(monitoringChart(aws)["prometheus-node-exporter"], undefined, "the chart's default on AWS");
        const sameValues = (program: Program) => platformOf(program).map((r) => (r.type === types.chart && r.name === "kube-prometheus-stack" ? { ...r, inputs: { ...r.inputs, values: monitoringChart(aws) } } : r));
        assert.deepStrictEqual(sameValues(cluster), sameValues(aws));
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
            environment: { KUBE_CONTEXT: "kind-k8s-lab", LAB_KUBECONFIG: kindMinified },
            triggers: onNode.inputs.triggers,
        });
        assert.deepStrictEqual(check.secretInputs, ["environment"]);
        assert.deepStrictEqual(check.options.additionalSecretOutputs, ["environment"]);
        assert.deepStrictEqual(check.dependsOn.filter((d) => !d.startsWith("kubernetes:")), []);
        const verify = cluster.get(types.localCommand, "access-verify");
        assert.deepStrictEqual(verify.dependsOn.filter((d) => d.startsWith("command:")), ["command:local:Command::bookinfo-traffic-check"]);
        // The verification knows it is on an existing cluster (a refused port: its port mapping); on AWS its inputs stay as they were.
        const environments = [verify, aws.get(types.localCommand, "access-verify")].map((c) => (c.inputs.environment as Record<string, string>).LAB_TARGET);
        assert.deepStrictEqual(environments, ["existingCluster", undefined]);
    });

    it("exports the platform's URLs on the public host, its exposure, Grafana's password and the context", () => {
        assert.deepStrictEqual(Object.keys(cluster.run.outputs).sort(), ["bookinfoUrl", "configuredExposure", "endpoints", "exposure", "grafanaAdminPassword", "grafanaUrl", "kubeContext", "target"]);
        assert.deepStrictEqual(
            Object.fromEntries(["target", "kubeContext", "exposure", "bookinfoUrl", "grafanaUrl"].map((key) => [key, cluster.output(key).value])),
            { target: "existingCluster", kubeContext: "kind-k8s-lab", exposure: "nodePort", bookinfoUrl: "http://127.0.0.1:30080/productpage", grafanaUrl: "http://127.0.0.1:30300" },
        );
        assert.strictEqual(cluster.output("grafanaAdminPassword").secret, true);
    });
    it("deletes in order on destroy: every namespaced object after its Namespace, every custom resource after its CRDs", () => {
        // The engine deletes a resource before what it depends on, and a child before its parent.
        const key = (r: RecordedResource) => `${r.type}::${r.name}`;
        const byKey = new Map(cluster.resources.map((r) => [key(r), r]));
        const reaches = (from: RecordedResource, to: string): boolean => {
            const seen = new Set<string>();
            const next = [key(from)];
            while (next.length > 0) {
                const r = byKey.get(next.pop() ?? "");
                if (r === undefined) continue;
                for (const k of [...r.dependencies, ...(r.parent === undefined ? [] : [r.parent])]) {
                    if (k === to) return true;
                    if (seen.has(k)) continue;
                    seen.add(k);
                    next.push(k);
                }
            }
            return false;
        };
        const namespaces = new Map(cluster.ofType(types.namespace).map((n) => [(n.inputs.metadata as { name: string }).name, key(n)]));
        const inCluster = cluster.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== types.kubernetesProvider);
        // A chart's objects are in its namespace; a CRD group's objects, the charts that render them among them, need the CRDs.
        const namespaceOf = (r: RecordedResource) => (r.type === types.chart ? r.inputs.namespace : (r.inputs.metadata as { namespace?: string } | undefined)?.namespace) as string | undefined;
        const crds: Record<string, string> = { "monitoring.coreos.com": "kubernetes:yaml/v2:ConfigGroup::monitoring-crds" };
        const rendersCustom: Record<string, string[]> = {
            "kube-prometheus-stack": ["kubernetes:yaml/v2:ConfigGroup::monitoring-crds"],
            "linkerd-control-plane": ["kubernetes:helm.sh/v4:Chart::linkerd-crds", "kubernetes:yaml/v2:ConfigGroup::monitoring-crds"],
        };
        const needs = (r: RecordedResource): string[] => [
            ...(namespaceOf(r) === undefined ? [] : [namespaces.get(namespaceOf(r) ?? "") ?? `no Namespace ${namespaceOf(r)}`]),
            ...Object.entries(crds).filter(([group]) => r.type.startsWith(`kubernetes:${group}/`)).map(([, crd]) => crd),
            ...(r.type === types.chart ? (rendersCustom[String(r.inputs.chart)] ?? []) : []),
        ];
        const unordered = inCluster.flatMap((r) => needs(r).filter((n) => !reaches(r, n)).map((n) => `${key(r)} -> ${n}`));
        assert.deepStrictEqual(unordered, []);
        // Both sides: the rule met namespaced objects, custom resources and charts, and misses a dependency that is not there.
        assert.deepStrictEqual([...new Set(inCluster.filter((r) => needs(r).length > 0).map((r) => r.type))].sort(), [
            "kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Secret", "kubernetes:core/v1:Service", "kubernetes:core/v1:ServiceAccount",
            "kubernetes:helm.sh/v4:Chart", "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
        ]);
        assert.strictEqual(reaches(cluster.get(types.namespace, "bookinfo"), namespaces.get("monitoring") ?? ""), false);
    });
});

describe("the program on an existing cluster, reading this machine", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-kubeconfig-"));
    const file = path.join(dir, "kind.yaml");
    fs.writeFileSync(file, kindKubeconfig);
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const refused = (program: Program) => ({ error: program.run.error?.message, resources: program.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:StackReference").map((r) => r.type) });

    it("gives the provider and the check the file's context alone, never its path, when the kubeconfig is a path", async () => {
        const program = await runProgram({ config: { ...existingClusterConfig, kubeconfig: file }, env: existingClusterEnv([]) });
        assert.strictEqual(program.run.error, undefined);
        assert.strictEqual(program.get(types.kubernetesProvider, "existing-cluster").inputs.kubeconfig, kindMinified);
        assert.deepStrictEqual(program.resources.filter((r) => JSON.stringify(r.inputs).includes(dir)).map((r) => r.name), []);
    });

    it("refuses, before any resource, without kubectl on PATH", async () => {
        const program = await runProgram({ config: existingClusterConfig, env: { ...existingClusterEnv(), PATH: dir } });
        assert.deepStrictEqual(refused(program), {
            error: "kubectl is not on PATH, and the existingCluster target's traffic check runs it on this machine: install it (https://kubernetes.io/docs/tasks/tools/) and run again.",
            resources: [],
        });
    });

    it("refuses to switch a lab to another target in place, either way", async () => {
        const [onAws, onCluster] = await Promise.all([
            runProgram({ config: existingClusterConfig, env: existingClusterEnv(), previousOutputs: { target: "aws", exposure: "nodePort" } }),
            runProgram({ previousOutputs: { target: "existingCluster", exposure: "nodePort" } }),
        ]);
        assert.deepStrictEqual([refused(onAws), refused(onCluster)], [
            { error: "This stack's lab runs on target aws and k8s-lab:target is now existingCluster: switching would delete the lab while building the other, so destroy the lab first (npx k8s-lab destroy), then apply with the new target.", resources: [] },
            { error: "This stack's lab runs on target existingCluster and k8s-lab:target is now aws: switching would delete the lab while building the other, so destroy the lab first (npx k8s-lab destroy), then apply with the new target.", resources: [] },
        ]);
    });
});
