/**
 * Real HTTP servers on 127.0.0.1 for the tests of what the lab asks over HTTP; each test file
 * closes its servers with `closeAll` after each test.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { bookinfoAlertRules } from "../../lib/alerts";
import { proxyScrapeJob, proxyScrapePool } from "../../lib/linkerdMetrics";
import { Dashboard, podQueries, queryRange, RuleGroup, ScrapeTarget, shippedDashboard } from "../../lib/platformChecks";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: http.Server[] = [];

/** Starts a server; returns its base URL (http://127.0.0.1:port). */
export async function serve(handler: Handler): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL nothing listens on: a server bound, its port noted, then closed. */
export async function closedPort(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    return url;
}

export async function closeAll(): Promise<void> {
    for (const server of servers.splice(0)) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
    }
}

/** The Bookinfo dashboard this program ships; the tests need it readable. */
export function bookinfoDashboard(): Dashboard {
    const shipped = shippedDashboard();
    if ("problem" in shipped) throw new Error(shipped.problem);
    return shipped.dashboard;
}

/**
 * What the fake Grafana's Prometheus holds, as the platform checks read it; a test may change it
 * between attempts. By default a healthy lab: every pod meshed and scraped, every panel's query
 * answering a series, every rule this program declares loaded.
 */
export interface FakeCluster {
    /** The running pods of Bookinfo's Deployments, and those with the Linkerd proxy. */
    running: string[];
    meshed: string[];
    /** Prometheus's active targets (`/api/v1/targets`). */
    targets: ScrapeTarget[];
    /** Grafana's Bookinfo dashboard (`/api/dashboards/uid/<uid>`); undefined: not found. */
    dashboard?: Dashboard;
    /**
     * The values a panel's query answers (`/api/ds/query`), one series each, by the expression
     * Grafana is sent: `[]` no series, NaN or ±Infinity as Grafana's frames carry them. Absent: one series of 1.
     */
    values: Record<string, number[]>;
    /** Prometheus's alert rule groups (`/api/v1/rules`). */
    groups: RuleGroup[];
    /** Every query asked (Prometheus's and the panels'), as sent. */
    asked: string[];
}

export const bookinfoPods = ["details-v1-6c9f8b7d4-2xkqz", "productpage-v1-7f8d5b9c6-h4jtw", "ratings-v1-5d7c9f6b8-q8zrm", "reviews-v1-8b6f7d9c5-lk2vn", "reviews-v2-9c7d8f6b4-t6wpx", "reviews-v3-6f9b8c7d5-m3hyd", "bookinfo-loadgen-5b8c7d6f9-r7xnc"];

/** A healthy lab's Prometheus and Grafana, as `FakeCluster` describes them; `over` replaces any part. */
export function healthyCluster(over: Partial<FakeCluster> = {}): FakeCluster {
    const running = over.running ?? bookinfoPods;
    return {
        running,
        meshed: running,
        targets: running.map((pod) => ({ labels: { job: proxyScrapeJob, namespace: "bookinfo", pod }, health: "up", lastError: "" })),
        dashboard: bookinfoDashboard(),
        values: {},
        groups: bookinfoAlertRules("en").map((g) => ({ name: g.name, rules: g.rules.map((r) => ({ name: r.alert, type: "alerting", health: "ok", lastError: "" })) })),
        asked: [],
        ...over,
    };
}

/** Prometheus's answer to an instant query of the fake cluster (the pods' queries): one series per pod. */
function instantQuery(cluster: FakeCluster, expr: string): { status: number; body: unknown } {
    const pods = expr === podQueries.running ? cluster.running : expr === podQueries.meshed ? cluster.meshed : [];
    return { status: 200, body: { status: "success", data: { resultType: "vector", result: pods.map((pod) => ({ metric: { namespace: "bookinfo", pod }, value: [0, "1"] })) } } };
}

/** Grafana's data frame of one instant sample: a value JSON cannot carry (NaN, ±Infinity) is null, named in `entities`. */
function frame(refId: string, value: number): unknown {
    const entity = Number.isNaN(value) ? "NaN" : value === Infinity ? "Inf" : value === -Infinity ? "NegInf" : undefined;
    return {
        schema: { refId, meta: { type: "numeric-multi", typeVersion: [0, 1] }, fields: [{ name: "Time", type: "time" }, { name: "Value", type: "number", labels: { deployment: "productpage-v1" } }] },
        data: { values: [[1764465600000], [entity === undefined ? value : null]], ...(entity === undefined ? {} : { entities: [null, { [entity]: [0] }] }) },
    };
}

