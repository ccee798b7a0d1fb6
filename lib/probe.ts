/**
 * Proof from outside that the lab answers: the product page is a whole product page, and
 * Grafana answers its login and reports its Prometheus datasource healthy; then, through that
 * datasource, what only a running platform shows (platformChecks below). Silent (timeout),
 * slow (answers came, but the whole check overran its budget: the port is reached), refused and
 * wrong answers each get their own verdict, so that the operator reads what to do next. Each
 * URL's whole check (every request and every body) runs under one budget, the KPI's 10 s, each
 * platform check under one of its own, and nothing a server or the network does is thrown:
 * every failure is a verdict.
 */

import { Check, VerifyTarget } from "./endpoints";
import { proxyScrapePool } from "./linkerdMetrics";
import { alertRuleProblems, changedPanels, Dashboard, dashboardFile, DsQueryResult, dsQueryBody, hasData, panelQueries, podQueries, podsOf, RuleGroup, ScrapeTarget, Series, ShippedDashboard, shippedDashboard, unmeshedPods, unscrapedPods } from "./platformChecks";
import { serverText } from "./redact";

export type Verdict = "ok" | "timeout" | "slow" | "refused" | "unreachable" | "reset" | "serverError" | "unexpectedStatus" | "notProductPage" | "unauthorized" | "noDatasource" | "datasourceUnhealthy"
    | "prometheusError" | "noBookinfoPods" | "unmeshedPods" | "proxyTargetsMissing" | "proxyTargetsPending" | "noDashboard" | "noShippedDashboard" | "dashboardChanged" | "panelsWithoutData"
    | "alertRulesMissing" | "alertRulesFailing" | "alertRulesPending";
/** Which endpoint a result is about: its name, and how messages name it. */
export type Target = Pick<VerifyTarget, "name" | "title">;

export interface ProbeResult {
    /** The endpoint's name, or the platform check's (platformChecks). */
    target: string;
    title: string;
    url: string;
    verdict: Verdict;
    /** Time to the answer (or to giving up), in milliseconds. */
    ms: number;
    status?: number;
    /** What was wrong: the missing part of the page, the datasource's message, the error. */
    detail?: string;
}

/** The field reports' KPI: each URL answers within 10 seconds. */
export const kpiTimeoutMs = 10_000;

/** Why a product page is not whole, or undefined when it shows the book's details and reviews. */
export function pageProblem(html: string): string | undefined {
    const down = /[A-Za-z ,]*currently unavailable/.exec(html);
    if (down !== null) return down[0].trim();
    for (const part of ["Book Details", "ISBN-10", "Book Reviews", "Reviewer1"]) if (!html.includes(part)) return `no "${part}" on the page`;
    return undefined;
}

class Failure extends Error {
    constructor(readonly verdict: Verdict, detail: string, readonly status?: number) {
        super(detail);
    }
}

/** The verdict of anything thrown while asking: the budget's end, a refusal, a cut, no route. */
function networkFailure(err: unknown, budgetMs: number): Failure {
    if (err instanceof Failure) return err;
    const error = err as Error & { cause?: { code?: string; message?: string } };
    if (error?.name === "TimeoutError" || error?.name === "AbortError") return new Failure("timeout", `no whole answer within ${budgetMs / 1000} s`);
    const code = error?.cause?.code ?? "";
    if (code === "ECONNREFUSED") return new Failure("refused", code);
    // undici: "terminated" when the peer closes mid-body; "other side closed", ECONNRESET, EPIPE.
    if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || error?.message === "terminated") return new Failure("reset", error?.cause?.message ?? code ?? error.message);
    if (code !== "") return new Failure("unreachable", code);
    // fetch's own "fetch failed" is always the network's (a port fetch refuses to use, a TLS error).
    if (error?.message === "fetch failed") return new Failure("unreachable", error.cause?.message ?? error.message);
    return new Failure("unexpectedStatus", error instanceof Error ? error.message : String(err));
}

