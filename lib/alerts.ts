/**
 * Alert rules for what kube-prometheus-stack does not already cover: the field reports'
 * availability KPI (99.9% success through the Bookinfo chain) and a product page with no
 * ready endpoint behind it.
 */
export const bookinfoSuccessObjective = 0.999;

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

export function bookinfoAlertRules(): { name: string; rules: AlertRule[] }[] {
    const inbound = 'namespace="bookinfo", direction="inbound"';
    return [
        {
            name: "k8s-lab.bookinfo",
            rules: [
                {
                    alert: "BookinfoSuccessRateLow",
                    expr: `sum(rate(response_total{${inbound}, classification="success"}[5m])) / sum(rate(response_total{${inbound}}[5m])) < ${bookinfoSuccessObjective}`,
                    for: "5m",
                    labels: { severity: "warning" },
                    annotations: {
                        summary: "Bookinfo success rate is below 99.9%",
                        description: "Fewer than 99.9% of the requests into Bookinfo's services succeeded over the last 5 minutes (Linkerd proxy metrics).",
                    },
                },
                {
                    alert: "ProductpageNoReadyEndpoint",
                    expr: '(sum(kube_endpoint_address{namespace="bookinfo", endpoint="productpage", ready="true"}) or vector(0)) < 1',
                    for: "2m",
                    labels: { severity: "critical" },
                    annotations: {
                        summary: "productpage has no ready endpoint",
                        description: "The productpage Service has had no ready endpoint for 2 minutes: the product page cannot be served.",
                    },
                },
            ],
        },
    ];
}
