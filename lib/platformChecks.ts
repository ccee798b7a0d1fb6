/**
 * What a real cluster makes checkable through Grafana's HTTP API, from outside, with the admin
 * password alone (no kubectl): the Linkerd proxy in every Bookinfo pod, Prometheus's targets
 * for those proxies, the Bookinfo dashboard's panels returning data, and the alert rules this
 * program declares, loaded. The pure half: the queries, and what their answers mean; lib/probe.ts
 * asks them.
 */
import * as fs from "fs";
import * as path from "path";
import { bookinfoAlertRules } from "./alerts";
import { proxyScrapeJob } from "./linkerdMetrics";
import { bookinfoNamespace } from "./versions";
import { errorLine, serverText } from "./redact";

const namespace = bookinfoNamespace;

/** kube-state-metrics' view of the Bookinfo pods, as instant queries whose series carry a `pod` label. */
export const podQueries = {
    /**
     * The running pods of Bookinfo's Deployments (owned by their ReplicaSets: not a traffic-check
     * Job's), not being deleted: the pods the traffic check also requires to be meshed.
     */
    running: `kube_pod_info{namespace="${namespace}", created_by_kind="ReplicaSet"} and on (namespace, pod) (kube_pod_status_phase{namespace="${namespace}", phase="Running"} == 1) unless on (namespace, pod) kube_pod_deletion_timestamp{namespace="${namespace}"}`,
    /**
     * The pods with the Linkerd proxy: a native sidecar (an init container restarted Always, that
     * keeps running: not one that ran and ended), or a container.
     */
    meshed: `kube_pod_init_container_info{namespace="${namespace}", container="linkerd-proxy", restart_policy="Always"} or kube_pod_container_info{namespace="${namespace}", container="linkerd-proxy"}`,
} as const;

/** A series of a Prometheus instant query's answer. */
export interface Series {
    metric: Record<string, string>;
}

/** The distinct `pod` labels of a query's series, sorted. */
export const podsOf = (series: Series[]): string[] => [...new Set(series.map((s) => s.metric.pod).filter((p) => typeof p === "string"))].sort();

/** The running pods without the proxy. */
export const unmeshedPods = (running: string[], meshed: string[]): string[] => running.filter((pod) => !meshed.includes(pod));

/** One of Prometheus's active targets, as `/api/v1/targets` lists it. */
export interface ScrapeTarget {
    labels?: Record<string, string>;
    health?: string;
    lastError?: string;
}

/**
 * The running pods whose Linkerd proxy Prometheus does not scrape with success. `missing`: `pod`
 * when no target of the proxies' job names it, `pod (lastError)` when its targets are down;
 * `pending`: the pods whose targets are not scraped yet (health `unknown`: a new pod), which a
 * later attempt may see up.
 */
export function unscrapedPods(running: string[], targets: ScrapeTarget[]): { missing: string[]; pending: string[] } {
    const proxies = targets.filter((t) => t.labels?.job === proxyScrapeJob && t.labels.namespace === namespace);
    const missing: string[] = [];
    const pending: string[] = [];
    for (const pod of running) {
        const own = proxies.filter((t) => t.labels?.pod === pod);
        const scraped = own.filter((t) => t.health !== "unknown");
        if (own.some((t) => t.health === "up")) continue;
        if (own.length === 0) missing.push(pod);
        else if (scraped.length === 0) pending.push(pod);
        else missing.push(`${pod} (${scraped.map((t) => serverText(t.lastError || t.health || "no health")).join("; ")})`);
    }
    return { missing, pending };
}