/** One whole check's budget: every request and every body read under the same deadline. */
class Budget {
    readonly signal: AbortSignal;
    /** Whether an answer arrived (a response's status line): then the port is reached. */
    answered = false;
    constructor(readonly ms: number) {
        this.signal = AbortSignal.timeout(ms);
    }
    async get(url: string, headers: Record<string, string> = {}, body?: unknown): Promise<Response> {
        try {
            const post = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
            const response = await fetch(url, { headers: body === undefined ? headers : { ...headers, "content-type": "application/json" }, signal: this.signal, redirect: "manual", ...post });
            this.answered = true;
            return response;
        } catch (err) {
            throw networkFailure(err, this.ms);
        }
    }
    async text(response: Response): Promise<string> {
        try {
            return await response.text();
        } catch (err) {
            throw networkFailure(err, this.ms);
        }
    }
    /** The body as JSON; another answer (an HTML page, a proxy's error) is a verdict. */
    async json(response: Response, what: string): Promise<unknown> {
        const text = await this.text(response);
        try {
            return JSON.parse(text) as unknown;
        } catch {
            throw new Failure("unexpectedStatus", `${what} did not answer JSON (${JSON.stringify(text.slice(0, 60))})`, response.status);
        }
    }
}

/**
 * `reached`: the port is known to answer already. Once it has answered, running out of time is
 * slow, never a timeout, and a refusal or no route is the connection lost (reset): no network
 * verdict, which another exposure would be tried for.
 */
async function timed(target: Target, url: string, budgetMs: number, check: (budget: Budget) => Promise<void>, reached = false): Promise<ProbeResult> {
    const started = Date.now();
    const budget = new Budget(budgetMs);
    budget.answered = reached;
    const about = { target: target.name, title: target.title, url };
    try {
        await check(budget);
        return { ...about, verdict: "ok", ms: Date.now() - started };
    } catch (err) {
        let failure = networkFailure(err, budgetMs);
        // Answers came, but not the whole check in time: slow, not the network's fault.
        if (failure.verdict === "timeout" && budget.answered) failure = new Failure("slow", `answered, but the whole check took longer than ${budgetMs / 1000} s`);
        if ((failure.verdict === "refused" || failure.verdict === "unreachable") && budget.answered) failure = new Failure("reset", `${failure.message} after an answer`);
        // Every detail through serverText: much of it is a server's text (Grafana's message, a query's error, a pod's name).
        return { ...about, verdict: failure.verdict, ms: Date.now() - started, status: failure.status, detail: serverText(failure.message) };
    }
}

/** Only 200 is an answer: 204, redirects and the rest each say what they are. */
function expectOk(response: Response): void {
    if (response.status >= 500) throw new Failure("serverError", `HTTP ${response.status}`, response.status);
    if (response.status === 401 || response.status === 403) throw new Failure("unauthorized", `HTTP ${response.status}`, response.status);
    if (response.status !== 200) throw new Failure("unexpectedStatus", `HTTP ${response.status}`, response.status);
}

/** Any answer but 200 fails: the check of an endpoint that has no check of its own. */
export async function probeAnswers(target: Target, url: string, timeoutMs = kpiTimeoutMs): Promise<ProbeResult> {
    return timed(target, url, timeoutMs, async (budget) => {
        const response = await budget.get(url);
        expectOk(response);
        await budget.text(response);
    });
}

export async function probeBookinfo(target: Target, url: string, timeoutMs = kpiTimeoutMs): Promise<ProbeResult> {
    return timed(target, url, timeoutMs, async (budget) => {
        const response = await budget.get(url);
        expectOk(response);
        const problem = pageProblem(await budget.text(response));
        if (problem !== undefined) throw new Failure("notProductPage", problem, 200);
    });
}

/** Grafana's Prometheus datasource, as the platform checks ask it. */
interface Datasource {
    uid: string;
}

