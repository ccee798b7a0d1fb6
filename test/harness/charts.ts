/**
 * What the charts render, as far as the program's transforms care: under the mocks a chart is
 * one resource, so its children are given here and run through its transforms as the engine
 * would (see `HarnessOptions.probes`). Names and shapes as kube-prometheus-stack 88.5.3 renders them.
 */
import { types } from "./types";

export const chartType = types.chart;

type Props = { apiVersion: string; kind: string; metadata: { name: string; namespace: string } } & Record<string, unknown>;

export const kubePrometheusStack = {
    grafanaDeployment: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "kube-prometheus-stack-grafana", namespace: "monitoring" },
        spec: {
            strategy: { type: "RollingUpdate" },
            template: {
                spec: {
                    containers: [
                        { name: "grafana-sc-dashboard", image: "quay.io/kiwigrid/k8s-sidecar" },
                        { name: "grafana-sc-datasources", image: "quay.io/kiwigrid/k8s-sidecar" },
                        { name: "grafana", image: "docker.io/grafana/grafana", ports: [{ name: "grafana", containerPort: 3000, protocol: "TCP" }] },
                    ],
                },
            },
        },
    },
    grafanaService: {
        apiVersion: "v1", kind: "Service",
        metadata: { name: "kube-prometheus-stack-grafana", namespace: "monitoring" },
        spec: { type: "ClusterIP", ports: [{ name: "http-web", port: 80, targetPort: 3000 }] },
    },
    prometheus: {
        apiVersion: "monitoring.coreos.com/v1", kind: "Prometheus",
        metadata: { name: "kube-prometheus-stack-prometheus", namespace: "monitoring" },
        spec: { replicas: 1 },
    },
    operator: {
        apiVersion: "apps/v1", kind: "Deployment",
        metadata: { name: "kube-prometheus-stack-operator", namespace: "monitoring" },
        spec: { template: { spec: { containers: [{ name: "kube-prometheus-stack" }] } } },
    },
} satisfies Record<string, Props>;

/** A probe of the kube-prometheus-stack chart with these objects, typed as the provider would register them. */
export function chartProbe(objects: Props[]): { resource: string; objects: { type: string; name: string; props: Record<string, unknown> }[] } {
    return {
        resource: `${chartType}::kube-prometheus-stack`,
        objects: objects.map((props) => ({
            type: `kubernetes:${props.apiVersion.includes("/") ? props.apiVersion : `core/${props.apiVersion}`}:${props.kind}`,
            name: props.metadata.name,
            props,
        })),
    };
}

/** What every scenario renders unless it gives its own probes. */
export const renderedByDefault = [chartProbe(Object.values(kubePrometheusStack))];
