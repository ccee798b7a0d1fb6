import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";
import { bookinfoAlertRules } from "../../lib/alerts";
import { kubeStateMetrics, linkerdMetrics } from "../../lib/linkerdMetrics";
import { podQueries } from "../../lib/platformChecks";

/** Parses PromQL with Prometheus's own grammar; returns the metric names it selects, or throws. */
function metricsOf(expr: string): string[] {
    const names: string[] = [];
    const errors: number[] = [];
    parser.parse(expr).iterate({
        enter: (node) => {
            if (node.type.isError) errors.push(node.from);
            if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") names.push(expr.slice(node.from, node.to));
        },
    });
    if (errors.length > 0) throw new Error(`PromQL does not parse at ${errors[0]}: ${expr}`);
    return names;
}

const dashboard = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "dashboards", "bookinfo.json"), "utf8")) as {
    uid: string;
    panels: { title: string; targets: { expr: string }[] }[];
};

describe("Bookinfo dashboard", () => {
    it("shows request rate, success rate and latency per deployment", () => {
        const titles = dashboard.panels.map((p) => p.title.toLowerCase());
        for (const what of ["request rate", "success rate", "latency"]) assert.ok(titles.some((t) => t.includes(what)), what);
        for (const panel of dashboard.panels) for (const target of panel.targets) assert.match(target.expr, /by \(deployment/, panel.title);
    });

    it("shows the outbound edges too, where a dead service behind productpage appears", () => {
        assert.deepStrictEqual(dashboard.panels.map((p) => p.title), [
            "Request rate per deployment (inbound, req/s)",
            "Success rate per deployment (inbound)",
            "Latency p50 / p95 / p99 per deployment (inbound, ms)",
            "Success rate per edge (outbound: deployment → the service it calls)",
        ]);
    });

    it("shows success as 1 - failures / total, a failure-less edge's failures counted as 0, as the alert counts them", () => {
        const success = (by: string, direction: string) => {
            const total = `sum by (${by}) (rate(response_total{namespace="bookinfo", direction="${direction}"}[1m]))`;
            return `1 - (sum by (${by}) (rate(response_total{namespace="bookinfo", direction="${direction}", classification="failure"}[1m])) or ${total} * 0) / ${total}`;
        };
        assert.deepStrictEqual([dashboard.panels[1], dashboard.panels[3]].map((p) => p.targets.map((t) => t.expr)), [
            [success("deployment", "inbound")],
            [success("deployment, dst_deployment", "outbound")],
        ]);
    });

    it("queries only Linkerd proxy metrics from the list, in PromQL that parses", () => {
        const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsOf(t.expr)));
        assert.ok(used.length >= 4);
        for (const name of used) assert.ok(name in linkerdMetrics, `${name} is not a metric the pinned Linkerd proxy exports`);
    });

    it("catches PromQL that does not parse and a metric that is not on the list", () => {
        assert.throws(() => metricsOf("sum(rate(request_total[1m])"), /does not parse/);
        assert.ok(!(metricsOf("rate(istio_requests_total[1m])")[0] in linkerdMetrics));
    });
});

describe("Bookinfo alert rules", () => {
    const groups = bookinfoAlertRules("en");

    it("form a valid PrometheusRule spec whose expressions parse and read only exported metrics", () => {
        assert.deepStrictEqual(groups.map((g) => g.rules.map((r) => r.alert)), [["BookinfoSuccessRateLow", "ProductpageNoReadyEndpoint", "BookinfoServiceNoReadyEndpoint"]]);
        for (const group of groups) {
            for (const rule of group.rules) {
                assert.match(rule.alert, /^[A-Za-z_][A-Za-z0-9_]*$/);
                assert.match(rule.for, /^\d+[smh]$/);
                assert.ok(rule.annotations.summary && rule.annotations.description);
                for (const name of metricsOf(rule.expr)) assert.ok(name in linkerdMetrics || name in kubeStateMetrics, name);
            }
        }
    });
});

describe("verify's queries of the Bookinfo pods", () => {
    it("parse, and read only metrics kube-state-metrics exports", () => {
        const used = Object.values(podQueries).flatMap(metricsOf);
        assert.deepStrictEqual(used, ["kube_pod_info", "kube_pod_status_phase", "kube_pod_deletion_timestamp", "kube_pod_init_container_info", "kube_pod_container_info"]);
        for (const name of used) assert.ok(name in kubeStateMetrics, name);
    });
});