/** Grafana's login page, then its Prometheus datasource's own health check, with the admin credentials; the datasource when healthy. */
async function checkGrafana(target: Target, base: string, auth: Record<string, string>, timeoutMs: number): Promise<{ result: ProbeResult; datasource?: Datasource }> {
    let datasource: Datasource | undefined;
    const result = await timed(target, base, timeoutMs, async (budget) => {
        const login = await budget.get(`${base}/login`);
        expectOk(login);
        if (!/<title>\s*Grafana\s*<\/title>/.test(await budget.text(login))) throw new Failure("unexpectedStatus", "the login page is not Grafana's", 200);
        const sources = await budget.get(`${base}/api/datasources`, auth);
        expectOk(sources);
        const list = await budget.json(sources, "the datasource API");
        if (!Array.isArray(list)) throw new Failure("unexpectedStatus", "the datasource API did not answer a list", 200);
        const prometheus = (list as { uid?: unknown; type?: unknown; name?: unknown }[]).find((d) => d?.type === "prometheus" && typeof d.uid === "string");
        if (prometheus === undefined) throw new Failure("noDatasource", `types: ${list.map((d: { type?: unknown }) => String(d?.type)).join(", ") || "none"}`, 200);
        const health = await budget.get(`${base}/api/datasources/uid/${encodeURIComponent(String(prometheus.uid))}/health`, auth);
        const text = await budget.text(health);
        let body: { status?: unknown; message?: unknown } = {};
        try {
            body = JSON.parse(text) as typeof body;
        } catch {
            // An answer that is not JSON has no status: unhealthy below, with the HTTP status.
        }
        // Each on its own: an HTTP status but 200, and a body status but OK, are unhealthy.
        const name = String(prometheus.name ?? prometheus.uid);
        const reason = typeof body.message === "string" && body.status !== "OK" ? body.message : health.status !== 200 ? `HTTP ${health.status}` : `status ${String(body.status)}`;
        if (health.status !== 200 || body.status !== "OK") throw new Failure("datasourceUnhealthy", `${name}: ${reason}`, health.status);
        datasource = { uid: String(prometheus.uid) };
    });
    return { result, datasource };
}

