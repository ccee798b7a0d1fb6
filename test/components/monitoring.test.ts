import * as assert from "assert";
import { bookinfoAlertRules } from "../../lib/alerts";
import { Program, runProgram, types } from "../harness";
import { chartProbe, chartType, kubePrometheusStack } from "../harness/charts";
import { versions } from "../../lib/versions";
import { merge, unknownKeys, upstreamValues } from "../harness/upstream";

const CHART = chartType;
const chartOf = (program: Program) => program.get(CHART, "kube-prometheus-stack");
const { grafanaDeployment, grafanaService, prometheus, operator } = kubePrometheusStack;
const probe = chartProbe([grafanaDeployment, grafanaService, prometheus, operator]);

type Pod = { nodeSelector?: Record<string, string>; tolerations?: unknown[]; containers: { name: string; ports?: { hostPort?: number }[] }[] };
const podOf = (obj: Record<string, unknown>): Pod => ((obj.spec as { template: { spec: Pod } }).template.spec);

describe("Monitoring", () => {
    it("installs the pinned kube-prometheus-stack in monitoring, its webhooks and test hook off", async () => {
        const chart = chartOf(await runProgram());
        assert.strictEqual(chart.inputs.chart, "kube-prometheus-stack");
        assert.strictEqual(chart.inputs.version, "88.5.3");
        assert.deepStrictEqual(chart.inputs.repositoryOpts, { repo: "https://prometheus-community.github.io/helm-charts" });
        assert.strictEqual(chart.inputs.namespace, "monitoring");
        const values = chart.inputs.values as { prometheusOperator: unknown; grafana: { testFramework: unknown; defaultDashboardsEnabled: boolean; admin: unknown } };
        assert.deepStrictEqual(values.prometheusOperator, { admissionWebhooks: { enabled: false }, tls: { enabled: false } });
        assert.deepStrictEqual(values.grafana.testFramework, { enabled: false });
        assert.strictEqual(values.grafana.defaultDashboardsEnabled, true, "CoreDNS, API server and Prometheus dashboards stay");
        assert.deepStrictEqual(values.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    });

    it("sets only values that the pinned kube-prometheus-stack and its Grafana chart have", async function () {
        const kps = upstreamValues(versions.charts.kubePrometheusStack);
        const grafana = upstreamValues(versions.charts.kubePrometheusStack.grafana);
        if (kps === undefined || grafana === undefined) return this.skip();
        const upstream = merge(kps, { grafana: merge(grafana, kps.grafana as Record<string, unknown>) });
        assert.deepStrictEqual(unknownKeys(chartOf(await runProgram()).inputs.values as Record<string, unknown>, upstream), []);
        assert.deepStrictEqual(unknownKeys({ grafana: { admin: { existingSecretName: "x" } } }, upstream), ["grafana.admin.existingSecretName"], "a misspelt key is caught");
    });

    it("generates Grafana's admin password into a Secret the chart reads, and exports it as a secret", async () => {
        const program = await runProgram();
        const secret = program.get(types.secret, "monitoring-grafana-admin");
        assert.strictEqual((secret.inputs.metadata as { name: string }).name, "grafana-admin");
        assert.deepStrictEqual(Object.keys(secret.inputs.stringData as object).sort(), ["admin-password", "admin-user"]);
        assert.ok(secret.secretInputs.some((p) => p === "stringData" || p === "stringData.admin-password"));
        assert.ok(chartOf(program).dependsOn.includes("kubernetes:core/v1:Secret::monitoring-grafana-admin"));
        const password = program.output("grafanaAdminPassword");
        assert.strictEqual(password.secret, true);
        assert.strictEqual(password.value, (secret.inputs.stringData as Record<string, string>)["admin-password"]);
    });

    it("installs the Prometheus Operator CRDs of the pinned chart's release as their own step, and the chart without them after it", async () => {
        const program = await runProgram();
        const crds = program.get("kubernetes:yaml/v2:ConfigGroup", "monitoring-crds");
        const kinds = ["alertmanagerconfigs", "alertmanagers", "podmonitors", "probes", "prometheusagents", "prometheuses", "prometheusrules", "scrapeconfigs", "servicemonitors", "thanosrulers"];
        assert.deepStrictEqual(crds.inputs.files, kinds.map((kind) => `https://raw.githubusercontent.com/prometheus-community/helm-charts/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/charts/crds/crds/crd-${kind}.yaml`));
        assert.deepStrictEqual(crds.dependencies, [], "the CRDs wait for nothing but the cluster's provider");
        assert.strictEqual(chartOf(program).inputs.skipCrds, true, "one owner per CRD");
        assert.deepStrictEqual([...chartOf(program).dependsOn].sort(), ["kubernetes:core/v1:Namespace::monitoring", "kubernetes:core/v1:Secret::monitoring-grafana-admin", "kubernetes:yaml/v2:ConfigGroup::monitoring-crds"]);
    });

    it("keeps the CRDs of a lab up before they were their own step: each aliased to the URN the monitoring chart gave it", async () => {
        const crd = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
        const names = ["alertmanagerconfigs", "alertmanagers", "podmonitors", "probes", "prometheusagents", "prometheuses", "prometheusrules", "scrapeconfigs", "servicemonitors", "thanosrulers"].map((kind) => `${kind}.monitoring.coreos.com`);
        // As yaml/v2 names a ConfigGroup's children: its name, a colon, the object's (namespace/name when namespaced).
        const objects = [
            ...names.map((name) => ({ type: crd, name: `monitoring-crds:${name}`, props: { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } } })),
            { type: "kubernetes:core/v1:ConfigMap", name: "monitoring-crds:monitoring/other", props: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other", namespace: "monitoring" } } },
        ];
        const program = await runProgram({ probes: [{ resource: "kubernetes:yaml/v2:ConfigGroup::monitoring-crds", objects }] });
        const chart = "urn:pulumi:dev::k8s-lab::k8slab:index:Monitoring$kubernetes:helm.sh/v4:Chart";
        assert.deepStrictEqual(program.run.probeAliases?.[0], [
            ...names.map((name) => [`${chart}$${crd}::kube-prometheus-stack:${name}`]),
            [],
        ]);
        assert.deepStrictEqual(program.run.probes?.[0], objects.map((o) => o.props), "the objects themselves unchanged");
    });

    it("loads the Bookinfo dashboard and alert rules with the labels the chart selects on, without waiting for the chart", async () => {
        const program = await runProgram();
        const dashboard = program.get(types.configMap, "monitoring-bookinfo-dashboard");
        assert.deepStrictEqual((dashboard.inputs.metadata as { labels: object }).labels, { grafana_dashboard: "1" });
        assert.ok(JSON.parse((dashboard.inputs.data as Record<string, string>)["bookinfo.json"]).panels.length >= 3);
        const rules = program.get(types.prometheusRule, "monitoring-bookinfo-rules");
        assert.deepStrictEqual((rules.inputs.metadata as { labels: object }).labels, { release: "kube-prometheus-stack" });
        assert.deepStrictEqual(rules.inputs.spec, { groups: bookinfoAlertRules("ko") }, "the rules promtool tests, in the stack's language (auto: Korean)");
        assert.deepStrictEqual(dashboard.dependsOn, ["kubernetes:core/v1:Namespace::monitoring"], "Grafana's sidecar finds it whenever it starts");
        assert.deepStrictEqual(rules.dependsOn, ["kubernetes:core/v1:Namespace::monitoring", "kubernetes:yaml/v2:ConfigGroup::monitoring-crds"], "the rules need only the CRDs");
    });

    it("pins Grafana to the control-plane node and serves it on 30300 by NodePort", async () => {
        const program = await runProgram({ probes: [probe] });
        const [deployment, service, prom, op] = program.run.probes?.[0] ?? [];
        assert.deepStrictEqual(podOf(deployment).nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.strictEqual(podOf(deployment).tolerations?.length, 1);
        assert.ok(!JSON.stringify(deployment).includes("hostPort"));
        assert.deepStrictEqual(service.spec, { type: "NodePort", ports: [{ name: "http-web", port: 80, targetPort: 3000, nodePort: 30300 }] });
        assert.deepStrictEqual(prom, { ...prometheus, metadata: { ...prometheus.metadata, annotations: { "pulumi.com/waitFor": "condition=Available" } } }, "Prometheus stays where the scheduler puts it unless listed; it is awaited until the operator reports it Available");
        assert.deepStrictEqual(op, operator, "a workload not in the list is untouched, and not annotated");
    });

    it("serves Grafana by hostPort on its own container, no surge pod, in hostPort mode; moves Prometheus when listed", async () => {
        const program = await runProgram({ config: { exposure: "hostPort", grafanaPort: 31300, controlPlaneWorkloads: ["monitoring/kube-prometheus-stack-prometheus"] }, probes: [probe] });
        const [deployment, service, prom] = program.run.probes?.[0] ?? [];
        const containers = podOf(deployment).containers;
        assert.deepStrictEqual(containers.map((c) => c.ports?.map((p) => p.hostPort)), [undefined, undefined, [31300]]);
        assert.deepStrictEqual((deployment.spec as { strategy: unknown }).strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
        assert.deepStrictEqual(service, grafanaService, "the Service stays ClusterIP: one mechanism per port");
        assert.deepStrictEqual((prom.spec as { nodeSelector: unknown }).nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
    });
});
