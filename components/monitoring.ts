import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { bookinfoAlertRules } from "../lib/alerts";
import { ServedEndpoint } from "../lib/endpoints";
import { Language } from "../lib/messages";
import { prometheusOperatorCrds, versions } from "../lib/versions";

export const monitoringNamespace = "monitoring";
export const monitoringRelease = "kube-prometheus-stack";
/** Label the chart's Prometheus selects rules and monitors on (ruleSelectorNilUsesHelmValues). */
export const prometheusSelectorLabels = { release: monitoringRelease };
/** Label and value the Grafana dashboard sidecar looks for. */
export const dashboardLabel = { grafana_dashboard: "1" };
export const grafanaAdminSecret = "grafana-admin";
/** Grafana, the public endpoint the chart serves (lib/endpoints.ts): its Deployment, Service (port 80, the Grafana chart's default), container and port names as the chart renders them. */
export const grafanaEndpoint: ServedEndpoint = {
    title: "Grafana",
    purpose: "Grafana",
    workload: { namespace: monitoringNamespace, deployment: `${monitoringRelease}-grafana`, container: "grafana", containerPort: "grafana" },
    service: { namespace: monitoringNamespace, name: `${monitoringRelease}-grafana`, port: 80, portName: "http-web" },
    verify: { check: "grafana", path: "" },
};

/**
 * The chart values, every one a key of the pinned kube-prometheus-stack chart (lib/versions.ts) or of its Grafana or node-exporter subchart.
 * The chart's admission webhooks and their certificate Jobs are Helm hooks; Pulumi renders the
 * chart like `helm template`, where they would run as plain Jobs in no useful order, so they
 * are switched off, with the operator's TLS that depends on them.
 */