/**
 * Grafana's `POST /api/ds/query` of the fake cluster, for instant Prometheus queries of the
 * datasource `prometheus` over the last hour. Grafana expands its built-in variables (`$__…`);
 * another `$` is a dashboard variable the caller left, which Prometheus refuses: the query's
 * error, and 400 for the whole answer, as Grafana answers when a query fails.
 */
function dsQuery(cluster: FakeCluster, request: { from?: string; to?: string; queries?: { refId?: string; datasource?: { type?: string; uid?: string }; expr?: string; instant?: boolean }[] }): { status: number; body: unknown } {
    const results: Record<string, { status: number; error?: string }> = Object.fromEntries((request.queries ?? []).map((q) => {
        const refId = q.refId ?? "A";
        const expr = q.expr ?? "";
        cluster.asked.push(expr);
        const wrong = request.from !== queryRange.from || request.to !== queryRange.to || q.instant !== true ? "not an instant query over the last hour"
            : q.datasource?.uid !== "prometheus" || q.datasource.type !== "prometheus" ? `data source not found: ${JSON.stringify(q.datasource)}`
                : /\$(?!__)|\[\[/.test(expr) ? "bad_data: invalid parameter \"query\": 1:1: parse error: unexpected character: '$'" : undefined;
        if (wrong !== undefined) return [refId, { status: 400, error: wrong, errorSource: "downstream" }];
        return [refId, { status: 200, frames: (cluster.values[expr] ?? [1]).map((value) => frame(refId, value)) }];
    }));
    return { status: Object.values(results).some((r) => r.error !== undefined) ? 400 : 200, body: { results } };
}

/** A Grafana that answers its login page, its Prometheus datasource's health as told, and, through the datasource, the cluster. */
export function fakeGrafana(options: { password: string; health: { status: string; message: string }; cluster?: FakeCluster }): Handler {
    const cluster = options.cluster ?? healthyCluster();
    return (req, res) => {
        const authorized = req.headers.authorization === `Basic ${Buffer.from(`admin:${options.password}`).toString("base64")}`;
        const url = new URL(req.url ?? "/", "http://grafana");
        const json = (status: number, body: unknown) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        const prometheus = (data: unknown) => json(200, { status: "success", data });
        if (req.url === "/login") return void res.end("<!DOCTYPE html><html><head><title>Grafana</title></head><body>login</body></html>");
        if (!authorized) return void res.writeHead(401).end('{"message":"Unauthorized"}');
        if (req.url === "/api/datasources") return json(200, [{ uid: "prometheus", name: "Prometheus", type: "prometheus", jsonData: { timeInterval: "30s" } }]);
        if (req.url === "/api/datasources/uid/prometheus/health") return json(options.health.status === "OK" ? 200 : 400, options.health);
        if (url.pathname === "/api/dashboards/uid/k8s-lab-bookinfo") return cluster.dashboard === undefined ? json(404, { message: "Dashboard not found" }) : json(200, { dashboard: cluster.dashboard, meta: { provisioned: true } });
        if (url.pathname === "/api/datasources/proxy/uid/prometheus/api/v1/query") {
            const expr = url.searchParams.get("query") ?? "";
            cluster.asked.push(expr);
            const answer = instantQuery(cluster, expr);
            return json(answer.status, answer.body);
        }
        if (url.pathname === "/api/ds/query" && req.method === "POST") {
            let text = "";
            req.on("data", (chunk: Buffer) => (text += chunk.toString()));
            req.on("end", () => {
                const answer = dsQuery(cluster, JSON.parse(text) as Parameters<typeof dsQuery>[1]);
                json(answer.status, answer.body);
            });
            return;
        }
        // Prometheus filters the targets by scrape pool: those of another pool are not the proxies'.
        if (url.pathname === "/api/datasources/proxy/uid/prometheus/api/v1/targets" && url.searchParams.get("state") === "active") return prometheus({ activeTargets: url.searchParams.get("scrapePool") === proxyScrapePool ? cluster.targets : [], droppedTargets: [] });
        if (url.pathname === "/api/datasources/proxy/uid/prometheus/api/v1/rules" && url.searchParams.get("type") === "alert") return prometheus({ groups: cluster.groups });
        res.writeHead(404).end();
    };
}