const basicAuth = (password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` });

/** Grafana's login page, then its Prometheus datasource's own health check, with the admin credentials. */
export async function probeGrafana(target: Target, url: string, password: string, timeoutMs = kpiTimeoutMs): Promise<ProbeResult> {
    return (await checkGrafana(target, url.replace(/\/+$/, ""), basicAuth(password), timeoutMs)).result;
}

/**
 * The checks a real cluster makes possible, asked through a healthy Grafana's Prometheus
 * datasource, each a result of its own named so (in the attempts' lines and the JSON), each
 * under its own budget: the Linkerd proxy in every running Bookinfo pod, Prometheus's targets
 * for those proxies up, the Bookinfo dashboard's panels returning data, the alert rules loaded.
 */
export const platformChecks = ["linkerdProxies", "proxyTargets", "bookinfoDashboard", "alertRules"] as const;
export type PlatformCheck = (typeof platformChecks)[number];
/** Whether a result names a platform check rather than an endpoint. */
export const isPlatformCheck = (name: string): name is PlatformCheck => (platformChecks as readonly string[]).includes(name);

/** An answer about Prometheus, through Grafana, as JSON (the request POSTs `body` when given); credentials refused, or no JSON, is a verdict. */
async function prometheusAnswer<T>(budget: Budget, url: string, auth: Record<string, string>, what: string, body?: unknown): Promise<{ status: number; answer: T | null }> {
    const response = await budget.get(url, auth, body);
    if (response.status === 401 || response.status === 403) expectOk(response);
    const text = await budget.text(response);
    try {
        return { status: response.status, answer: JSON.parse(text) as T | null };
    } catch {
        throw new Failure("prometheusError", `${what}: HTTP ${response.status}, ${JSON.stringify(text.slice(0, 60))}`, response.status);
    }
}

/** The `data` of a Prometheus API answer through Grafana's datasource proxy; an error, or any other answer, is a verdict. */
async function prometheusData(budget: Budget, url: string, auth: Record<string, string>, what: string): Promise<Record<string, unknown>> {
    const { status, answer: body } = await prometheusAnswer<{ status?: unknown; data?: unknown; errorType?: unknown; error?: unknown; message?: unknown }>(budget, url, auth, what);
    if (status === 200 && body?.status === "success" && typeof body.data === "object" && body.data !== null) return body.data as Record<string, unknown>;
    const reason = body?.status === "error" ? `${String(body.errorType)}: ${String(body.error)}` : typeof body?.message === "string" ? body.message : "no result";
    throw new Failure("prometheusError", `${what}: HTTP ${status}, ${reason}`, status);
}

/**
 * A panel's query run by Grafana itself (`POST /api/ds/query`, which expands its built-in
 * variables as for the panel): its result, or its error as a verdict. Grafana answers 200 when
 * every query succeeded, else 400 (207 with multi-status on) with each query's error.
 */
async function panelData(budget: Budget, base: string, auth: Record<string, string>, body: ReturnType<typeof dsQueryBody>): Promise<DsQueryResult> {
    const { status, answer } = await prometheusAnswer<{ results?: Record<string, DsQueryResult>; message?: unknown }>(budget, `${base}/api/ds/query`, auth, "a panel's query", body);
    const result = answer?.results?.[String(body.queries[0].refId)];
    if (status === 200 && result !== undefined && result.error === undefined) return result;
    const reason = typeof result?.error === "string" ? result.error : typeof answer?.message === "string" ? answer.message : "no result";
    throw new Failure("prometheusError", `a panel's query: HTTP ${status}, ${reason}`, status);
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const quoted = (names: string[]): string => names.map((n) => JSON.stringify(n)).join(", ");

async function probePlatform(grafana: Target, base: string, auth: Record<string, string>, datasource: Datasource, shipped: ShippedDashboard, budgetMs: number): Promise<ProbeResult[]> {
    const proxy = `${base}/api/datasources/proxy/uid/${encodeURIComponent(datasource.uid)}/api/v1`;
    const query = async (budget: Budget, expr: string): Promise<Series[]> => list<Series>((await prometheusData(budget, `${proxy}/query?query=${encodeURIComponent(expr)}`, auth, "a query")).result);
    const runningPods = async (budget: Budget): Promise<string[]> => {
        const pods = podsOf(await query(budget, podQueries.running));
        if (pods.length === 0) throw new Failure("noBookinfoPods", "", 200);
        return pods;
    };
    // Grafana has answered: a check that runs out of time is slow (no network verdict, so no other exposure is tried).
    const check = (name: PlatformCheck, url: string, run: (budget: Budget) => Promise<void>) => timed({ name, title: grafana.title }, url, budgetMs, run, true);
    const uid = "dashboard" in shipped ? (shipped.dashboard.uid ?? "") : "";
    return Promise.all([
        check("linkerdProxies", base, async (budget) => {
            const [running, meshed] = await Promise.all([runningPods(budget), query(budget, podQueries.meshed)]);
            const missing = unmeshedPods(running, podsOf(meshed));
            if (missing.length > 0) throw new Failure("unmeshedPods", missing.join(", "), 200);
        }),
        check("proxyTargets", base, async (budget) => {
            const [running, targets] = await Promise.all([runningPods(budget), prometheusData(budget, `${proxy}/targets?state=active&scrapePool=${encodeURIComponent(proxyScrapePool)}`, auth, "the targets API")]);
            const { missing, pending } = unscrapedPods(running, list<ScrapeTarget>(targets.activeTargets));
            if (missing.length > 0) throw new Failure("proxyTargetsMissing", missing.join(", "), 200);
            if (pending.length > 0) throw new Failure("proxyTargetsPending", pending.join(", "), 200);
        }),
        check("bookinfoDashboard", uid === "" ? base : `${base}/d/${encodeURIComponent(uid)}`, async (budget) => {
            if ("problem" in shipped) throw new Failure("noShippedDashboard", `${dashboardFile}: ${shipped.problem}`);
            const response = await budget.get(`${base}/api/dashboards/uid/${encodeURIComponent(uid)}`, auth);
            if (response.status === 404) throw new Failure("noDashboard", uid, 404);
            expectOk(response);
            const live = ((await budget.json(response, "the dashboard API")) as { dashboard?: Dashboard } | null)?.dashboard ?? {};
            const changed = changedPanels(live, shipped.dashboard);
            if (changed.length > 0) throw new Failure("dashboardChanged", quoted(changed), 200);
            const queries = panelQueries(live);
            const answers = await Promise.all(queries.map((q) => panelData(budget, base, auth, dsQueryBody(q, live, datasource.uid))));
            const empty = [...new Set(queries.filter((q, i) => !hasData(answers[i], q.requestRate)).map((q) => q.panel))];
            if (empty.length > 0) throw new Failure("panelsWithoutData", quoted(empty), 200);
        }),
        check("alertRules", base, async (budget) => {
            const { missing, failing, pending } = alertRuleProblems(list<RuleGroup>((await prometheusData(budget, `${proxy}/rules?type=alert`, auth, "the rules API")).groups));
            if (missing.length > 0) throw new Failure("alertRulesMissing", missing.join(", "), 200);
            if (failing.length > 0) throw new Failure("alertRulesFailing", failing.join(", "), 200);
            if (pending.length > 0) throw new Failure("alertRulesPending", pending.join(", "), 200);
        }),
    ]);
}

/** Grafana's own check, then, once its datasource is healthy, the platform checks through it. */
async function probeGrafanaAndPlatform(target: Target, url: string, password: string, shipped: ShippedDashboard, budgetMs: () => number): Promise<ProbeResult[]> {
    const base = url.replace(/\/+$/, "");
    const auth = basicAuth(password);
    const { result, datasource } = await checkGrafana(target, base, auth, budgetMs());
    return datasource === undefined ? [result] : [result, ...(await probePlatform(target, base, auth, datasource, shipped, budgetMs()))];
}

/** What a verification checks: each endpoint's URL with its check, and Grafana's admin password. */
export interface Endpoints {
    targets: VerifyTarget[];
    grafanaPassword: string;
}

/** Each check's results; `budgetMs` tells a check starting now its budget. */
const probes: Record<Check, (target: VerifyTarget, password: string, dashboard: ShippedDashboard, budgetMs: () => number) => Promise<ProbeResult[]>> = {
    productPage: async (target, _password, _dashboard, budgetMs) => [await probeBookinfo(target, target.url, budgetMs())],
    grafana: (target, password, dashboard, budgetMs) => probeGrafanaAndPlatform(target, target.url, password, dashboard, budgetMs),
    answers: async (target, _password, _dashboard, budgetMs) => [await probeAnswers(target, target.url, budgetMs())],
};

export interface Verification {
    ok: boolean;
    attempts: number;
    results: ProbeResult[];
}

export interface VerifyOptions {
    /** Each URL's budget for its whole check (the KPI). */
    timeoutMs?: number;
    /** How long to keep trying; 0: one attempt. */
    retryForMs?: number;
    intervalMs?: number;
    /** The Bookinfo dashboard Grafana's must match (or why it cannot be read): the one this program ships, unless a test gives another. */
    dashboard?: ShippedDashboard;
    /** Called after each attempt, as it happens. */
    onAttempt?: (attempt: number, results: ProbeResult[]) => void;
}

/**
 * Probes every URL until all pass or `retryForMs` has gone by; the last results tell. No
 * attempt starts after the deadline, and within a retry window none runs past the deadline by
 * more than one interval (each check's budget is cut to what is left, never above the KPI).
 */
export async function verify(endpoints: Endpoints, options: VerifyOptions = {}): Promise<Verification> {
    // Read once: a missing or broken file is the dashboard check's verdict, never a throw.
    const { timeoutMs = kpiTimeoutMs, retryForMs = 0, intervalMs = 10_000, dashboard = shippedDashboard() } = options;
    const deadline = Date.now() + retryForMs;
    for (let attempt = 1; ; attempt++) {
        // Taken when each check starts: the platform checks start after Grafana's own.
        const budget = () => (retryForMs === 0 ? timeoutMs : Math.max(1, Math.min(timeoutMs, deadline + intervalMs - Date.now())));
        const results = (await Promise.all(endpoints.targets.map((target) => probes[target.check](target, endpoints.grafanaPassword, dashboard, budget)))).flat();
        options.onAttempt?.(attempt, results);
        const ok = results.every((r) => r.verdict === "ok");
        const wait = Math.min(intervalMs, deadline - Date.now());
        if (ok || wait <= 0) return { ok, attempts: attempt, results };
        await new Promise((resolve) => setTimeout(resolve, wait));
    }
}
