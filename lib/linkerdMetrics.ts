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
    // For `lab verify` (lib/platformChecks.ts), from docs/metrics/workload/pod-metrics.md: STABLE but
    // kube_pod_deletion_timestamp, EXPERIMENTAL there, which kube-state-metrics exports by default all the same.
    kube_pod_info: "gauge: 1 per pod, labelled namespace, pod and created_by_kind (ReplicaSet for a Deployment's pod)",
    kube_pod_status_phase: "gauge: 1 for the pod's phase, labelled namespace, pod and phase",
    kube_pod_deletion_timestamp: "gauge (EXPERIMENTAL, on by default): set only for a pod being deleted, labelled namespace and pod",
    kube_pod_container_info: "gauge: 1 per container, labelled namespace, pod and container",
    kube_pod_init_container_info: "gauge: 1 per init container, labelled namespace, pod, container and restart_policy (Always for a native sidecar such as linkerd-proxy)",
} as const;

/** The namespace components/mesh.ts installs Linkerd's control plane in. */
export const linkerdNamespace = "linkerd";

/** The PodMonitor Linkerd's chart (podMonitor.proxy) creates for the proxies, in the control plane's namespace. */
export const proxyPodMonitor = { namespace: linkerdNamespace, name: "linkerd-proxy" } as const;

/**
 * The `job` label of the Linkerd proxies' scrape targets: the Prometheus Operator names a
 * PodMonitor's job `<namespace>/<name>` (no jobLabel set). Its relabelings give each target the
 * pod's `namespace` and `pod`.
 */
export const proxyScrapeJob = `${proxyPodMonitor.namespace}/${proxyPodMonitor.name}`;

/** The scrape pool of the PodMonitor's first (only) endpoint, as the Prometheus Operator names it: `/api/v1/targets?scrapePool=` takes it. */
export const proxyScrapePool = `podMonitor/${proxyPodMonitor.namespace}/${proxyPodMonitor.name}/0`;

export type MetricName = keyof typeof linkerdMetrics | keyof typeof kubeStateMetrics;
