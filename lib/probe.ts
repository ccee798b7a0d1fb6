/**
 * Proof from outside that the lab answers: the product page is a whole product page, and
 * Grafana answers its login and reports its Prometheus datasource healthy. Silent (timeout),
 * slow (answers came, but the whole check overran its budget: the port is reached), refused and
 * wrong answers each get their own verdict, so that the operator reads what to do next. Each
 * URL's whole check (every request and every body) runs under one budget, the KPI's 10 s, and
 * nothing a server or the network does is thrown: every failure is a verdict.
 */

import { Check, VerifyTarget } from "./endpoints";

export type Verdict = "ok" | "timeout" | "slow" | "refused" | "unreachable" | "reset" | "serverError" | "unexpectedStatus" | "notProductPage" | "unauthorized" | "noDatasource" | "datasourceUnhealthy";
/** Which endpoint a result is about: its name, and how messages name it. */
export type Target = Pick<VerifyTarget, "name" | "title">;

export interface ProbeResult {
    /** The endpoint's name. */
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
    async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
        try {
            const response = await fetch(url, { headers, signal: this.signal, redirect: "manual" });
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

async function timed(target: Target, url: string, budgetMs: number, check: (budget: Budget) => Promise<void>): Promise<ProbeResult> {
    const started = Date.now();
    const budget = new Budget(budgetMs);
    const about = { target: target.name, title: target.title, url };
    try {
        await check(budget);
        return { ...about, verdict: "ok", ms: Date.now() - started };
    } catch (err) {
        let failure = networkFailure(err, budgetMs);
        // Answers came, but not the whole check in time: slow, not the network's fault.
        if (failure.verdict === "timeout" && budget.answered) failure = new Failure("slow", `answered, but the whole check took longer than ${budgetMs / 1000} s`);
        return { ...about, verdict: failure.verdict, ms: Date.now() - started, status: failure.status, detail: failure.message };
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

/** Grafana's login page, then its Prometheus datasource's own health check, with the admin credentials. */
export async function probeGrafana(target: Target, url: string, password: string, timeoutMs = kpiTimeoutMs): Promise<ProbeResult> {
    const base = url.replace(/\/+$/, "");
    return timed(target, base, timeoutMs, async (budget) => {
        const login = await budget.get(`${base}/login`);
        expectOk(login);
        if (!/<title>\s*Grafana\s*<\/title>/.test(await budget.text(login))) throw new Failure("unexpectedStatus", "the login page is not Grafana's", 200);
        const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` };
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
    });
}

/** What a verification checks: each endpoint's URL with its check, and Grafana's admin password. */
export interface Endpoints {
    targets: VerifyTarget[];
    grafanaPassword: string;
}

const probes: Record<Check, (target: VerifyTarget, password: string, budgetMs: number) => Promise<ProbeResult>> = {
    productPage: (target, _password, budgetMs) => probeBookinfo(target, target.url, budgetMs),
    grafana: (target, password, budgetMs) => probeGrafana(target, target.url, password, budgetMs),
    answers: (target, _password, budgetMs) => probeAnswers(target, target.url, budgetMs),
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
    /** Called after each attempt, as it happens. */
    onAttempt?: (attempt: number, results: ProbeResult[]) => void;
}

/**
 * Probes every URL until all pass or `retryForMs` has gone by; the last results tell. No
 * attempt starts after the deadline, and within a retry window none runs past the deadline by
 * more than one interval (its budget is cut to what is left, never above the KPI).
 */
export async function verify(endpoints: Endpoints, options: VerifyOptions = {}): Promise<Verification> {
    const { timeoutMs = kpiTimeoutMs, retryForMs = 0, intervalMs = 10_000 } = options;
    const deadline = Date.now() + retryForMs;
    for (let attempt = 1; ; attempt++) {
        const budget = retryForMs === 0 ? timeoutMs : Math.max(1, Math.min(timeoutMs, deadline + intervalMs - Date.now()));
        const results = await Promise.all(endpoints.targets.map((target) => probes[target.check](target, endpoints.grafanaPassword, budget)));
        options.onAttempt?.(attempt, results);
        const ok = results.every((r) => r.verdict === "ok");
        const wait = Math.min(intervalMs, deadline - Date.now());
        if (ok || wait <= 0) return { ok, attempts: attempt, results };
        await new Promise((resolve) => setTimeout(resolve, wait));
    }
}