describe("Bookinfo alert rules in the stack's language", () => {
    it("differ between the languages only in their annotations, which keep Prometheus's label references", () => {
        const [en, ko] = [bookinfoAlertRules("en"), bookinfoAlertRules("ko")];
        const withoutAnnotations = (groups: typeof en) => groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, annotations: {} })) }));
        assert.deepStrictEqual(withoutAnnotations(ko), withoutAnnotations(en));
        const labels = (text: string) => [...new Set(text.match(/\{\{ \$labels\.\w+ \}\}/g) ?? [])].sort();
        en[0].rules.forEach((rule, i) => {
            for (const field of ["summary", "description"]) {
                const korean = ko[0].rules[i].annotations[field];
                assert.match(korean, /[가-힣]/, `${rule.alert} ${field}`);
                assert.deepStrictEqual(labels(korean), labels(rule.annotations[field]), `${rule.alert} ${field}`);
            }
        });
    });
});

/**
 * The rules against synthetic series in Prometheus's own rule tester (`promtool test rules`,
 * Debian's prometheus package), with the metric names and labels the pinned Linkerd proxy and
 * kube-state-metrics export.
 */
describe("Bookinfo alert rules in promtool", function () {
    const promtool = spawnSync("promtool", ["--version"]).status === 0;
    let dir = "";
    before(function () {
        if (!promtool && process.env.CI) throw new Error("promtool is missing: .ci/run installs it with Debian's prometheus package");
        if (!promtool) this.skip();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-rules-"));
        fs.writeFileSync(path.join(dir, "rules.yaml"), JSON.stringify({ groups: bookinfoAlertRules("en") }, null, 2));
    });
    after(() => {
        if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
    });

    type Alert = { exp_labels: Record<string, string>; exp_annotations: Record<string, string> };
    type Check = { eval_time: string; alertname: string; exp_alerts: Alert[] };
    type Series = { series: string; values: string };
    type ExprCheck = { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] };
    function promtoolTest(series: Series[], checks: Check[], exprChecks: ExprCheck[] = []): void {
        const file = path.join(dir, "test.yaml");
        const test = { interval: "1m", input_series: series, alert_rule_test: checks, promql_expr_test: exprChecks };
        fs.writeFileSync(file, JSON.stringify({ rule_files: ["rules.yaml"], evaluation_interval: "1m", tests: [test] }, null, 2));
        const result = spawnSync("promtool", ["test", "rules", file], { encoding: "utf8" });
        assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
    }
    const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(", ")}}`;
    /** Minutes of synthetic data: past the hour of the long window. */
    const minutes = 100;

    /** A Bookinfo pod's proxy, as Linkerd's PodMonitor labels its series. */
    const proxy = (deployment: string) => {
        const [app, version] = deployment.split("-");
        return { job: "linkerd/linkerd-proxy", namespace: "bookinfo", pod: `${deployment}-5c9f7b8d4-q2w4e`, deployment, app, version, control_plane_ns: "linkerd", endpoint: "linkerd-admin" };
    };
    /** Responses the pod served (inbound) or got back from `to` (outbound), per minute, or by `values`. */
    const inbound = (deployment: string, perMinute: number, status = "200", values = `0+${perMinute}x${minutes}`): Series => ({
        series: `response_total${labels({ ...proxy(deployment), direction: "inbound", authority: `${deployment.split("-")[0]}:9080`, tls: "true", srv_kind: "default", srv_name: "all-unauthenticated", status_code: status, classification: status < "500" ? "success" : "failure" })}`,
        values,
    });
    const outbound = (deployment: string, to: string, perMinute: number, status = "200", values = `0+${perMinute}x${minutes}`): Series => ({
        series: `response_total${labels({
            ...proxy(deployment), direction: "outbound", authority: `${to.split("-")[0]}.bookinfo.svc.cluster.local:9080`,
            dst_namespace: "bookinfo", dst_deployment: to, dst_service: to.split("-")[0], dst_pod: `${to}-7b6d8f9c5-x8z2k`, dst_serviceaccount: `bookinfo-${to.split("-")[0]}`,
            tls: "true", status_code: status, classification: status < "500" ? "success" : "failure",
        })}`,
        values,
    });
    /** kube-state-metrics' ready replicas of a Deployment, as its ServiceMonitor labels them. */
    const ready = (deployment: string, values: string) => ({
        series: `kube_deployment_status_replicas_ready${labels({ job: "kube-state-metrics", namespace: "bookinfo", deployment, service: "kube-prometheus-stack-kube-state-metrics", endpoint: "http", instance: "10.244.1.9:8080", pod: "kube-prometheus-stack-kube-state-metrics-6b9f8d7c5-m4n7p" })}`,
        values,
    });
    const deployments = ["productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1"];
    const allReady = (except: Record<string, string> = {}) => deployments.filter((d) => !(d in except)).map((d) => ready(d, `1x${minutes}`)).concat(Object.entries(except).map(([d, v]) => ready(d, v)));
    const without = (deployment: string) => allReady().filter((s) => !s.series.includes(`deployment="${deployment}"`));
    /**
     * A healthy chain at the lab's load (one page every 2 seconds, about 110 inbound and 80
     * outbound responses a minute): every hop answered, inbound and outbound.
     */
    const healthyTraffic = [
        inbound("productpage-v1", 30), inbound("details-v1", 30), inbound("reviews-v1", 10), inbound("reviews-v2", 10), inbound("reviews-v3", 10), inbound("ratings-v1", 20),
        outbound("productpage-v1", "details-v1", 30), outbound("productpage-v1", "reviews-v1", 10), outbound("productpage-v1", "reviews-v2", 10), outbound("productpage-v1", "reviews-v3", 10),
        outbound("reviews-v2", "ratings-v1", 10), outbound("reviews-v3", "ratings-v1", 10),
    ];
    const none = (eval_time: string, ...alertnames: string[]): Check[] => alertnames.map((alertname) => ({ eval_time, alertname, exp_alerts: [] }));
    const noneFrom = (from: number, to: number, alertname: string): Check[] => Array.from({ length: to - from + 1 }, (_, i) => none(`${from + i}m`, alertname)).flat();
    const allAlerts = ["BookinfoSuccessRateLow", "ProductpageNoReadyEndpoint", "BookinfoServiceNoReadyEndpoint"];

    const successLow = (direction: string): Alert => ({
        exp_labels: { severity: "warning", direction },
        exp_annotations: {
            summary: `Bookinfo's ${direction} responses are failing fast enough to burn the 99.9% objective's error budget`,
            description: `More than 1.44% of the ${direction} responses of Bookinfo's pods failed over the last hour and over the last 5 minutes, for 10 minutes (Linkerd proxy metrics); outbound means a service behind productpage is failing even if the page still loads.`,
        },
    });
    const fires = (eval_time: string, ...alerts: Alert[]): Check => ({ eval_time, alertname: "BookinfoSuccessRateLow", exp_alerts: alerts });
    const productpageDown: Alert = {
        exp_labels: { severity: "critical" },
        exp_annotations: {
            summary: "productpage has no ready endpoint",
            description: "The productpage-v1 Deployment has had no ready replica, and so the productpage Service no ready endpoint, for 2 minutes: the product page cannot be served.",
        },
    };
    const serviceDown = (app: string): Alert => ({
        exp_labels: { severity: "warning", app },
        exp_annotations: {
            summary: `Bookinfo's ${app} service has no ready endpoint`,
            description: `No Deployment of ${app} has had a ready replica for 2 minutes, or none exists: the product page loads, but says ${app} is unavailable.`,
        },
    });

    it("stay silent while the chain is healthy", () => {
        promtoolTest([...healthyTraffic, ...allReady()], [...none("10m", ...allAlerts), ...none("25m", ...allAlerts), ...none("90m", ...allAlerts)]);
    });

    it("fire when productpage has no ready endpoint, after 2 minutes, and when its Deployment is gone", () => {
        promtoolTest([...healthyTraffic, ...allReady({ "productpage-v1": "0x30" })], [
            ...none("1m", "ProductpageNoReadyEndpoint"),
            { eval_time: "3m", alertname: "ProductpageNoReadyEndpoint", exp_alerts: [productpageDown] },
            ...none("3m", "BookinfoServiceNoReadyEndpoint"),
        ]);
        promtoolTest([...healthyTraffic, ...without("productpage-v1")], [
            { eval_time: "3m", alertname: "ProductpageNoReadyEndpoint", exp_alerts: [productpageDown] },
        ]);
    });

    it("stay silent while productpage has one ready endpoint, and recover when it is back", () => {
        promtoolTest([...healthyTraffic, ...allReady({ "productpage-v1": "1x30" })], none("5m", "ProductpageNoReadyEndpoint"));
        promtoolTest([...healthyTraffic, ...allReady({ "productpage-v1": "0x5 1x25" })], [
            { eval_time: "4m", alertname: "ProductpageNoReadyEndpoint", exp_alerts: [productpageDown] },
            ...none("7m", "ProductpageNoReadyEndpoint"),
        ]);
    });

    it("fire on a dead ratings seen only on the outbound edges, while every page is a 200, after 10 minutes", () => {
        const deadRatings = [
            inbound("productpage-v1", 30), inbound("details-v1", 30), inbound("reviews-v1", 10), inbound("reviews-v2", 10), inbound("reviews-v3", 10),
            outbound("productpage-v1", "details-v1", 30), outbound("productpage-v1", "reviews-v1", 10), outbound("productpage-v1", "reviews-v2", 10), outbound("productpage-v1", "reviews-v3", 10),
            outbound("reviews-v2", "ratings-v1", 10, "503"), outbound("reviews-v3", "ratings-v1", 10, "503"),
        ];
        promtoolTest([...deadRatings, ...allReady()], [...none("10m", "BookinfoSuccessRateLow"), fires("11m", successLow("outbound")), fires("30m", successLow("outbound"))]);
    });

    it("catch a ratings with no pod at all, which leaves no series behind it, by its endpoints, not by the success rate", () => {
        // No ratings pod: no inbound series of its own, no outbound series with its dst_deployment.
        const noRatings = healthyTraffic.filter((s) => !s.series.includes('deployment="ratings-v1"'));
        for (const readiness of [allReady({ "ratings-v1": `0x${minutes}` }), without("ratings-v1")]) {
            promtoolTest([...noRatings, ...readiness], [
                ...none("1m", "BookinfoServiceNoReadyEndpoint"),
                { eval_time: "3m", alertname: "BookinfoServiceNoReadyEndpoint", exp_alerts: [serviceDown("ratings")] },
                ...none("30m", "BookinfoSuccessRateLow", "ProductpageNoReadyEndpoint"),
            ]);
        }
    });

    it("fire when every outbound call fails and no success was ever recorded", () => {
        promtoolTest([inbound("productpage-v1", 30), outbound("productpage-v1", "details-v1", 30, "503"), ...allReady()], [...none("10m", "BookinfoSuccessRateLow"), fires("11m", successLow("outbound"))]);
    });

    it("fire on a dead details seen only on productpage's outbound edge", () => {
        const deadDetails = healthyTraffic.filter((s) => !s.series.includes('deployment="details-v1"') && !s.series.includes('dst_deployment="details-v1"'))
            .concat([outbound("productpage-v1", "details-v1", 30, "502")]);
        promtoolTest([...deadDetails, ...allReady()], [fires("11m", successLow("outbound"))]);
    });

    it("stay silent through a cold start's failures at the start of the lab, and a later burst shorter than 5 minutes", () => {
        // The first 2 minutes (the check's warm-up at most): productpage's calls to reviews-v1 fail.
        const coldStart = [...healthyTraffic, outbound("productpage-v1", "reviews-v1", 10, "504", "0+10x2 20x98"), inbound("reviews-v1", 10, "500", "0+10x2 20x98")];
        promtoolTest([...coldStart, ...allReady()], noneFrom(1, 60, "BookinfoSuccessRateLow"));
        // An hour in, details fails every call for 4 minutes.
        const burst = [...healthyTraffic, outbound("productpage-v1", "details-v1", 30, "502", "0x59 0+30x4 120x36")];
        promtoolTest([...burst, ...allReady()], noneFrom(55, 99, "BookinfoSuccessRateLow"));
    });

    it("fire on a failure that starts an hour in and lasts, once it has filled the hour's window enough and lasted 10 minutes", () => {
        // From 60 minutes on, details fails every call: 30 of productpage's 110 outbound calls a minute.
        const lasting = [...healthyTraffic, outbound("productpage-v1", "details-v1", 30, "502", "0x59 0+30x40")];
        promtoolTest([...lasting, ...allReady()], [...noneFrom(55, 72, "BookinfoSuccessRateLow"), fires("73m", successLow("outbound")), fires("99m", successLow("outbound"))]);
    });

    it("fire just above 1.44% failures (14.4 times the 99.9% budget) and not just below, in either direction", () => {
        const mix = (direction: "inbound" | "outbound", success: number, failure: number) => direction === "inbound"
            ? [inbound("details-v1", success), inbound("details-v1", failure, "500")]
            : [outbound("productpage-v1", "details-v1", success), outbound("productpage-v1", "details-v1", failure, "500")];
        for (const direction of ["inbound", "outbound"] as const) {
            const other = direction === "inbound" ? outbound("productpage-v1", "details-v1", 30) : inbound("details-v1", 30);
            promtoolTest([...mix(direction, 9855, 145), other, ...allReady()], [fires("11m", successLow(direction)), fires("90m", successLow(direction))]);
            promtoolTest([...mix(direction, 9857, 143), other, ...allReady()], [...none("11m", "BookinfoSuccessRateLow"), ...none("90m", "BookinfoSuccessRateLow")]);
        }
    });

    it("fire when a service behind productpage has no ready endpoint, not while one version of it is ready", () => {
        promtoolTest([...healthyTraffic, ...allReady({ "ratings-v1": "0x30", "reviews-v1": "0x30", "reviews-v3": "0x30" })], [
            ...none("1m", "BookinfoServiceNoReadyEndpoint"),
            { eval_time: "3m", alertname: "BookinfoServiceNoReadyEndpoint", exp_alerts: [serviceDown("ratings")] },
            ...none("3m", "ProductpageNoReadyEndpoint"),
        ]);
    });

    it("fire when a backend's Deployments, and so their series, are gone", () => {
        promtoolTest([...healthyTraffic, ...without("details-v1")], [
            ...none("1m", "BookinfoServiceNoReadyEndpoint"),
            { eval_time: "3m", alertname: "BookinfoServiceNoReadyEndpoint", exp_alerts: [serviceDown("details")] },
        ]);
        const noReviews = allReady().filter((s) => !s.series.includes('deployment="reviews-'));
        promtoolTest([...healthyTraffic, ...noReviews], [{ eval_time: "3m", alertname: "BookinfoServiceNoReadyEndpoint", exp_alerts: [serviceDown("reviews")] }]);
    });

    it("show a success rate of 0, not nothing, for a deployment or an edge with no success, and 1 for one with no failure", () => {
        const [inboundPanel, outboundPanel] = [dashboard.panels[1], dashboard.panels[3]].map((p) => p.targets[0].expr);
        const series = [
            inbound("details-v1", 30), inbound("ratings-v1", 20, "500"), inbound("reviews-v2", 9), inbound("reviews-v2", 1, "503"),
            outbound("productpage-v1", "details-v1", 30), outbound("productpage-v1", "reviews-v1", 10, "504"),
        ];
        promtoolTest(series, [], [
            { expr: inboundPanel, eval_time: "10m", exp_samples: [{ labels: '{deployment="details-v1"}', value: 1 }, { labels: '{deployment="ratings-v1"}', value: 0 }, { labels: '{deployment="reviews-v2"}', value: 0.9 }] },
            { expr: outboundPanel, eval_time: "10m", exp_samples: [
                { labels: '{deployment="productpage-v1", dst_deployment="details-v1"}', value: 1 },
                { labels: '{deployment="productpage-v1", dst_deployment="reviews-v1"}', value: 0 },
            ] },
        ]);
    });

    it("pass promtool check rules", () => {
        const result = spawnSync("promtool", ["check", "rules", path.join(dir, "rules.yaml")], { encoding: "utf8" });
        assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
        assert.match(result.stdout, /SUCCESS: 3 rules found/);
    });
});
