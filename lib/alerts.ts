/**
 * Alert rules for what kube-prometheus-stack does not already cover: the field reports'
 * availability KPI (99.9% success through the Bookinfo chain), a product page with no ready
 * endpoint behind it, and a service behind the page with none.
 *
 * Metrics, as the pinned versions export them:
 * - Linkerd's proxy (edge-26.8.3): `response_total`, labelled `direction` (inbound: requests the
 *   pod served; outbound: requests it sent, with `dst_deployment`, `dst_namespace`, …) and
 *   `classification` (success|failure). Linkerd's own deployment dashboard reads the outbound
 *   edges the same way.
 * - kube-state-metrics v2.20.0 (chart 8.4.0, pinned by kube-prometheus-stack 88.5.3): the chart's
 *   default collectors list endpointslices, not endpoints, so `kube_endpoint_*` is not exported;
 *   `kube_endpointslice_endpoints` is experimental and names slices, not Services, without a
 *   labels allowlist. `kube_deployment_status_replicas_ready{namespace, deployment}` is stable
 *   and exported by default: a ready replica of the Deployment is a ready endpoint of its Service.
 */
import { Language, translator } from "./messages";

export const bookinfoSuccessObjective = 0.999;

/**
 * BookinfoSuccessRateLow is a multiwindow burn-rate alert (Google's SRE workbook, "Alerting on
 * SLOs", for a 99.9% objective): responses fail 14.4 times as fast as the objective allows (over
 * 1.44%) both over the last hour (a real loss, not two failed responses among the ~2 per second
 * the lab serves) and over the last 5 minutes (still failing now, so it clears soon after a
 * recovery). The lab is born every morning, when the hour holds only minutes of data, so the
 * condition must also hold for 10 minutes: the cold start of the reviews JVMs, or any failure
 * shorter than 5 minutes, never fires; a sustained one fires after 10 to 15 minutes.
 */
export const bookinfoBurnRate = { factor: 14.4, longWindow: "1h", shortWindow: "5m", for: "10m" } as const;

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

export interface AlertGroup {
    name: string;
    rules: AlertRule[];
}

/** The services behind the product page, whose Deployments are `<service>-v<n>`. */
export const bookinfoBackends = ["details", "ratings", "reviews"] as const;

/** The rules, with their annotations in `language`: the stack's language in the cluster. */
export function bookinfoAlertRules(language: Language): AlertGroup[] {
    const t = translator(language);
    const responses = 'response_total{namespace="bookinfo"}';
    const failures = 'response_total{namespace="bookinfo", classification="failure"}';
    // The failure ratio, not the success ratio: with no success at all in a direction there is
    // no success series to divide, and the alert would stay silent.
    const threshold = Number((bookinfoBurnRate.factor * (1 - bookinfoSuccessObjective)).toPrecision(6));
    const failureRatio = (window: string) => `sum by (direction) (rate(${failures}[${window}])) / sum by (direction) (rate(${responses}[${window}]))`;
    const ready = (deployments: string) => `kube_deployment_status_replicas_ready{namespace="bookinfo", deployment=~"${deployments}"}`;
    return [
        {
            name: "k8s-lab.bookinfo",
            rules: [
                {
                    // Inbound: what each Bookinfo pod answered. Outbound: what each got back from the
                    // services it calls; a dead details or ratings shows only there, since productpage
                    // still answers 200 with "unavailable" in the page.
                    alert: "BookinfoSuccessRateLow",
                    expr: `${failureRatio(bookinfoBurnRate.longWindow)} > ${threshold} and ${failureRatio(bookinfoBurnRate.shortWindow)} > ${threshold}`,
                    for: bookinfoBurnRate.for,
                    labels: { severity: "warning" },
                    annotations: { summary: t("alert.successRateLowSummary"), description: t("alert.successRateLowDescription") },
                },
                {
                    alert: "ProductpageNoReadyEndpoint",
                    expr: `(sum(${ready("productpage-v1")}) or vector(0)) < 1`,
                    for: "2m",
                    labels: { severity: "critical" },
                    annotations: { summary: t("alert.productpageNoReadyEndpointSummary"), description: t("alert.productpageNoReadyEndpointDescription") },
                },
                {
                    alert: "BookinfoServiceNoReadyEndpoint",
                    // One zero per backend, so that a backend whose Deployments are gone, and with
                    // them their series, sums to 0 too instead of vanishing.
                    expr: `sum by (app) (label_replace(${ready(`(${bookinfoBackends.join("|")})-v[0-9]+`)}, "app", "$1", "deployment", "(.+)-v[0-9]+")${
                        bookinfoBackends.map((app) => ` or label_replace(vector(0), "app", "${app}", "", "")`).join("")}) < 1`,
                    for: "2m",
                    labels: { severity: "warning" },
                    annotations: { summary: t("alert.serviceNoReadyEndpointSummary"), description: t("alert.serviceNoReadyEndpointDescription") },
                },
            ],
        },
    ];
}
