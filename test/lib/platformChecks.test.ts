import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bookinfoAlertRules } from "../../lib/alerts";
import { proxyPodMonitor, proxyScrapeJob, proxyScrapePool } from "../../lib/linkerdMetrics";
import { alertRuleProblems, changedPanels, Dashboard, dashboardVariables, dsQueryBody, expectedAlerts, hasData, panelQueries, podQueries, podsOf, readDashboard, shippedDashboard, unmeshedPods, unscrapedPods } from "../../lib/platformChecks";

const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "dashboards", "bookinfo.json"), "utf8")) as Dashboard;

describe("platform checks (what their answers mean)", () => {
    it("names the running pods without the proxy, each pod once", () => {
        const series = (pods: string[]) => pods.map((pod) => ({ metric: { pod, container: "linkerd-proxy" } }));
        assert.deepStrictEqual(podsOf([...series(["b", "a"]), ...series(["a"]), { metric: {} }]), ["a", "b"]);
        assert.deepStrictEqual(unmeshedPods(["a", "b", "c"], ["a", "c", "gone"]), ["b"]);
        assert.deepStrictEqual(unmeshedPods(["a", "b"], ["a", "b"]), []);
    });

    it("counts an init container as the proxy only when it is a native sidecar (restart_policy Always)", () => {
        assert.match(podQueries.meshed, /^kube_pod_init_container_info\{namespace="bookinfo", container="linkerd-proxy", restart_policy="Always"\} or kube_pod_container_info\{namespace="bookinfo", container="linkerd-proxy"\}$/);
    });

    it("wants a target of the proxies' job in bookinfo that is up for each running pod, and names what lacks one", () => {
        const target = (pod: string, health: string, over: Record<string, string> = {}, lastError = "") => ({ labels: { job: proxyScrapeJob, namespace: "bookinfo", pod, ...over }, health, lastError });
        assert.deepStrictEqual(unscrapedPods(["a", "b"], [target("a", "up"), target("b", "up")]), { missing: [], pending: [] });
        assert.deepStrictEqual(unscrapedPods(["a", "b", "c", "d", "e", "f"], [
            target("a", "up"),
            target("b", "down", {}, 'Get "http://10.0.1.7:4191/metrics": connection refused'),
            target("c", "unknown"),
            target("d", "up", { job: "linkerd/linkerd-controller" }),
            target("e", "up", { namespace: "linkerd" }),
            target("f", "unknown"), target("f", "down", {}, "gone"),
        ]), { missing: ['b (Get "http://10.0.1.7:4191/metrics": connection refused)', "d", "e", "f (gone)"], pending: ["c"] });
        // Two targets of one pod (a restart): one up is enough.
        assert.deepStrictEqual(unscrapedPods(["a"], [target("a", "down", {}, "gone"), target("a", "up")]), { missing: [], pending: [] });
        assert.deepStrictEqual([proxyPodMonitor, proxyScrapeJob, proxyScrapePool], [{ namespace: "linkerd", name: "linkerd-proxy" }, "linkerd/linkerd-proxy", "podMonitor/linkerd/linkerd-proxy/0"], "the PodMonitor linkerd-proxy in the namespace components/mesh.ts installs Linkerd in");
    });

    it("expects every alert rule lib/alerts.ts declares, by group, and names those not loaded", () => {
        const declared = bookinfoAlertRules("en");
        assert.deepStrictEqual(expectedAlerts(), declared.flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`)));
        assert.deepStrictEqual(expectedAlerts(), bookinfoAlertRules("ko").flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`)), "the names do not depend on the language");
        const loaded = declared.map((g) => ({ name: g.name, file: "/etc/prometheus/rules/monitoring-bookinfo.yaml", rules: g.rules.map((r) => ({ name: r.alert, type: "alerting", health: "ok" })) }));
        const none = { missing: [], failing: [], pending: [] };
        assert.deepStrictEqual(alertRuleProblems(loaded), none);
        const [first, ...rest] = declared[0].rules;
        const alert = `${declared[0].name}/${first.alert}`;
        assert.deepStrictEqual(alertRuleProblems([{ name: declared[0].name, rules: [{ name: first.alert, type: "recording" }, ...rest.map((r) => ({ name: r.alert, type: "alerting" }))] }]).missing, [alert]);
        assert.deepStrictEqual(alertRuleProblems([{ name: "another-group", rules: loaded[0].rules }]), { ...none, missing: expectedAlerts() });
        assert.deepStrictEqual(alertRuleProblems([]), { ...none, missing: expectedAlerts() });
        // Evaluated with an error (named, redacted), and not evaluated yet.
        const health = (h: string, lastError = "") => [{ ...loaded[0], rules: [{ ...loaded[0].rules[0], health: h, lastError }, ...loaded[0].rules.slice(1)] }, ...loaded.slice(1)];
        assert.deepStrictEqual(alertRuleProblems(health("err", 'query processing would load too many samples; remote read with Bearer abcdefghijklmnop')), { ...none, failing: [`${alert} (query processing would load too many samples; remote read with Bearer [redacted])`] });
        assert.deepStrictEqual(alertRuleProblems(health("err")), { ...none, failing: [`${alert} (err)`] });
        assert.deepStrictEqual(alertRuleProblems(health("unknown")), { ...none, pending: [alert] });
    });

    it("reads the shipped dashboard's queries, each with its panel's title, its datasource, and whether it is the request rate", () => {
        assert.deepStrictEqual(shippedDashboard(), { dashboard: shipped });
        assert.deepStrictEqual(panelQueries(shipped).map((q) => [q.panel, q.refId, q.datasource, q.requestRate]), [
            ["Request rate per deployment (inbound, req/s)", "A", "${datasource}", true],
            ["Success rate per deployment (inbound)", "A", "${datasource}", false],
            ["Latency p50 / p95 / p99 per deployment (inbound, ms)", "A", "${datasource}", false],
            ["Latency p50 / p95 / p99 per deployment (inbound, ms)", "B", "${datasource}", false],
            ["Latency p50 / p95 / p99 per deployment (inbound, ms)", "C", "${datasource}", false],
            ["Success rate per edge (outbound: deployment → the service it calls)", "A", "${datasource}", false],
        ]);
    });

    it("makes a missing or broken dashboard file a reason, never a throw", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-"));
        const file = (name: string, text: string) => {
            fs.writeFileSync(path.join(dir, name), text);
            return path.join(dir, name);
        };
        assert.deepStrictEqual(readDashboard(file("ok.json", JSON.stringify({ uid: "u", panels: [] }))), { dashboard: { uid: "u", panels: [] } });
        assert.deepStrictEqual(readDashboard(file("partial.json", '{"uid": "u"}')), { problem: "no uid or no panels" });
        assert.deepStrictEqual(readDashboard(file("null.json", "null")), { problem: "no uid or no panels" });
        assert.match((readDashboard(file("broken.json", "{")) as { problem: string }).problem, /JSON/);
        assert.match((readDashboard(path.join(dir, "gone.json")) as { problem: string }).problem, /^ENOENT: no such file or directory/);
        fs.rmSync(dir, { recursive: true });
    });

    it("reads the queries of a collapsed row's panels, each with its own datasource else its panel's, and leaves out hidden ones and other datasources' queries", () => {
        const prometheus = { type: "prometheus", uid: "p" };
        const dashboard: Dashboard = {
            panels: [
                { title: "Row", panels: [{ title: "Inside", datasource: prometheus, targets: [{ refId: "A", expr: "up" }, { refId: "B", expr: "down", hide: true }] }] },
                { title: "Notes", datasource: { type: "loki" }, targets: [{ refId: "A", expr: '{app="x"}' }] },
                { title: "Text", targets: [{ refId: "A", expr: " " }] },
                { title: "Old style", datasource: "Prometheus", targets: [{ refId: "A", expr: "sum(rate(request_total[1m]))" }] },
                { title: "Own", datasource: { type: "loki" }, targets: [{ refId: "A", expr: "up", datasource: prometheus }, { refId: "B", expr: '{app="x"}' }] },
                { title: "Mixed", datasource: { type: "datasource", uid: "-- Mixed --" }, targets: [{ refId: "A", expr: "up", datasource: prometheus }, { refId: "B", expr: '{app="x"}', datasource: { type: "loki", uid: "l" } }, { refId: "C", expr: "up" }] },
            ],
        };
        const query = (panel: string, refId: string, expr: string, datasource?: string) => ({ panel, refId, expr, ...(datasource === undefined ? {} : { datasource }), requestRate: false });
        assert.deepStrictEqual(panelQueries(dashboard), [
            query("Inside", "A", "up", "p"),
            { ...query("Old style", "A", "sum(rate(request_total[1m]))"), requestRate: true },
            query("Own", "A", "up", "p"),
            query("Mixed", "A", "up", "p"),
            query("Mixed", "C", "up"),
        ]);
    });

    it("names the panels whose queries the live dashboard does not have as shipped; Grafana's own fields do not count", () => {
        const live = { ...shipped, id: 7, version: 3, panels: shipped.panels?.map((p) => ({ ...p, gridPos: { h: 1, w: 1, x: 0, y: 0 } })) };
        assert.deepStrictEqual(changedPanels(live, shipped), []);
        const [first, second, ...others] = shipped.panels ?? [];
        const edited = { ...shipped, panels: [{ ...first, targets: [{ refId: "A", expr: "vector(1)" }] }, ...others] };
        assert.deepStrictEqual(changedPanels(edited, shipped), [first.title, second.title]);
        assert.deepStrictEqual(changedPanels({}, shipped), (shipped.panels ?? []).map((p) => p.title));
    });

    it("substitutes only the dashboard's own variables, leaving Grafana's built-ins to Grafana", () => {
        const dashboard: Dashboard = {
            templating: { list: [
                { name: "datasource", type: "datasource", current: { value: "ignored" } },
                { name: "ns", type: "custom", current: { value: "bookinfo" } },
                { name: "app", type: "query", current: { value: ["details", "ratings"] } },
                { name: "all", type: "query", current: { value: ["$__all"] } },
            ] },
        };
        const expr = 'rate(x{ns="$ns", app=~"${app}", any=~"[[all]]", ds="${datasource}"}[$__rate_interval]) / $__interval_ms + $__range_s + $unknown';
        assert.strictEqual(dashboardVariables(expr, dashboard, "prometheus"), 'rate(x{ns="bookinfo", app=~"details|ratings", any=~".*", ds="prometheus"}[$__rate_interval]) / $__interval_ms + $__range_s + $unknown');
    });

    it("asks a panel's query of Grafana as an instant query of its datasource over the last hour", () => {
        const [request] = panelQueries(shipped);
        assert.deepStrictEqual(dsQueryBody(request, shipped, "prom-uid"), { from: "now-1h", to: "now", queries: [{ refId: "A", datasource: { type: "prometheus", uid: "prom-uid" }, expr: request.expr, instant: true, range: false }] });
        const own = { panel: "P", refId: "B", expr: 'up{ns="$ns"}', datasource: "other", requestRate: false };
        const dashboard: Dashboard = { templating: { list: [{ name: "ns", type: "custom", current: { value: "bookinfo" } }] } };
        assert.deepStrictEqual(dsQueryBody(own, dashboard, "prom-uid").queries, [{ refId: "B", datasource: { type: "prometheus", uid: "other" }, expr: 'up{ns="bookinfo"}', instant: true, range: false }]);
        assert.deepStrictEqual(dsQueryBody({ ...own, datasource: undefined }, dashboard, "prom-uid").queries[0].datasource, { type: "prometheus", uid: "prom-uid" });
    });

    it("sees data in a query's frames only in a finite number, above zero for a request rate", () => {
        const frames = (...values: (number | null)[]) => ({ frames: values.map((v) => ({ schema: { fields: [{ name: "Time", type: "time" }, { name: "Value", type: "number" }] }, data: { values: [[1764465600000], [v]] } })) });
        const cases = [frames(0.5), frames(0), frames(null), frames(null, 0), frames(), {}, frames(null, 2)];
        assert.deepStrictEqual(cases.map((result) => [hasData(result, false), hasData(result, true)]), [[true, true], [true, false], [false, false], [true, false], [false, false], [false, false], [true, true]]);
        // A time alone (a number in a time field) is no data.
        assert.strictEqual(hasData({ frames: [{ schema: { fields: [{ type: "time" }] }, data: { values: [[1764465600000]] } }] }, false), false);
    });
});
