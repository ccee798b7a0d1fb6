/**
 * Every version the lab installs, pinned in one place.
 */
export const versions = {
    /** Ubuntu LTS release of the node image, resolved at deploy time from Canonical's SSM parameters. */
    ubuntu: "24.04",
    /**
     * The Kubernetes minors the lab can build (config key kubernetesVersion), each pinned to a
     * patch release. All are at least 1.31, the first to read the kubeadm.k8s.io/v1beta4
     * config we render, and within the range the pinned Calico is tested on (1.34 to 1.36).
     */
    kubernetes: { "1.34": "1.34.8", "1.35": "1.35.9", "1.36": "1.36.1" },
    /** Debian revision of the pkgs.k8s.io packages: kubeadm=1.35.9-1.1. */
    kubernetesPackageRevision: "1.1",
    /** Calico, installed by the Tigera operator; this release's operator is v1.42.4. */
    calico: "v3.32.1",
    charts: {
        /** With the Grafana chart it depends on at this version (its Chart.yaml), whose values the tests check too. */
        kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repo: "https://prometheus-community.github.io/helm-charts", grafana: { chart: "grafana", version: "12.11.1" } },
        /** Linkerd's open-source charts as published: the edge channel, edge-26.8.3. */
        linkerdCrds: { chart: "linkerd-crds", version: "2026.8.3", repo: "https://helm.linkerd.io/edge" },
        linkerdControlPlane: { chart: "linkerd-control-plane", version: "2026.8.3", repo: "https://helm.linkerd.io/edge" },
    },
    images: {
        /** The Istio Bookinfo sample's images, one tag for all six. */
        bookinfo: "1.20.1",
        /** Traffic Job and steady load. */
        curl: "docker.io/curlimages/curl:8.11.1",
    },
} as const;

/**
 * The Prometheus Operator CRDs exactly as the pinned kube-prometheus-stack ships them (its `crds`
 * sub-chart's `crds/` folder, at the chart's release tag), installed as their own step: the chart
 * itself is rendered with skipCrds. Helm never upgrades CRDs and the sub-chart's upgrade Job is a
 * hook, which Pulumi's Chart does not run; applied by Pulumi, they follow the chart's version.
 */
export const prometheusOperatorCrds = ["alertmanagerconfigs", "alertmanagers", "podmonitors", "probes", "prometheusagents", "prometheuses", "prometheusrules", "scrapeconfigs", "servicemonitors", "thanosrulers"].map(
    (kind) => `https://raw.githubusercontent.com/prometheus-community/helm-charts/${versions.charts.kubePrometheusStack.chart}-${versions.charts.kubePrometheusStack.version}/charts/kube-prometheus-stack/charts/crds/crds/crd-${kind}.yaml`,
);

/** The six workloads of the Istio sample: app, version. */
/** The namespace Bookinfo runs in. */
export const bookinfoNamespace = "bookinfo";

export const bookinfoWorkloads = [
    ["details", "v1"],
    ["ratings", "v1"],
    ["reviews", "v1"],
    ["reviews", "v2"],
    ["reviews", "v3"],
    ["productpage", "v1"],
] as const;

export const bookinfoImage = (service: string, version: string): string => `docker.io/istio/examples-bookinfo-${service}-${version}:${versions.images.bookinfo}`;

export type KubernetesMinor = keyof typeof versions.kubernetes;

export const supportedCnis = ["calico"] as const;
export type Cni = (typeof supportedCnis)[number];

const calicoManifests = `https://raw.githubusercontent.com/projectcalico/calico/${versions.calico}/manifests`;
/** The operator's CRDs of the pinned Calico release: since v3.30 they are not in the operator manifest. */
export const calicoCrdsManifest = `${calicoManifests}/operator-crds.yaml`;
/** The Tigera operator manifest of the pinned Calico release. */
export const calicoOperatorManifest = `${calicoManifests}/tigera-operator.yaml`;

/** Canonical's published SSM parameter holding the current Ubuntu server AMI for an architecture. */
export function ubuntuAmiParameter(architecture: "amd64" | "arm64"): string {
    return `/aws/service/canonical/ubuntu/server/${versions.ubuntu}/stable/current/${architecture}/hvm/ebs-gp3/ami-id`;
}