/** The alert rules this program declares (lib/alerts.ts), as `group/alert`. */
export const expectedAlerts = (): string[] => bookinfoAlertRules("en").flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`));

/** The rule groups of Prometheus's `/api/v1/rules`. */
export interface RuleGroup {
    name?: string;
    rules?: { name?: string; type?: string; health?: string; lastError?: string }[];
}

/**
 * The declared alert rules as Prometheus has them: `missing`, not loaded; `failing`, whose last
 * evaluation failed (health `err`), as `group/alert (lastError)`, redacted; `pending`, loaded but
 * not evaluated yet (health `unknown`).
 */
export function alertRuleProblems(groups: RuleGroup[]): { missing: string[]; failing: string[]; pending: string[] } {
    type Rule = NonNullable<RuleGroup["rules"]>[number];
    const loaded = new Map<string, Rule>(groups.flatMap((g) => (g.rules ?? []).filter((r) => r.type === "alerting").map((r): [string, Rule] => [`${g.name}/${r.name}`, r])));
    const expected = expectedAlerts();
    const found = expected.flatMap((alert) => {
        const rule = loaded.get(alert);
        return rule === undefined ? [] : [{ alert, rule }];
    });
    return {
        missing: expected.filter((alert) => !loaded.has(alert)),
        failing: found.filter(({ rule }) => rule.health === "err").map(({ alert, rule }) => `${alert} (${serverText(rule.lastError ?? "") || "err"})`),
        pending: found.filter(({ rule }) => rule.health === "unknown").map(({ alert }) => alert),
    };
}

/** A datasource as a dashboard names it. */
interface DatasourceRef {
    type?: string;
    uid?: string;
}

/** The parts of a Grafana dashboard the check reads. */
export interface Dashboard {
    uid?: string;
    templating?: { list?: { name?: string; type?: string; current?: { value?: unknown } }[] };
    panels?: Panel[];
}
interface Panel {
    title?: string;
    datasource?: DatasourceRef | string | null;
    targets?: { refId?: string; expr?: string; hide?: boolean; datasource?: DatasourceRef | null }[];
    /** A collapsed row's panels. */
    panels?: Panel[];
}

/** The uid of Grafana's `-- Mixed --` datasource: each of the panel's queries names its own. */
export const mixedDatasource = "-- Mixed --";

/** The shipped dashboard's file, relative to the repository (and to dist/). */
export const dashboardFile = path.join("dashboards", "bookinfo.json");

/** The dashboard this program ships, or why it cannot be read. */
export type ShippedDashboard = { dashboard: Dashboard } | { problem: string };

/** A dashboard file: its dashboard when it is JSON with a uid and a list of panels, else why not. */
export function readDashboard(file: string): ShippedDashboard {
    let dashboard: Dashboard;
    try {
        dashboard = JSON.parse(fs.readFileSync(file, "utf8")) as Dashboard;
    } catch (err) {
        return { problem: errorLine((err as Error).message) };
    }
    if (typeof dashboard?.uid !== "string" || dashboard.uid === "" || !Array.isArray(dashboard.panels)) return { problem: "no uid or no panels" };
    return { dashboard };
}

/** The Bookinfo dashboard this program ships (components/monitoring.ts provisions it), from lib/ or from the compiled dist/lib/. */
export function shippedDashboard(): ShippedDashboard {
    const files = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].map((dir) => path.join(dir, dashboardFile));
    return readDashboard(files.find((f) => fs.existsSync(f)) ?? files[0]);
}

/**
 * One query of a panel: the panel's title, the target's refId, its expression as written, its
 * datasource's uid as written (absent: the default one), and whether it is a request rate (a
 * `rate` of the proxies' `request_total`), whose panel shows traffic only above zero.
 */
export interface PanelQuery {
    panel: string;
    refId: string;
    expr: string;
    datasource?: string;
    requestRate: boolean;
}

const isRef = (value: unknown): value is DatasourceRef => typeof value === "object" && value !== null;

/**
 * Every Prometheus query of a dashboard's panels (those of collapsed rows too), hidden ones left
 * out: a query's datasource is its own, else its panel's (but `-- Mixed --`'s, which names none).
 */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
    const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
    return panels.flatMap((p) => {
        const panelRef = isRef(p.datasource) && p.datasource.uid !== mixedDatasource ? p.datasource : undefined;
        return (p.targets ?? []).flatMap((t) => {
            const ref = isRef(t.datasource) ? t.datasource : panelRef;
            if (ref?.type !== undefined && ref.type !== "prometheus") return [];
            if (t.hide === true || typeof t.expr !== "string" || t.expr.trim() === "") return [];
            return [{ panel: p.title ?? "", refId: t.refId ?? "", expr: t.expr, ...(ref?.uid === undefined ? {} : { datasource: ref.uid }), requestRate: /\brate\(\s*request_total\b/.test(t.expr) }];
        });
    });
}

/** The panels of the shipped dashboard whose queries the live one does not have as written. */
export function changedPanels(live: Dashboard, shipped: Dashboard): string[] {
    const key = (q: PanelQuery) => `${q.panel}\n${q.refId}\n${q.expr}`;
    const liveKeys = new Set(panelQueries(live).map(key));
    return [...new Set(panelQueries(shipped).filter((q) => !liveKeys.has(key(q))).map((q) => q.panel))];
}

/**
 * Text with the dashboard's own variables replaced, in each of Grafana's syntaxes, as Grafana's
 * front end does before it sends a query (a datasource variable is the datasource's uid; another,
 * its current value, `$__all` as `.*`). Grafana's built-in variables (`$__rate_interval`, …) are
 * left for Grafana to expand, as `/api/ds/query` does.
 */
export function dashboardVariables(text: string, dashboard: Dashboard, datasourceUid: string): string {
    const variables = new Map((dashboard.templating?.list ?? []).map((v) => {
        const current = v.current?.value;
        const values = (Array.isArray(current) ? current : [current]).map(String);
        return [v.name ?? "", v.type === "datasource" ? datasourceUid : values.includes("$__all") ? ".*" : values.join("|")];
    }));
    return text.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, braced?: string, bracketed?: string, plain?: string) => variables.get(braced ?? bracketed ?? plain ?? "") ?? whole);
}

/** The time range a panel's query is asked over: the shipped dashboard's default. */
export const queryRange = { from: "now-1h", to: "now" } as const;

/** A panel's query as Grafana's `POST /api/ds/query` takes it: an instant query of its datasource (the healthy Prometheus one unless it names another). */
export function dsQueryBody(query: PanelQuery, dashboard: Dashboard, datasourceUid: string): { from: string; to: string; queries: Record<string, unknown>[] } {
    const uid = query.datasource === undefined ? datasourceUid : dashboardVariables(query.datasource, dashboard, datasourceUid);
    return { ...queryRange, queries: [{ refId: query.refId, datasource: { type: "prometheus", uid }, expr: dashboardVariables(query.expr, dashboard, datasourceUid), instant: true, range: false }] };
}

/** One refId's result in `/api/ds/query`'s answer: data frames, or an error. */
export interface DsQueryResult {
    status?: number;
    error?: string;
    frames?: { schema?: { fields?: { type?: string }[] }; data?: { values?: unknown[][] } }[];
}

/**
 * Whether a query's frames hold data a panel shows: at least one finite number (a ratio of two
 * zero rates is NaN, which Grafana's frames carry as null), above zero for a request rate.
 */
export function hasData(result: DsQueryResult, requestRate: boolean): boolean {
    const numbers = (result.frames ?? []).flatMap((frame) => (frame.schema?.fields ?? []).flatMap((field, i) => (field.type === "number" ? (frame.data?.values?.[i] ?? []) : [])));
    return numbers.some((v) => typeof v === "number" && Number.isFinite(v) && (!requestRate || v > 0));
}
