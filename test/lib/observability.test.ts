import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";
import { bookinfoAlertRules } from "../../lib/alerts";
import { kubeStateMetrics, linkerdMetrics } from "../../lib/linkerdMetrics";

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
    const groups = bookinfoAlertRules();

    it("form a valid PrometheusRule spec whose expressions parse", () => {
        assert.ok(groups.length > 0);
        for (const group of groups) {
            assert.match(group.name, /\S/);
            for (const rule of group.rules) {
                assert.match(rule.alert, /^[A-Za-z_][A-Za-z0-9_]*$/);
                assert.match(rule.for, /^\d+[smh]$/);
                assert.ok(rule.annotations.summary && rule.annotations.description);
                for (const name of metricsOf(rule.expr)) assert.ok(name in linkerdMetrics || name in kubeStateMetrics, name);
            }
        }
    });

    it("alert below the field reports' 99.9% availability and when productpage has no ready endpoint", () => {
        const rules = Object.fromEntries(groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
        assert.match(rules.BookinfoSuccessRateLow.expr, /classification="success".*< 0\.999$/);
        assert.match(rules.ProductpageNoReadyEndpoint.expr, /endpoint="productpage", ready="true"/);
    });
});
