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

const namespace = "bookinfo";

/** kube-state-metrics' view of the Bookinfo pods, as instant queries whose series carry a `pod` label. */
export const podQueries = {
    /**
     * The running pods of Bookinfo's Deployments (owned by their ReplicaSets: not a traffic-check
     * Job's), not being deleted: the pods the traffic check also requires to be meshed.
     */
    running: `kube_pod_info{namespace="${namespace}", created_by_kind="ReplicaSet"} and on (namespace, pod) (kube_pod_status_phase{namespace="${namespace}", phase="Running"} == 1) unless on (namespace, pod) kube_pod_deletion_timestamp{namespace="${namespace}"}`,
    /** The pods with the Linkerd proxy: a native sidecar (an init container that keeps running), or a container. */
    meshed: `kube_pod_init_container_info{namespace="${namespace}", container="linkerd-proxy"} or kube_pod_container_info{namespace="${namespace}", container="linkerd-proxy"}`,
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
 * The running pods whose Linkerd proxy Prometheus does not scrape with success: `pod` when no
 * target of the proxies' job names it, `pod (lastError)` when its target is not up.
 */
export function unscrapedPods(running: string[], targets: ScrapeTarget[]): string[] {
    const proxies = targets.filter((t) => t.labels?.job === proxyScrapeJob && t.labels.namespace === namespace);
    return running.flatMap((pod) => {
        const own = proxies.filter((t) => t.labels?.pod === pod);
        if (own.some((t) => t.health === "up")) return [];
        const why = own.map((t) => t.lastError || t.health || "unknown").join("; ");
        return [own.length === 0 ? pod : `${pod} (${why})`];
    });
}

/** The alert rules this program declares (lib/alerts.ts), as `group/alert`. */
export const expectedAlerts = (): string[] => bookinfoAlertRules("en").flatMap((g) => g.rules.map((r) => `${g.name}/${r.alert}`));

/** The rule groups of Prometheus's `/api/v1/rules`. */
export interface RuleGroup {
    name?: string;
    rules?: { name?: string; type?: string }[];
}

/** The declared alert rules Prometheus has not loaded. */
export function missingAlerts(groups: RuleGroup[]): string[] {
    const loaded = new Set(groups.flatMap((g) => (g.rules ?? []).filter((r) => r.type === "alerting").map((r) => `${g.name}/${r.name}`)));
    return expectedAlerts().filter((alert) => !loaded.has(alert));
}

/** The parts of a Grafana dashboard the check reads. */
export interface Dashboard {
    uid?: string;
    time?: { from?: string };
    templating?: { list?: { name?: string; type?: string; current?: { value?: unknown } }[] };
    panels?: Panel[];
}
interface Panel {
    title?: string;
    datasource?: { type?: string } | string | null;
    targets?: { refId?: string; expr?: string; hide?: boolean }[];
    /** A collapsed row's panels. */
    panels?: Panel[];
}

/** The Bookinfo dashboard this program ships (components/monitoring.ts provisions it), from lib/ or from the compiled dist/lib/. */
export function shippedDashboard(): Dashboard {
    const files = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].map((dir) => path.join(dir, "dashboards", "bookinfo.json"));
    const file = files.find((f) => fs.existsSync(f)) ?? files[0];
    return JSON.parse(fs.readFileSync(file, "utf8")) as Dashboard;
}

/** One query of a panel: the panel's title, the target's refId and its expression as written. */
export interface PanelQuery {
    panel: string;
    refId: string;
    expr: string;
}

/** Every Prometheus query of a dashboard's panels (those of collapsed rows too), hidden ones left out. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
    const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
    return panels
        .filter((p) => typeof p.datasource !== "object" || p.datasource === null || p.datasource.type === undefined || p.datasource.type === "prometheus")
        .flatMap((p) => (p.targets ?? []).filter((t) => !t.hide && typeof t.expr === "string" && t.expr.trim() !== "").map((t) => ({ panel: p.title ?? "", refId: t.refId ?? "", expr: t.expr as string })));
}

/** The panels of the shipped dashboard whose queries the live one does not have as written. */
export function changedPanels(live: Dashboard, shipped: Dashboard): string[] {
    const key = (q: PanelQuery) => `${q.panel}\n${q.refId}\n${q.expr}`;
    const liveKeys = new Set(panelQueries(live).map(key));
    return [...new Set(panelQueries(shipped).filter((q) => !liveKeys.has(key(q))).map((q) => q.panel))];
}

/** Seconds of a Grafana or Prometheus duration (`30s`, `1m`, `1h`); undefined for anything else. */
export function durationSeconds(text: string | undefined): number | undefined {
    const match = /^(\d+)(ms|s|m|h|d)$/.exec(text?.trim() ?? "");
    if (match === null) return undefined;
    return (Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "ms" | "s" | "m" | "h" | "d"]);
}

/** Grafana's default for a Prometheus datasource's scrape interval (its `timeInterval`, when unset). */
export const defaultScrapeSeconds = 15;

/**
 * An expression as Grafana sends it for an instant query at the dashboard's default time range
 * (`now-1h` → 1h), with the datasource's scrape interval as the step: its built-in variables
 * (`$__rate_interval` is max(4 × scrape interval, interval + scrape interval), as Grafana
 * computes it) and the dashboard's own (a datasource variable is the datasource's uid; another,
 * its current value, `$__all` as `.*`), in each of Grafana's syntaxes.
 */
export function grafanaExpr(expr: string, dashboard: Dashboard, datasource: { uid: string; scrapeSeconds: number }): string {
    const range = durationSeconds(/^now-(\S+)$/.exec(dashboard.time?.from ?? "")?.[1]) ?? 3600;
    const step = datasource.scrapeSeconds;
    const builtIn: Record<string, string> = {
        __rate_interval: `${Math.max(4 * step, 2 * step)}s`,
        __interval: `${step}s`,
        __interval_ms: `${step * 1000}`,
        __range: `${range}s`,
        __range_s: `${range}`,
        __range_ms: `${range * 1000}`,
    };
    const variables = new Map((dashboard.templating?.list ?? []).map((v) => {
        const current = v.current?.value;
        const values = (Array.isArray(current) ? current : [current]).map(String);
        return [v.name ?? "", v.type === "datasource" ? datasource.uid : values.includes("$__all") ? ".*" : values.join("|")];
    }));
    return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, braced?: string, bracketed?: string, plain?: string) => {
        const name = braced ?? bracketed ?? plain ?? "";
        return builtIn[name] ?? variables.get(name) ?? whole;
    });
}