export function monitoringValues(nodes: NodeMounts): Record<string, unknown> {
    return {
        prometheusOperator: {
            admissionWebhooks: { enabled: false },
            tls: { enabled: false },
        },
        prometheus: {
            prometheusSpec: { retention: "2d" },
        },
        grafana: {
            admin: { existingSecret: grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
            // A Helm test hook: as a plain resource it would only start a test pod on every up.
            testFramework: { enabled: false },
            defaultDashboardsEnabled: true,
            sidecar: { dashboards: { enabled: true, label: Object.keys(dashboardLabel)[0], labelValue: Object.values(dashboardLabel)[0], searchNamespace: "ALL" } },
        },
        // The prometheus-node-exporter subchart's key (its daemonset template reads hostRootFsMount.enabled).
        ...(nodes.sharedRoot ? {} : { "prometheus-node-exporter": { hostRootFsMount: { enabled: false } } }),
    };
}

const crdType = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/**
 * Until the CRDs were their own step, kube-prometheus-stack's Chart (a child of `parent`) rendered
 * them as its own children, each named as helm/v4 Chart names a child: the Chart's name, a colon,
 * the object's name (a namespaced one's `namespace/name`; a CRD has none) — the provider's
 * yaml/v2 register, which both the Chart and a ConfigGroup use, the Chart's name as prefix. A transform for the
 * ConfigGroup that gives each CRD it renders an alias to that URN, so a lab up before keeps its
 * CRDs, and every Prometheus resource of theirs, instead of failing on AlreadyExists.
 */
export function formerChartChild(parent: pulumi.Resource): pulumi.ResourceTransform {
    const chartUrn = pulumi.createUrn(monitoringRelease, "kubernetes:helm.sh/v4:Chart", parent);
    return ({ type, props, opts }) => {
        if (type !== crdType) return undefined;
        const { name } = props.metadata as { name: string };
        return { props, opts: { ...opts, aliases: [...(opts.aliases ?? []), pulumi.createUrn(`${monitoringRelease}:${name}`, crdType, chartUrn)] } };
    };
}

/** The Prometheus Operator's Prometheus resource, as the chart renders it. */
const prometheusType = "kubernetes:monitoring.coreos.com/v1:Prometheus";

/**
 * A transform for the chart that awaits its Prometheus until the operator reports it
 * `Available` (all its replicas ready): the provider's `pulumi.com/waitFor` annotation
 * (@pulumi/kubernetes 4.18 and later), so that what waits for this component (the
 * verification) finds Prometheus serving, not merely declared.
 */
export const awaitPrometheus: pulumi.ResourceTransform = ({ type, props, opts }) => {
    if (type !== prometheusType) return undefined;
    const metadata = (props.metadata ?? {}) as { annotations?: Record<string, string> };
    return { props: { ...props, metadata: { ...metadata, annotations: { ...metadata.annotations, "pulumi.com/waitFor": "condition=Available" } } }, opts };
};

/** What the nodes' mounts allow node-exporter. */
export interface NodeMounts {
    /**
     * The node's `/` is a shared mount, as on kubeadm's Ubuntu nodes and kind's: node-exporter
     * mounts it with HostToContainer propagation (the chart's default), which a runtime refuses
     * on a node whose `/` is private (k3d: prometheus-community/helm-charts#467). When it is not
     * known to be shared, node-exporter does without it (no host filesystem metrics).
     */
    sharedRoot: boolean;
}

export interface MonitoringArgs {
    /** The language of the alerts' annotations: the stack's language in the cluster. */
    language: Language;
    /** What the nodes' mounts allow. */
    nodes: NodeMounts;
}

/**
 * kube-prometheus-stack in `monitoring`, with a generated Grafana admin password, the Bookinfo
 * dashboard and the Bookinfo alert rules. The cluster's provider, deletedWith and the platform
 * transform come in `opts` (`providers`, `deletedWith`, `transforms`) and reach every child.
 */
export class Monitoring extends pulumi.ComponentResource {
    /** The Prometheus Operator CRDs, a quick step of their own: what needs only them (PodMonitors, rules) waits for them alone. */
    readonly crds: k8s.yaml.v2.ConfigGroup;
    readonly chart: k8s.helm.v4.Chart;
    /** Grafana's admin password, a secret. */
    readonly grafanaAdminPassword: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:Monitoring", name, {}, opts);
        const options = { parent: this };

        const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: monitoringNamespace } }, options);
        this.crds = new k8s.yaml.v2.ConfigGroup(`${name}-crds`, { files: prometheusOperatorCrds }, { ...options, transforms: [formerChartChild(this)] });
        const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 24, special: false }, options);
        this.grafanaAdminPassword = pulumi.secret(password.result);
        const adminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { name: grafanaAdminSecret, namespace: monitoringNamespace },
            stringData: { "admin-user": "admin", "admin-password": this.grafanaAdminPassword },
        }, { ...options, dependsOn: [namespace] });

        const chart = versions.charts.kubePrometheusStack;
        this.chart = new k8s.helm.v4.Chart(monitoringRelease, {
            chart: chart.chart,
            version: chart.version,
            repositoryOpts: { repo: chart.repo },
            namespace: monitoringNamespace,
            skipCrds: true,
            values: monitoringValues(args.nodes),
        }, { ...options, dependsOn: [namespace, adminSecret, this.crds], transforms: [awaitPrometheus] });

        // Our own objects the chart's Prometheus and Grafana pick up, with the labels those
        // select on: the rules need only the CRDs, and Grafana's sidecar finds the dashboard
        // whenever it starts.
        new k8s.core.v1.ConfigMap(`${name}-bookinfo-dashboard`, {
            metadata: { name: "bookinfo-dashboard", namespace: monitoringNamespace, labels: dashboardLabel },
            data: { "bookinfo.json": fs.readFileSync(path.join(__dirname, "..", "dashboards", "bookinfo.json"), "utf8") },
        }, { ...options, dependsOn: [namespace] });
        new k8s.apiextensions.CustomResource(`${name}-bookinfo-rules`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: "bookinfo", namespace: monitoringNamespace, labels: prometheusSelectorLabels },
            spec: { groups: bookinfoAlertRules(args.language) },
        }, { ...options, dependsOn: [namespace, this.crds] });

        this.registerOutputs({ grafanaAdminPassword: this.grafanaAdminPassword });
    }
}
