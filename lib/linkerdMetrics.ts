/**
 * The Linkerd proxy metrics the Bookinfo dashboard and alerts read, as the pinned proxy
 * (edge-26.8.3) exports them on :4191/metrics. Source: Linkerd's proxy metrics reference for
 * the edge channel, linkerd/website content/2-edge/reference/proxy-metrics.md
 * (https://linkerd.io/2-edge/reference/proxy-metrics/), "Protocol-Level Metrics". The
 * `namespace` and `deployment` labels come from the PodMonitor Linkerd's chart creates, which
 * copies them from the pod's Linkerd labels.
 */
export const linkerdMetrics = {
    request_total: "counter: requests the proxy received",
    response_total: "counter: responses, labelled classification=success|failure",
    response_latency_ms_bucket: "histogram buckets of time to first byte, in milliseconds",
} as const;

/**
 * kube-state-metrics v2.20.0, deployed by kube-prometheus-stack 88.5.3, for the endpoint alerts:
 * its default collectors export this (docs/metrics/workload/deployment-metrics.md, STABLE), and
 * no longer `kube_endpoint_address` (the endpoints collector is not among them).
 */
export const kubeStateMetrics = {
    kube_deployment_status_replicas_ready: "gauge: ready replicas per deployment, labelled namespace and deployment",
} as const;

export type MetricName = keyof typeof linkerdMetrics | keyof typeof kubeStateMetrics;
