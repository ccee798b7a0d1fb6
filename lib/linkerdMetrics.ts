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

/** kube-state-metrics, deployed by kube-prometheus-stack, for the endpoint alert. */
export const kubeStateMetrics = {
    kube_endpoint_address: "gauge per endpoint address, labelled ready=true|false",
} as const;

export type MetricName = keyof typeof linkerdMetrics | keyof typeof kubeStateMetrics;
