/**
 * Proof from outside that the lab answers: the product page is a whole product page, and
 * Grafana answers its login and reports its Prometheus datasource healthy. Slow, refused and
 * wrong answers each get their own verdict, so that the operator reads what to do next.
 */

export type Verdict = "ok" | "timeout" | "refused" | "unreachable" | "serverError" | "unexpectedStatus" | "notProductPage" | "unauthorized" | "datasourceUnhealthy";
export type Target = "bookinfo" | "grafana";

export interface ProbeResult {
    target: Target;
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

/** One GET with a deadline; network failures become verdicts. */
async function get(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<Response> {
    try {
        return await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    } catch (err) {
        const error = err as Error & { cause?: { code?: string } };
        if (error.name === "TimeoutError" || error.name === "AbortError") throw new Failure("timeout", `no answer within ${timeoutMs / 1000} s`);
        const code = error.cause?.code ?? error.message;
        throw new Failure(code === "ECONNREFUSED" ? "refused" : "unreachable", String(code));
    }
}

async function timed(target: Target, url: string, check: () => Promise<void>): Promise<ProbeResult> {
    const started = Date.now();
    try {
        await check();
        return { target, url, verdict: "ok", ms: Date.now() - started };
    } catch (err) {
        if (!(err instanceof Failure)) throw err;
        return { target, url, verdict: err.verdict, ms: Date.now() - started, status: err.status, detail: err.message };
    }
}

function expectOk(response: Response): void {
    if (response.status >= 500) throw new Failure("serverError", `HTTP ${response.status}`, response.status);
    if (response.status === 401 || response.status === 403) throw new Failure("unauthorized", `HTTP ${response.status}`, response.status);
    if (response.status !== 200) throw new Failure("unexpectedStatus", `HTTP ${response.status}`, response.status);
}

export async function probeBookinfo(url: string, timeoutMs = kpiTimeoutMs): Promise<ProbeResult> {
    return timed("bookinfo", url, async () => {
        const response = await get(url, timeoutMs);
        expectOk(response);
        const problem = pageProblem(await response.text());
        if (problem !== undefined) throw new Failure("notProductPage", problem, 200);
    });
}

/** Grafana's login page, then its Prometheus datasource's own health check, with the admin credentials. */
export async function probeGrafana(url: string, password: string, timeoutMs = kpiTimeoutMs): Promise<ProbeResult> {
    const base = url.replace(/\/+$/, "");
    return timed("grafana", base, async () => {
        const login = await get(`${base}/login`, timeoutMs);
        expectOk(login);
        if (!(await login.text()).includes("Grafana")) throw new Failure("unexpectedStatus", "the login page is not Grafana's", 200);
        const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` };
        const sources = await get(`${base}/api/datasources`, timeoutMs, auth);
        expectOk(sources);
        const prometheus = ((await sources.json()) as { uid: string; type: string; name: string }[]).find((d) => d.type === "prometheus");
        if (prometheus === undefined) throw new Failure("datasourceUnhealthy", "Grafana has no Prometheus datasource");
        const health = await get(`${base}/api/datasources/uid/${encodeURIComponent(prometheus.uid)}/health`, timeoutMs, auth);
        const body = (await health.json().catch(() => ({}))) as { status?: string; message?: string };
        if (health.status !== 200 || body.status !== "OK") throw new Failure("datasourceUnhealthy", `${prometheus.name}: ${body.message ?? `HTTP ${health.status}`}`, health.status);
    });
}

export interface Endpoints {
    bookinfoUrl: string;
    grafanaUrl: string;
    grafanaPassword: string;
}

export interface Verification {
    ok: boolean;
    attempts: number;
    results: ProbeResult[];
}

/** Probes both URLs until both pass or `retryForMs` has gone by; the last results tell. */
export async function verify(
    endpoints: Endpoints,
    options: { timeoutMs?: number; retryForMs?: number; intervalMs?: number; onAttempt?: (results: ProbeResult[]) => void } = {},
): Promise<Verification> {
    const { timeoutMs = kpiTimeoutMs, retryForMs = 0, intervalMs = 10_000 } = options;
    const deadline = Date.now() + retryForMs;
    for (let attempt = 1; ; attempt++) {
        const results = await Promise.all([
            probeBookinfo(endpoints.bookinfoUrl, timeoutMs),
            probeGrafana(endpoints.grafanaUrl, endpoints.grafanaPassword, timeoutMs),
        ]);
        options.onAttempt?.(results);
        const ok = results.every((r) => r.verdict === "ok");
        if (ok || Date.now() + intervalMs > deadline) return { ok, attempts: attempt, results };
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
