import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { bookinfoAlertRules } from "../../lib/alerts";
import { proxyScrapeJob } from "../../lib/linkerdMetrics";
import { changedPanels, Dashboard, durationSeconds, expectedAlerts, grafanaExpr, missingAlerts, panelQueries, podsOf, shippedDashboard, unmeshedPods, unscrapedPods } from "../../lib/platformChecks";

const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "dashboards", "bookinfo.json"), "utf8")) as Dashboard;
const datasource = { uid: "prometheus", scrapeSeconds: 30 };

describe("platform checks (what their answers mean)", () => {
    it("names the running pods without the proxy, each pod once", () => {
        const series = (pods: string[]) => pods.map((pod) => ({ metric: { pod, container: "linkerd-proxy" } }));
        assert.deepStrictEqual(podsOf([...series(["b", "a"]), ...series(["a"]), { metric: {} }]), ["a", "b"]);
        assert.deepStrictEqual(unmeshedPods(["a", "b", "c"], ["a", "c", "gone"]), ["b"]);
        assert.deepStrictEqual(unmeshedPods(["a", "b"], ["a", "b"]), []);
    });

    it("wants a target of the proxies' job in bookinfo that is up for each running pod, and names what lacks one", () => {
        const target = (pod: string, health: string, over: Record<string, string> = {}, lastError = "") => ({ labels: { job: proxyScrapeJob, namespace: "bookinfo", pod, ...over }, health, lastError });
        assert.deepStrictEqual(unscrapedPods(["a", "b"], [target("a", "up"), target("b", "up")]), []);
        assert.deepStrictEqual(unscrapedPods(["a", "b", "c", "d", "e"], [
            target("a", "up"),
            target("b", "down", {}, 'Get "http://10.0.1.7:4191/metrics": connection refused'),
            target("c", "unknown"),
            target("d", "up", { job: "linkerd/linkerd-controller" }),
            target("e", "up", { namespace: "linkerd" }),
        ]), ['b (Get "http://10.0.1.7:4191/metrics": connection refused)', "c (unknown)", "d", "e"]);
        // Two targets of one pod (a restart): one up is enough.
        assert.deepStrictEqual(unscrapedPods(["a"], [target("a", "down", {}, "gone"), target("a", "up")]), []);
        assert.strictEqual(proxyScrapeJob, "linkerd/linkerd-proxy", "the PodMonitor linkerd-proxy in the namespace components/mesh.ts installs Linkerd in");
    });

    it("expects every alert rule lib/alerts.ts declares, by group, and names those not loaded", () => {
        const declared = bookinfoAlertRules("en");
        assert.deepStrictEqual(expectedAlerts(), declared.flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`)));
        assert.deepStrictEqual(expectedAlerts(), bookinfoAlertRules("ko").flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`)), "the names do not depend on the language");
        const loaded = declared.map((g) => ({ name: g.name, file: "/etc/prometheus/rules/monitoring-bookinfo.yaml", rules: g.rules.map((r) => ({ name: r.alert, type: "alerting", health: "ok" })) }));
        assert.deepStrictEqual(missingAlerts(loaded), []);
        const [first, ...rest] = declared[0].rules;
        assert.deepStrictEqual(missingAlerts([{ name: declared[0].name, rules: [{ name: first.alert, type: "recording" }, ...rest.map((r) => ({ name: r.alert, type: "alerting" }))] }]), [`${declared[0].name}/${first.alert}`]);
        assert.deepStrictEqual(missingAlerts([{ name: "another-group", rules: loaded[0].rules }]), expectedAlerts());
        assert.deepStrictEqual(missingAlerts([]), expectedAlerts());
    });

    it("reads the shipped dashboard's queries, each with its panel's title", () => {
        assert.deepStrictEqual(shippedDashboard(), shipped);
        assert.deepStrictEqual(panelQueries(shipped).map((q) => [q.panel, q.refId]), [
            ["Request rate per deployment (inbound, req/s)", "A"],
            ["Success rate per deployment (inbound)", "A"],
            ["Latency p50 / p95 / p99 per deployment (inbound, ms)", "A"],
            ["Latency p50 / p95 / p99 per deployment (inbound, ms)", "B"],
            ["Latency p50 / p95 / p99 per deployment (inbound, ms)", "C"],
            ["Success rate per edge (outbound: deployment → the service it calls)", "A"],
        ]);
    });

    it("reads the queries of a collapsed row's panels, and leaves out hidden ones and other datasources' panels", () => {
        const dashboard: Dashboard = {
            panels: [
                { title: "Row", panels: [{ title: "Inside", datasource: { type: "prometheus" }, targets: [{ refId: "A", expr: "up" }, { refId: "B", expr: "down", hide: true }] }] },
                { title: "Notes", datasource: { type: "loki" }, targets: [{ refId: "A", expr: '{app="x"}' }] },
                { title: "Text", targets: [{ refId: "A", expr: " " }] },
                { title: "Old style", datasource: "Prometheus", targets: [{ refId: "A", expr: "up" }] },
            ],
        };
        assert.deepStrictEqual(panelQueries(dashboard), [{ panel: "Inside", refId: "A", expr: "up" }, { panel: "Old style", refId: "A", expr: "up" }]);
    });

    it("names the panels whose queries the live dashboard does not have as shipped; Grafana's own fields do not count", () => {
        const live = { ...shipped, id: 7, version: 3, panels: shipped.panels?.map((p) => ({ ...p, gridPos: { h: 1, w: 1, x: 0, y: 0 } })) };
        assert.deepStrictEqual(changedPanels(live, shipped), []);
        const [first, second, ...others] = shipped.panels ?? [];
        const edited = { ...shipped, panels: [{ ...first, targets: [{ refId: "A", expr: "vector(1)" }] }, ...others] };
        assert.deepStrictEqual(changedPanels(edited, shipped), [first.title, second.title]);
        assert.deepStrictEqual(changedPanels({}, shipped), (shipped.panels ?? []).map((p) => p.title));
    });

    it("substitutes Grafana's variables as Grafana would for the dashboard's default range", () => {
        const dashboard: Dashboard = {
            time: { from: "now-6h" },
            templating: { list: [
                { name: "datasource", type: "datasource", current: { value: "ignored" } },
                { name: "ns", type: "custom", current: { value: "bookinfo" } },
                { name: "app", type: "query", current: { value: ["details", "ratings"] } },
                { name: "all", type: "query", current: { value: ["$__all"] } },
            ] },
        };
        const expr = 'rate(x{ns="$ns", app=~"${app}", any=~"[[all]]", ds="${datasource}"}[$__rate_interval]) / $__interval_ms + $__range_s + sum_over_time(y[$__range]) + z[$__interval] + $__range_ms + $unknown';
        assert.strictEqual(grafanaExpr(expr, dashboard, datasource), 'rate(x{ns="bookinfo", app=~"details|ratings", any=~".*", ds="prometheus"}[120s]) / 30000 + 21600 + sum_over_time(y[21600s]) + z[30s] + 21600000 + $unknown');
        assert.strictEqual(grafanaExpr("rate(x[$__rate_interval]) + $__range_s", {}, { uid: "p", scrapeSeconds: 15 }), "rate(x[60s]) + 3600", "no time range: an hour");
        for (const q of panelQueries(shipped)) assert.strictEqual(grafanaExpr(q.expr, shipped, datasource), q.expr, "the shipped queries need no substitution");
    });

    it("reads durations as Grafana and Prometheus write them, and nothing else", () => {
        assert.deepStrictEqual(["30s", "1m", "1h", "2d", "500ms", " 15s ", "", "1h30m", "30", undefined].map(durationSeconds), [30, 60, 3600, 172800, 0.5, 15, undefined, undefined, undefined, undefined]);
    });
});
