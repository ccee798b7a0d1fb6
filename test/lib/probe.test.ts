import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as http from "http";
import { describeAttempt, resultSentence as describeResult } from "../../lib/access";
import { translator } from "../../lib/messages";
import { bookinfoAlertRules } from "../../lib/alerts";
import { networkVerdicts } from "../../lib/fallback";
import { Dashboard, panelQueries, podQueries, readDashboard } from "../../lib/platformChecks";
import { platformChecks, ProbeResult, probeAnswers, probeBookinfo, probeGrafana, verify, VerifyOptions } from "../../lib/probe";
import { labEndpointsAt, labTargets } from "../harness/endpoints";
import { bookinfoDashboard, bookinfoPods, closeAll, closedPort, FakeCluster, fakeGrafana, healthyCluster, serve } from "../harness/servers";

const page = (name: string) => fs.readFileSync(path.join(__dirname, "..", "fixtures", "productpage", `${name}.html`), "utf8");
const healthy = { status: "OK", message: "Successfully queried the Prometheus API." };
const en = translator("en");
const ko = translator("ko");
const asBookinfo = { name: "bookinfo", title: "Bookinfo" };
const asGrafana = { name: "grafana", title: "Grafana" };
/** A healthy lab's platform checks, after Grafana's, as [target, verdict]. */
const platformOk = platformChecks.map((check) => [check, "ok"]);

describe("probes", () => {
    afterEach(closeAll);

    it("passes a whole product page", async () => {
        const url = await serve((_req, res) => res.end(page("healthy")));
        const result = await probeBookinfo(asBookinfo, `${url}/productpage`);
        assert.strictEqual(result.verdict, "ok");
        assert.ok(result.ms < 10_000);
        assert.match(describeResult(result, en, "nodePort"), /^Bookinfo answered in \d+ ms/);
    });

    it("tells a refused connection from a timeout, a 5xx and a 200 that is not the product page", async () => {
        const slow = await serve((_req, res) => void setTimeout(() => res.end(page("healthy")), 1500));
        const failing = await serve((_req, res) => res.writeHead(500).end("Internal Server Error"));
        const unavailable = await serve((_req, res) => res.end(page("reviews-unavailable")));
        const results = await Promise.all([
            probeBookinfo(asBookinfo, `${await closedPort()}/productpage`, 300),
            probeBookinfo(asBookinfo, `${slow}/productpage`, 300),
            probeBookinfo(asBookinfo, `${failing}/productpage`, 300),
            probeBookinfo(asBookinfo, `${unavailable}/productpage`, 300),
        ]);
        assert.deepStrictEqual(results.map((r) => r.verdict), ["refused", "timeout", "serverError", "notProductPage"]);
        assert.ok(results[1].ms < 1500, "the timeout was honoured");
        const steps = results.map((r) => describeResult(r, en, "nodePort"));
        assert.match(steps[0], /refused the connection .* nothing listens on that port\. Next: check how exposure nodePort serves it/);
        assert.match(steps[1], /did not answer within 0 s .* Next: check that the security group/);
        assert.match(steps[2], /answered HTTP 500 .* the app is up but failing\. Next: read its pods' logs/);
        assert.match(steps[3], /not a whole product page \(Sorry, product reviews are currently unavailable\): a service behind productpage is down/);
    });

    it("passes a Grafana whose Prometheus datasource is healthy", async () => {
        const url = await serve(fakeGrafana({ password: "pw", health: healthy }));
        assert.strictEqual((await probeGrafana(asGrafana, url, "pw")).verdict, "ok");
    });

    it("reports Grafana's unhealthy datasource, the field reports' plugin error, and wrong credentials", async () => {
        const sick = await serve(fakeGrafana({ password: "pw", health: { status: "ERROR", message: "Post \"http://kube-prometheus-stack-prometheus.monitoring:9090/api/v1/query\": context deadline exceeded" } }));
        const unhealthy = await probeGrafana(asGrafana, sick, "pw");
        assert.strictEqual(unhealthy.verdict, "datasourceUnhealthy");
        assert.match(describeResult(unhealthy, en, "nodePort"), /Prometheus datasource is unhealthy \(Prometheus: Post .*context deadline exceeded\), the field reports' plugin error\. Next: check pod traffic between nodes/);
        assert.match(describeResult(unhealthy, ko, "nodePort"), /Prometheus 데이터 소스가 비정상입니다/);
        const wrong = await probeGrafana(asGrafana, sick, "not-the-password");
        assert.strictEqual(wrong.verdict, "unauthorized");
    });

    it("shows a server's text without its escape sequences and control characters, redacted", async () => {
        // A message that would clear the terminal, rewrite the line (CR) and colour it, and that holds a token.
        const message = "\u001b[2J\u001b[31mbad gateway\u001b[0m\rall good token=s3cr3t\u0007\u009b1A";
        const unhealthy = await probeGrafana(asGrafana, await serve(fakeGrafana({ password: "pw", health: { status: "ERROR", message } })), "pw");
        assert.deepStrictEqual([unhealthy.verdict, unhealthy.detail], ["datasourceUnhealthy", "Prometheus: bad gateway all good token=[redacted]"]);
    });

    it("retries while the cluster settles, and gives up after the retry window", async () => {
        let calls = 0;
        const settling = await serve((_req, res) => (++calls < 3 ? res.writeHead(503).end() : res.end(page("healthy"))));
        const grafana = await serve(fakeGrafana({ password: "pw", health: healthy }));
        const settled = await verify(labEndpointsAt(`${settling}/productpage`, grafana), { retryForMs: 5000, intervalMs: 50 });
        assert.deepStrictEqual([settled.ok, settled.attempts], [true, 3]);
        const started = Date.now();
        const never = await verify(labEndpointsAt(`${await closedPort()}/productpage`, grafana), { retryForMs: 200, intervalMs: 50 });
        assert.strictEqual(never.ok, false);
        assert.ok(Date.now() - started < 3000, "it stopped after the retry window");
        // The last attempt's budget is what was left of the window: Grafana's checks may run out of it.
        assert.deepStrictEqual(never.results[0].verdict, "refused");
    });

    it("checks every endpoint it is given, each by its own check: one with none of its own passes on a 200 alone", async () => {
        const echo = { name: "echo", title: "Echo" };
        const answering = await serve((_req, res) => res.end("any body"));
        const missing = await serve((_req, res) => res.writeHead(404).end());
        assert.deepStrictEqual([(await probeAnswers(echo, answering)).verdict, (await probeAnswers(echo, missing)).verdict], ["ok", "unexpectedStatus"]);
        const lab = labEndpointsAt(`${await serve((_req, res) => res.end(page("healthy")))}/productpage`, await serve(fakeGrafana({ password: "pw", health: healthy })));
        const three = await verify({ ...lab, targets: [...lab.targets, { ...echo, url: `${missing}/echo`, check: "answers", publicPort: 30500 }] });
        assert.deepStrictEqual(three.results.map((r) => [r.target, r.verdict]), [["bookinfo", "ok"], ["grafana", "ok"], ...platformOk, ["echo", "unexpectedStatus"]]);
        assert.strictEqual(three.ok, false);
        assert.match(describeResult(three.results[6], en, "nodePort"), /^Echo answered at http:\/\/127\.0\.0\.1:\d+\/echo with something else than expected \(HTTP 404\)/);
    });

    describe("network trouble is a verdict, never a crash", () => {
        it("calls a body still arriving after the budget slow, within the budget: the port answered", async () => {
            const url = await serve((_req, res) => {
                res.writeHead(200, { "content-type": "text/html" });
                res.write(page("healthy").slice(0, 200));
                setTimeout(() => res.end(page("healthy").slice(200)), 1500);
            });
            const result = await probeBookinfo(asBookinfo, `${url}/productpage`, 300);
            assert.deepStrictEqual([result.verdict, result.detail], ["slow", "answered, but the whole check took longer than 0.3 s"]);
            assert.strictEqual(describeResult(result, en, "nodePort"), `Bookinfo answered at ${url}/productpage, but the whole check took ${result.ms} ms, longer than the KPI allows: the port is reached, so another exposure would not help. Next: look at what slows it (kubectl top pods -A; the pod's logs).`);
            assert.ok(result.ms < 1000, `${result.ms} ms`);
        });

        it("gives a connection reset in the middle of the body its own verdict", async () => {
            const url = await serve((req, res) => {
                res.writeHead(200, { "content-type": "text/html", "content-length": "100000" });
                res.write(page("healthy").slice(0, 200), () => setTimeout(() => req.socket.destroy(), 20));
            });
            const result = await probeBookinfo(asBookinfo, `${url}/productpage`, 2000);
            assert.strictEqual(result.verdict, "reset");
            assert.match(describeResult(result, en, "nodePort"), /^Bookinfo cut the connection in the middle of its answer at http:\/\/127\.0\.0\.1:\d+\/productpage/);
        });

        it("says the datasource API answered HTML instead of JSON", async () => {
            const url = await serve(grafana({ sources: (res) => res.end("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>") }));
            const result = await probeGrafana(asGrafana, url, "pw");
            assert.deepStrictEqual([result.verdict, result.detail], ["unexpectedStatus", 'the datasource API did not answer JSON ("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")']);
        });

        it("counts a reset as one failed attempt and goes on within the retry window, showing each attempt", async () => {
            let calls = 0;
            const flaky = await serve((req, res) => (++calls === 1 ? req.socket.destroy() : res.end(page("healthy"))));
            const attempts: string[][] = [];
            const lines: string[] = [];
            const result = await verify(labEndpointsAt(`${flaky}/productpage`, await serve(fakeGrafana({ password: "pw", health: healthy }))), {
                retryForMs: 5000,
                intervalMs: 50,
                onAttempt: (attempt, results) => {
                    attempts.push(results.map((r) => `${attempt} ${r.target} ${r.verdict}`));
                    lines.push(describeAttempt(attempt, results, en).replace(/\d+ ms/g, "N ms"));
                },
            });
            assert.deepStrictEqual([result.ok, result.attempts], [true, 2]);
            const platform = platformChecks.map((check) => `${check} ok (N ms)`).join(", ");
            assert.deepStrictEqual(attempts.map((a) => a.slice(0, 2)), [["1 bookinfo reset", "1 grafana ok"], ["2 bookinfo ok", "2 grafana ok"]]);
            assert.deepStrictEqual(lines, [`Attempt 1: bookinfo reset (N ms), grafana ok (N ms), ${platform}`, `Attempt 2: bookinfo ok (N ms), grafana ok (N ms), ${platform}`]);
        });

        it("fails the KPI as slow, not as a timeout, when Grafana's three requests take 8/10 of the budget each: one budget for the whole check", async () => {
            // The KPI's 10 s and 8 s, scaled down to 1 s and 0.8 s.
            const url = await serve(grafana({ delay: 800 }));
            const result = await probeGrafana(asGrafana, url, "pw", 1000);
            assert.deepStrictEqual([result.verdict, result.detail], ["slow", "answered, but the whole check took longer than 1 s"]);
            assert.ok(result.ms >= 1000 && result.ms < 2000, `${result.ms} ms`);
        });

        it("gives an unreachable host unreachable, not refused", async () => {
            const result = await probeBookinfo(asBookinfo, "http://lab.invalid:30080/productpage", 5000);
            assert.strictEqual(result.verdict, "unreachable");
            assert.strictEqual((await probeBookinfo(asBookinfo, `${await closedPort()}/productpage`)).verdict, "refused");
            // A port fetch itself refuses to use is the network's failure too, not an answer.
            const badPort = await probeBookinfo(asBookinfo, "http://127.0.0.1:9/productpage");
            assert.deepStrictEqual([badPort.verdict, badPort.detail], ["unreachable", "bad port"]);
        });

        it("never runs past the retry window's deadline by more than one interval", async () => {
            const hanging = await serve(() => undefined);
            // The cases at once, each timed on its own.
            await Promise.all([[150, 200], [250, 160], [100, 250]].map(async ([retryForMs, intervalMs]) => {
                const started = Date.now();
                const result = await verify(labEndpointsAt(`${hanging}/productpage`, hanging), { retryForMs, intervalMs, timeoutMs: 10_000 });
                const elapsed = Date.now() - started;
                const limit = retryForMs + intervalMs;
                assert.strictEqual(result.ok, false);
                assert.ok(elapsed <= limit + 150, `${retryForMs}/${intervalMs}: ${elapsed} ms`);
                assert.ok(elapsed >= retryForMs, `${retryForMs}/${intervalMs}: stopped early, ${elapsed} ms`);
            }));
        });
    });

    describe("each guarantee on its own", () => {
        it("fails a page missing any one part of the product page, and an arbitrary 200 page", async () => {
            const healthyPage = page("healthy");
            const pages = [...["Book Details", "ISBN-10", "Book Reviews", "Reviewer1"].map((part) => healthyPage.split(part).join("")), "<html><body>Welcome to nginx!</body></html>"];
            const results: ProbeResult[] = [];
            for (const body of pages) results.push(await probeBookinfo(asBookinfo, `${await serve((_req, res) => res.end(body))}/productpage`));
            assert.deepStrictEqual(results.map((r) => [r.verdict, r.detail]), [
                ["notProductPage", 'no "Book Details" on the page'],
                ["notProductPage", 'no "ISBN-10" on the page'],
                ["notProductPage", 'no "Book Reviews" on the page'],
                ["notProductPage", 'no "Reviewer1" on the page'],
                ["notProductPage", 'no "Book Details" on the page'],
            ]);
        });

        it("takes neither a redirect nor a 204 for an answer, on either URL", async () => {
            const healthyUrl = await serve((_req, res) => res.end(page("healthy")));
            const redirect = await serve((_req, res) => res.writeHead(302, { location: `${healthyUrl}/productpage` }).end());
            const empty = await serve((_req, res) => res.writeHead(204).end());
            const results = [
                await probeBookinfo(asBookinfo, `${redirect}/productpage`),
                await probeBookinfo(asBookinfo, `${empty}/productpage`),
                await probeGrafana(asGrafana, await serve(grafana({ login: (res) => res.writeHead(301, { location: "/login/" }).end() })), "pw"),
                await probeGrafana(asGrafana, await serve(grafana({ sources: (res) => res.writeHead(204).end() })), "pw"),
            ];
            assert.deepStrictEqual(results.map((r) => [r.verdict, r.detail]), [["unexpectedStatus", "HTTP 302"], ["unexpectedStatus", "HTTP 204"], ["unexpectedStatus", "HTTP 301"], ["unexpectedStatus", "HTTP 204"]]);
        });

        it("wants Grafana's own login page, not any page that names Grafana", async () => {
            const other = await probeGrafana(asGrafana, await serve(grafana({ login: (res) => res.end("<html><head><title>Welcome</title></head><body>Grafana is down for maintenance</body></html>") })), "pw");
            assert.deepStrictEqual([other.verdict, other.detail], ["unexpectedStatus", "the login page is not Grafana's"]);
        });

        it("chooses the Prometheus datasource by its type, and says so when there is none", async () => {
            const sources = [{ uid: "loki", name: "Prometheus", type: "loki" }, { uid: "metrics-uid", name: "Metrics", type: "prometheus" }];
            const asked: string[] = [];
            const byType = await probeGrafana(asGrafana, await serve(grafana({ list: sources, asked })), "pw");
            assert.deepStrictEqual([byType.verdict, asked], ["ok", ["/api/datasources/uid/metrics-uid/health"]]);
            const none = await probeGrafana(asGrafana, await serve(grafana({ list: [{ uid: "loki", name: "Prometheus", type: "loki" }] })), "pw");
            const empty = await probeGrafana(asGrafana, await serve(grafana({ list: [] })), "pw");
            assert.deepStrictEqual([[none.verdict, none.detail], [empty.verdict, empty.detail]], [["noDatasource", "types: loki"], ["noDatasource", "types: none"]]);
            assert.match(describeResult(none, ko, "nodePort"), /prometheus 유형의 데이터 소스가 없습니다/);
        });

        it("checks the health call's HTTP status and its body's status each on its own", async () => {
            const results = [];
            for (const [status, body] of [[200, { status: "OK", message: "ok" }], [200, { status: "ERROR", message: "bad gateway" }], [500, { status: "OK", message: "ok" }], [200, "<html>OK</html>"]] as const) {
                results.push(await probeGrafana(asGrafana, await serve(grafana({ health: (res) => res.writeHead(status).end(typeof body === "string" ? body : JSON.stringify(body)) })), "pw"));
            }
            assert.deepStrictEqual(results.map((r) => [r.verdict, r.detail]), [
                ["ok", undefined],
                ["datasourceUnhealthy", "Prometheus: bad gateway"],
                ["datasourceUnhealthy", "Prometheus: HTTP 500"],
                ["datasourceUnhealthy", "Prometheus: status undefined"],
            ]);
        });
    });
});

/** A Grafana whose answers can each be replaced; `delay` holds every answer that long. */
function grafana(options: {
    login?: (res: http.ServerResponse) => void;
    sources?: (res: http.ServerResponse) => void;
    list?: unknown[];
    health?: (res: http.ServerResponse) => void;
    asked?: string[];
    delay?: number;
}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
    const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        if (req.url === "/login") return void (options.login ?? ((r) => r.end("<!DOCTYPE html><html><head><title>Grafana</title></head><body>login</body></html>")))(res);
        if (req.headers.authorization !== `Basic ${Buffer.from("admin:pw").toString("base64")}`) return void res.writeHead(401).end();
        if (req.url === "/api/datasources") return void (options.sources ?? ((r) => r.end(JSON.stringify(options.list ?? [{ uid: "prometheus", name: "Prometheus", type: "prometheus" }]))))(res);
        if (req.url?.endsWith("/health")) {
            options.asked?.push(req.url);
            return void (options.health ?? ((r) => r.end(JSON.stringify(healthy))))(res);
        }
        res.writeHead(404).end();
    };
    return (req, res) => (options.delay ? void setTimeout(() => answer(req, res), options.delay) : answer(req, res));
}

describe("platform checks through Grafana's Prometheus datasource", () => {
    afterEach(closeAll);

    const grafanaOf = (cluster: FakeCluster, password = "pw") => serve(fakeGrafana({ password, health: healthy, cluster }));
    /** Grafana's endpoint alone, verified once (or as `options` say); each result without its time. */
    async function verifyGrafana(url: string, options: VerifyOptions = {}) {
        const verification = await verify({ targets: [labTargets("http://unused/productpage", url)[1]], grafanaPassword: "pw" }, options);
        return { ...verification, seen: verification.results.map((r) => Object.fromEntries(Object.entries(r).filter(([key]) => key !== "ms"))) };
    }
    const urlOf = (check: string, grafana: string) => (check === "bookinfoDashboard" ? `${grafana}/d/k8s-lab-bookinfo` : grafana);
    /** Every result of a healthy lab, with `failed` in place of its check's. */
    const expected = (grafana: string, failed: Record<string, { verdict: string; detail: string; status?: number }> = {}) => [
        { target: "grafana", title: "Grafana", url: grafana, verdict: "ok" },
        ...platformChecks.map((target) => (failed[target] === undefined ? { target, title: "Grafana", url: urlOf(target, grafana), verdict: "ok" } : { target, title: "Grafana", url: urlOf(target, grafana), status: 200, ...failed[target] })),
    ];
    const sentences = (results: ProbeResult[], t = en) => results.map((r) => describeResult(r, t, "nodePort").replace(/\d+ ms/, "N ms"));

    it("passes a healthy lab, each check saying what it found, in English and Korean", async () => {
        const grafana = await grafanaOf(healthyCluster());
        const result = await verifyGrafana(grafana);
        assert.deepStrictEqual([result.ok, result.seen], [true, expected(grafana)]);
        assert.deepStrictEqual(sentences(result.results.slice(1)), [
            `Grafana reports the Linkerd proxy in every running Bookinfo pod (N ms): ${grafana}`,
            `Grafana reports Prometheus scraping the Linkerd proxy of every running Bookinfo pod (N ms): ${grafana}`,
            `Grafana shows data in every panel of the Bookinfo dashboard (N ms): ${grafana}/d/k8s-lab-bookinfo`,
            `Grafana reports every alert rule of this lab loaded in Prometheus (N ms): ${grafana}`,
        ]);
        assert.deepStrictEqual(sentences(result.results.slice(1), ko), [
            `실행 중인 모든 Bookinfo 파드에 Linkerd 프록시가 있습니다(Grafana 서비스로 조회, N ms): ${grafana}`,
            `Prometheus가 실행 중인 모든 Bookinfo 파드의 Linkerd 프록시를 수집하고 있습니다(Grafana 서비스로 조회, N ms): ${grafana}`,
            `Bookinfo 대시보드의 모든 패널에 데이터가 있습니다(Grafana 서비스로 조회, N ms): ${grafana}/d/k8s-lab-bookinfo`,
            `이 실습 환경의 알림 규칙이 모두 Prometheus에 로드되어 있습니다(Grafana 서비스로 조회, N ms): ${grafana}`,
        ]);
    });

    it("names the Bookinfo pods that run without the Linkerd proxy", async () => {
        const grafana = await grafanaOf(healthyCluster({ meshed: bookinfoPods.filter((pod) => !pod.startsWith("reviews-v2") && !pod.startsWith("details")) }));
        const result = await verifyGrafana(grafana);
        const detail = "details-v1-6c9f8b7d4-2xkqz, reviews-v2-9c7d8f6b4-t6wpx";
        assert.deepStrictEqual([result.ok, result.seen], [false, expected(grafana, { linkerdProxies: { verdict: "unmeshedPods", detail } })]);
        assert.strictEqual(describeResult(result.results[1], en, "nodePort"), `Grafana answers at ${grafana}, but these Bookinfo pods run without the Linkerd proxy: ${detail}. Next: once Linkerd's proxy injector is ready (kubectl -n linkerd get pods), restart their Deployments (kubectl -n bookinfo rollout restart deployment), or run up again: its traffic check does so.`);
        assert.strictEqual(describeResult(result.results[1], ko, "nodePort"), `Grafana 서비스는 응답하지만 다음 Bookinfo 파드가 Linkerd 프록시 없이 실행 중입니다(${grafana}): ${detail}. Linkerd 프록시 인젝터가 준비된 뒤(kubectl -n linkerd get pods) 해당 Deployment를 다시 시작하거나(kubectl -n bookinfo rollout restart deployment), up을 다시 실행하세요. up의 트래픽 확인이 다시 시작합니다.`);
    });

    it("fails, rather than passes on nothing, when Prometheus sees no running Bookinfo pod", async () => {
        const grafana = await grafanaOf(healthyCluster({ running: [] }));
        const result = await verifyGrafana(grafana);
        const none = { verdict: "noBookinfoPods", detail: "" };
        assert.deepStrictEqual(result.seen, expected(grafana, { linkerdProxies: none, proxyTargets: none }));
        assert.strictEqual(describeResult(result.results[1], en, "nodePort"), `Grafana answers at ${grafana}, but Prometheus sees no running pod of a Bookinfo Deployment (kube-state-metrics' metrics). Next: check the pods (kubectl -n bookinfo get pods) and kube-state-metrics (kubectl -n monitoring get pods).`);
        assert.strictEqual(describeResult(result.results[2], ko, "nodePort"), `Grafana 서비스는 응답하지만 Prometheus에서 실행 중인 Bookinfo Deployment 파드가 보이지 않습니다(${grafana}, kube-state-metrics 메트릭 기준). 파드(kubectl -n bookinfo get pods)와 kube-state-metrics(kubectl -n monitoring get pods)를 확인하세요.`);
    });

    it("names the pods whose proxy Prometheus does not scrape, or scrapes without success", async () => {
        const cluster = healthyCluster();
        // Prometheus's lastError is shown without the escape sequence and the CR it has.
        cluster.targets = cluster.targets.filter((t) => !t.labels?.pod?.startsWith("ratings")).map((t) => (t.labels?.pod?.startsWith("productpage") ? { ...t, health: "down", lastError: "context \u001b[1mdeadline\u001b[0m\rexceeded" } : t));
        const grafana = await grafanaOf(cluster);
        const result = await verifyGrafana(grafana);
        const detail = "productpage-v1-7f8d5b9c6-h4jtw (context deadline exceeded), ratings-v1-5d7c9f6b8-q8zrm";
        assert.deepStrictEqual(result.seen, expected(grafana, { proxyTargets: { verdict: "proxyTargetsMissing", detail } }));
        assert.strictEqual(describeResult(result.results[2], en, "nodePort"), `Grafana answers at ${grafana}, but Prometheus does not scrape the Linkerd proxy of these Bookinfo pods (job linkerd/linkerd-proxy): ${detail}. Next: check Linkerd's PodMonitor (kubectl -n linkerd get podmonitors) and the Prometheus Operator's logs.`);
        assert.strictEqual(describeResult(result.results[2], ko, "nodePort"), `Grafana 서비스는 응답하지만 Prometheus가 다음 Bookinfo 파드의 Linkerd 프록시를 수집하지 않습니다(${grafana}, 수집 작업: linkerd/linkerd-proxy): ${detail}. Linkerd의 PodMonitor(kubectl -n linkerd get podmonitors)와 Prometheus Operator 로그를 확인하세요.`);
    });

    it("waits for the targets of new pods Prometheus has not scraped yet: a verdict of their own, which the retry window outlasts", async () => {
        const cluster = healthyCluster();
        cluster.targets = cluster.targets.map((t) => (t.labels?.pod?.startsWith("details") ? { ...t, health: "unknown" } : t));
        const grafana = await grafanaOf(cluster);
        const result = await verifyGrafana(grafana);
        const detail = "details-v1-6c9f8b7d4-2xkqz";
        assert.deepStrictEqual(result.seen, expected(grafana, { proxyTargets: { verdict: "proxyTargetsPending", detail } }));
        assert.strictEqual(describeResult(result.results[2], en, "nodePort"), `Grafana answers at ${grafana}, but Prometheus has not scraped the Linkerd proxy of these new Bookinfo pods yet (job linkerd/linkerd-proxy): ${detail}. Next: wait a minute and verify again; if it lasts, check Prometheus's targets page.`);
        assert.strictEqual(describeResult(result.results[2], ko, "nodePort"), `Grafana 서비스는 응답하지만 Prometheus가 다음 새 Bookinfo 파드의 Linkerd 프록시를 아직 수집하지 않았습니다(${grafana}, 수집 작업: linkerd/linkerd-proxy): ${detail}. 1분쯤 기다린 뒤 다시 검증하고, 계속되면 Prometheus의 수집 대상 페이지를 확인하세요.`);
        const settled = await verifyGrafana(grafana, {
            retryForMs: 5000,
            intervalMs: 50,
            onAttempt: (attempt) => void (attempt === 1 && (cluster.targets = healthyCluster().targets)),
        });
        assert.deepStrictEqual([settled.ok, settled.attempts], [true, 2]);
    });

    it("names the dashboard's panels without data, running each query of the live dashboard through Grafana", async () => {
        const cluster = healthyCluster();
        const latency = panelQueries(bookinfoDashboard()).filter((q) => q.panel.startsWith("Latency"));
        cluster.values = { [latency[2].expr]: [] };
        const grafana = await grafanaOf(cluster);
        const result = await verifyGrafana(grafana);
        const detail = '"Latency p50 / p95 / p99 per deployment (inbound, ms)"';
        assert.deepStrictEqual(result.seen, expected(grafana, { bookinfoDashboard: { verdict: "panelsWithoutData", detail } }));
        assert.deepStrictEqual(cluster.asked.filter((q) => !(Object.values(podQueries) as string[]).includes(q)).sort(), panelQueries(bookinfoDashboard()).map((q) => q.expr).sort());
        // With one series (of 1) each, it passes: the line between.
        cluster.values = {};
        assert.strictEqual((await verifyGrafana(grafana)).ok, true);
        assert.strictEqual(describeResult(result.results[3], en, "nodePort"), `Grafana answers at ${grafana}/d/k8s-lab-bookinfo, but these panels of the Bookinfo dashboard have no data: ${detail}. Next: wait for a few minutes of traffic (a rate needs two scrapes), then check the proxies' targets and the load generator (kubectl -n bookinfo get pods).`);
        assert.strictEqual(describeResult(result.results[3], ko, "nodePort"), `Grafana 서비스는 응답하지만 Bookinfo 대시보드의 다음 패널에 데이터가 없습니다(${grafana}/d/k8s-lab-bookinfo): ${detail}. 트래픽이 몇 분 흐를 때까지 기다린 뒤(rate에는 수집이 두 번 필요합니다) 프록시 수집 대상과 부하 생성기를 확인하세요(kubectl -n bookinfo get pods).`);
    });

    it("counts no traffic as no data: a request rate of zero, and ratios and quantiles of zero rates (NaN)", async () => {
        const cluster = healthyCluster();
        const [requests, success, p50, p95, p99, edges] = panelQueries(bookinfoDashboard()).map((q) => q.expr);
        const grafana = await grafanaOf(cluster);
        // No traffic at all: every rate 0, so every ratio and quantile NaN (or ±Inf).
        cluster.values = { [requests]: [0, 0], [success]: [NaN], [p50]: [NaN, NaN], [p95]: [Infinity], [p99]: [-Infinity], [edges]: [NaN] };
        const idle = await verifyGrafana(grafana);
        const titles = [...new Set(panelQueries(bookinfoDashboard()).map((q) => JSON.stringify(q.panel)))].join(", ");
        assert.deepStrictEqual(idle.seen, expected(grafana, { bookinfoDashboard: { verdict: "panelsWithoutData", detail: titles } }));
        // One deployment with traffic: one finite value per query, above zero for the request rate, is enough.
        cluster.values = { [requests]: [0, 0.4], [success]: [NaN, 1], [p50]: [NaN, 3], [p95]: [4], [p99]: [Infinity, 9], [edges]: [0] };
        assert.deepStrictEqual((await verifyGrafana(grafana)).seen, expected(grafana));
        // A finite zero is data for a ratio, not for the request rate.
        cluster.values = { [requests]: [0] };
        assert.deepStrictEqual((await verifyGrafana(grafana)).seen, expected(grafana, { bookinfoDashboard: { verdict: "panelsWithoutData", detail: '"Request rate per deployment (inbound, req/s)"' } }));
    });

    it("says when this lab's own dashboard file cannot be read, as a verdict", async () => {
        const grafana = await grafanaOf(healthyCluster());
        const result = await verifyGrafana(grafana, { dashboard: readDashboard(path.join(__dirname, "no-such-dashboard.json")) });
        const [detail] = result.seen.filter((r) => r.target === "bookinfoDashboard").map((r) => String(r.detail));
        assert.match(detail, /^dashboards\/bookinfo\.json: ENOENT: no such file or directory/);
        assert.deepStrictEqual(result.seen, [...expected(grafana).filter((r) => r.target !== "bookinfoDashboard"), { target: "bookinfoDashboard", title: "Grafana", url: grafana, verdict: "noShippedDashboard", detail, status: undefined }].sort((a, b) => expected(grafana).findIndex((r) => r.target === a.target) - expected(grafana).findIndex((r) => r.target === b.target)));
        const failed = result.results.find((r) => r.target === "bookinfoDashboard") as ProbeResult;
        assert.strictEqual(describeResult(failed, en, "nodePort"), `Grafana answers at ${grafana}, but this lab's own Bookinfo dashboard cannot be read (${detail}), so there is nothing to check its panels against. Next: restore the file (git checkout -- dashboards/bookinfo.json) and run up again.`);
        assert.strictEqual(describeResult(failed, ko, "nodePort"), `Grafana 서비스는 응답하지만 이 실습 환경의 Bookinfo 대시보드 파일을 읽을 수 없어 패널을 비교할 기준이 없습니다(${grafana}, ${detail}). 파일을 복원하고(git checkout -- dashboards/bookinfo.json) up을 다시 실행하세요.`);
    });

    it("says when Grafana has no Bookinfo dashboard, or one that differs from the shipped one", async () => {
        const missing = await grafanaOf(healthyCluster({ dashboard: undefined }));
        const shipped = bookinfoDashboard();
        const [first, ...others] = shipped.panels ?? [];
        const changed = await grafanaOf(healthyCluster({ dashboard: { ...shipped, panels: [{ ...first, targets: [{ refId: "A", expr: "sum(rate(request_total[5m]))" }] }, ...others] } }));
        const [none, edited] = [await verifyGrafana(missing), await verifyGrafana(changed)];
        assert.deepStrictEqual(none.seen, expected(missing, { bookinfoDashboard: { verdict: "noDashboard", detail: "k8s-lab-bookinfo", status: 404 } }));
        assert.deepStrictEqual(edited.seen, expected(changed, { bookinfoDashboard: { verdict: "dashboardChanged", detail: '"Request rate per deployment (inbound, req/s)"' } }));
        assert.strictEqual(describeResult(none.results[3], en, "nodePort"), `Grafana answers at ${missing}/d/k8s-lab-bookinfo, but has no dashboard with uid k8s-lab-bookinfo. Next: check that Grafana's sidecar loaded the ConfigMap monitoring/bookinfo-dashboard (kubectl -n monitoring get configmaps -l grafana_dashboard=1).`);
        assert.strictEqual(describeResult(none.results[3], ko, "nodePort"), `Grafana 서비스는 응답하지만 uid가 k8s-lab-bookinfo 값인 대시보드가 없습니다(${missing}/d/k8s-lab-bookinfo). Grafana 사이드카가 ConfigMap monitoring/bookinfo-dashboard를 읽었는지 확인하세요(kubectl -n monitoring get configmaps -l grafana_dashboard=1).`);
        assert.strictEqual(describeResult(edited.results[3], en, "nodePort"), `Grafana answers at ${changed}/d/k8s-lab-bookinfo, but its Bookinfo dashboard differs from the one this lab ships, in these panels: "Request rate per deployment (inbound, req/s)". Next: run up again to ship it, and save your own changes in a copy of the dashboard.`);
        assert.strictEqual(describeResult(edited.results[3], ko, "nodePort"), `Grafana 서비스는 응답하지만 Bookinfo 대시보드가 이 실습 환경이 배포한 것과 다릅니다(${changed}/d/k8s-lab-bookinfo). 다른 패널: "Request rate per deployment (inbound, req/s)". up을 다시 실행해 대시보드를 다시 배포하고, 직접 바꾼 내용은 대시보드 사본에 저장하세요.`);
    });

    it("names the alert rules of lib/alerts.ts that Prometheus has not loaded", async () => {
        const cluster = healthyCluster();
        const [group] = bookinfoAlertRules("en");
        const [kept, ...dropped] = group.rules;
        cluster.groups = [{ name: group.name, rules: [{ name: kept.alert, type: "alerting" }] }];
        const grafana = await grafanaOf(cluster);
        const result = await verifyGrafana(grafana);
        const detail = dropped.map((r) => `${group.name}/${r.alert}`).join(", ");
        assert.deepStrictEqual(result.seen, expected(grafana, { alertRules: { verdict: "alertRulesMissing", detail } }));
        assert.strictEqual(describeResult(result.results[4], en, "nodePort"), `Grafana answers at ${grafana}, but Prometheus has not loaded these alert rules: ${detail}. Next: check the PrometheusRule monitoring/bookinfo (kubectl -n monitoring get prometheusrules) and the Prometheus Operator's logs.`);
        assert.strictEqual(describeResult(result.results[4], ko, "nodePort"), `Grafana 서비스는 응답하지만 Prometheus에 다음 알림 규칙이 로드되지 않았습니다(${grafana}): ${detail}. PrometheusRule monitoring/bookinfo(kubectl -n monitoring get prometheusrules)와 Prometheus Operator 로그를 확인하세요.`);
    });

    it("names the alert rules Prometheus fails to evaluate, with their error, and those it has not evaluated yet", async () => {
        const cluster = healthyCluster();
        const [group] = bookinfoAlertRules("en");
        const [first, second] = group.rules;
        const grafana = await grafanaOf(cluster);
        const withHealth = (health: Record<string, { health: string; lastError?: string }>) => cluster.groups.map((g) => ({ ...g, rules: (g.rules ?? []).map((r) => ({ ...r, ...health[r.name ?? ""] })) }));
        cluster.groups = withHealth({ [first.alert]: { health: "err", lastError: "vector contains metrics\r\nwith the same labelset after \u001b]0;pwned\u0007applying alert labels" }, [second.alert]: { health: "unknown" } });
        const failing = await verifyGrafana(grafana);
        const detail = `${group.name}/${first.alert} (vector contains metrics with the same labelset after applying alert labels)`;
        assert.deepStrictEqual(failing.seen, expected(grafana, { alertRules: { verdict: "alertRulesFailing", detail } }));
        assert.strictEqual(describeResult(failing.results[4], en, "nodePort"), `Grafana answers at ${grafana}, but Prometheus fails to evaluate these alert rules: ${detail}. Next: read each rule's error on Prometheus's rules page, fix its expression in lib/alerts.ts and run up again.`);
        assert.strictEqual(describeResult(failing.results[4], ko, "nodePort"), `Grafana 서비스는 응답하지만 Prometheus가 다음 알림 규칙을 평가하지 못합니다(${grafana}): ${detail}. Prometheus의 규칙 페이지에서 규칙마다 오류를 읽고 lib/alerts.ts의 식을 고친 뒤 up을 다시 실행하세요.`);
        cluster.groups = withHealth({ [first.alert]: { health: "ok" } });
        const pending = await verifyGrafana(grafana);
        const notYet = `${group.name}/${second.alert}`;
        assert.deepStrictEqual(pending.seen, expected(grafana, { alertRules: { verdict: "alertRulesPending", detail: notYet } }));
        assert.strictEqual(describeResult(pending.results[4], en, "nodePort"), `Grafana answers at ${grafana}, but Prometheus has not evaluated these alert rules yet: ${notYet}. Next: wait a minute and verify again; if it lasts, check the Prometheus pod's logs (kubectl -n monitoring get pods).`);
        assert.strictEqual(describeResult(pending.results[4], ko, "nodePort"), `Grafana 서비스는 응답하지만 Prometheus가 다음 알림 규칙을 아직 평가하지 않았습니다(${grafana}): ${notYet}. 1분쯤 기다린 뒤 다시 검증하고, 계속되면 Prometheus 파드 로그를 확인하세요(kubectl -n monitoring get pods).`);
        cluster.groups = withHealth({ [second.alert]: { health: "ok" } });
        assert.deepStrictEqual((await verifyGrafana(grafana)).seen, expected(grafana));
    });

    it("gives Prometheus's errors, and what is not its answer, a verdict of their own through the datasource proxy", async () => {
        const failing = (status: number, body: string, only: RegExp) => {
            const handler = fakeGrafana({ password: "pw", health: healthy, cluster: healthyCluster() });
            return serve((req, res) => (only.test(req.url ?? "") ? void res.writeHead(status).end(body) : handler(req, res)));
        };
        const unavailable = await failing(503, JSON.stringify({ status: "error", errorType: "unavailable", error: "TSDB not ready" }), /\/api\/v1\/query\?/);
        const gateway = await failing(502, "<html><body>502 Bad Gateway</body></html>", /\/api\/v1\/(rules|targets)\?/);
        const [down, proxied] = [await verifyGrafana(unavailable), await verifyGrafana(gateway)];
        const tsdb = { verdict: "prometheusError", detail: "a query: HTTP 503, unavailable: TSDB not ready", status: 503 };
        assert.deepStrictEqual(down.seen, expected(unavailable, { linkerdProxies: tsdb, proxyTargets: tsdb }));
        assert.deepStrictEqual(proxied.seen, expected(gateway, {
            proxyTargets: { verdict: "prometheusError", detail: 'the targets API: HTTP 502, "<html><body>502 Bad Gateway</body></html>"', status: 502 },
            alertRules: { verdict: "prometheusError", detail: 'the rules API: HTTP 502, "<html><body>502 Bad Gateway</body></html>"', status: 502 },
        }));
        assert.strictEqual(describeResult(down.results[1], en, "nodePort"), `Grafana answers at ${unavailable}, but Prometheus, asked through its datasource, answered an error (a query: HTTP 503, unavailable: TSDB not ready). Next: check the Prometheus pod and its logs (kubectl -n monitoring get pods).`);
        assert.strictEqual(describeResult(down.results[1], ko, "nodePort"), `Grafana 서비스는 응답하지만 데이터 소스를 통해 조회한 Prometheus가 오류를 반환했습니다(${unavailable}, a query: HTTP 503, unavailable: TSDB not ready). Prometheus 파드와 로그를 확인하세요(kubectl -n monitoring get pods).`);
    });

    it("calls a refusal after Grafana answered a lost connection (reset), never refused: no other exposure is tried for it", async () => {
        const inner = fakeGrafana({ password: "pw", health: healthy, cluster: healthyCluster() });
        // Grafana goes away once its own check passed: the platform checks' connections are refused.
        const server = http.createServer((req, res) => {
            if (req.url === "/api/datasources/uid/prometheus/health") res.on("finish", () => void (server.close(), server.closeAllConnections()));
            inner(req, res);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const grafana = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        const result = await verifyGrafana(grafana);
        assert.deepStrictEqual(result.results.map((r) => [r.target, r.verdict]), [["grafana", "ok"], ...platformChecks.map((check) => [check, "reset"])]);
        assert.ok(result.results.every((r) => !networkVerdicts.includes(r.verdict)));
        assert.ok(result.results.slice(1).some((r) => r.detail === "ECONNREFUSED after an answer"), JSON.stringify(result.results.map((r) => r.detail)));
    });

    it("runs none of them while Grafana's own check fails: that result alone tells", async () => {
        const sick = await serve(fakeGrafana({ password: "pw", health: { status: "ERROR", message: "connection refused" }, cluster: healthyCluster() }));
        const other = await grafanaOf(healthyCluster(), "another password");
        assert.deepStrictEqual((await verifyGrafana(sick)).seen, [{ target: "grafana", title: "Grafana", url: sick, verdict: "datasourceUnhealthy", status: 400, detail: "Prometheus: connection refused" }]);
        assert.deepStrictEqual((await verifyGrafana(other)).seen, [{ target: "grafana", title: "Grafana", url: other, verdict: "unauthorized", status: 401, detail: "HTTP 401" }]);
    });

    it("retries them with the URLs until the cluster catches up: green on a later attempt", async () => {
        const cluster = healthyCluster({ meshed: bookinfoPods.slice(1), targets: [], values: Object.fromEntries(panelQueries(bookinfoDashboard()).map((q) => [q.expr, []])), groups: [] });
        const grafana = await grafanaOf(cluster);
        const bookinfo = await serve((_req, res) => res.end(page("healthy")));
        const lines: string[] = [];
        const result = await verify(labEndpointsAt(`${bookinfo}/productpage`, grafana), {
            retryForMs: 5000,
            intervalMs: 50,
            onAttempt: (attempt, results) => {
                lines.push(describeAttempt(attempt, results, en).replace(/\d+ ms/g, "N ms"));
                // The scrapes and the rules' reload arrive after the first attempt.
                if (attempt === 1) Object.assign(cluster, healthyCluster({ asked: cluster.asked }));
            },
        });
        assert.deepStrictEqual([result.ok, result.attempts], [true, 2]);
        assert.deepStrictEqual(result.results.map((r) => [r.target, r.verdict]), [["bookinfo", "ok"], ["grafana", "ok"], ...platformOk]);
        assert.deepStrictEqual(lines, [
            "Attempt 1: bookinfo ok (N ms), grafana ok (N ms), linkerdProxies unmeshedPods (N ms), proxyTargets proxyTargetsMissing (N ms), bookinfoDashboard panelsWithoutData (N ms), alertRules alertRulesMissing (N ms)",
            `Attempt 2: bookinfo ok (N ms), grafana ok (N ms), ${platformChecks.map((check) => `${check} ok (N ms)`).join(", ")}`,
        ]);
        assert.strictEqual(describeAttempt(1, [{ target: "proxyTargets", title: "Grafana", url: grafana, verdict: "proxyTargetsMissing", ms: 3 }], ko), "시도 1: proxyTargets 수집 대상 누락 (3 ms)");
    });

    it("gives each check its own budget, cut to what is left of the retry window, when Prometheus hangs behind a healthy Grafana, and calls it slow", async () => {
        const inner = fakeGrafana({ password: "pw", health: healthy, cluster: healthyCluster() });
        // Grafana's own check takes most of the first attempt's budget: its login page is slow.
        const hanging = await serve((req, res) => (/^\/api\/(datasources\/proxy|dashboards)\//.test(req.url ?? "") ? undefined : req.url === "/login" ? void setTimeout(() => inner(req, res), 350) : inner(req, res)));
        // Both at once, the second timed on its own.
        const started = Date.now();
        const [once, [windowed, elapsed]] = await Promise.all([
            verifyGrafana(hanging, { timeoutMs: 1000 }),
            verifyGrafana(hanging, { retryForMs: 300, intervalMs: 200 }).then((result) => [result, Date.now() - started] as const),
        ]);
        // Grafana answered, so the port is reached: slow, which no other exposure would help (not a network verdict).
        const silent = { verdict: "slow", detail: "answered, but the whole check took longer than 1 s" };
        assert.deepStrictEqual(once.seen, expected(hanging, Object.fromEntries(platformChecks.map((check) => [check, silent]))).map((r) => (r.target === "grafana" ? r : { ...r, status: undefined })));
        assert.ok(!networkVerdicts.includes("slow"));
        assert.strictEqual(windowed.ok, false);
        assert.ok(elapsed >= 300 && elapsed <= 500 + 150, `${elapsed} ms`);
    });

    it("asks the live dashboard's queries with the dashboard's variables substituted, Grafana's built-ins left to Grafana", async () => {
        const dashboard: Dashboard = {
            uid: "k8s-lab-bookinfo",
            templating: { list: [{ name: "datasource", type: "datasource" }, { name: "namespace", type: "custom", current: { value: "bookinfo" } }] },
            panels: [{ title: "Requests", datasource: { type: "prometheus", uid: "${datasource}" }, targets: [{ refId: "A", expr: 'sum(rate(request_total{namespace="$namespace"}[$__rate_interval])) * $__range_s' }] }],
        };
        const cluster = healthyCluster({ dashboard });
        const grafana = await grafanaOf(cluster);
        const result = await verifyGrafana(grafana, { dashboard: { dashboard } });
        assert.strictEqual(result.ok, true);
        assert.deepStrictEqual(cluster.asked.filter((q) => q.startsWith("sum(")), ['sum(rate(request_total{namespace="bookinfo"}[$__rate_interval])) * $__range_s']);
        // A variable the dashboard does not define reaches Grafana as written, and its error is the verdict.
        const unknown: Dashboard = { ...dashboard, templating: { list: [{ name: "datasource", type: "datasource" }] } };
        cluster.dashboard = unknown;
        const failed = await verifyGrafana(grafana, { dashboard: { dashboard: unknown } });
        const detail = 'a panel\'s query: HTTP 400, bad_data: invalid parameter "query": 1:1: parse error: unexpected character: \'$\'';
        assert.deepStrictEqual(failed.seen, expected(grafana, { bookinfoDashboard: { verdict: "prometheusError", detail, status: 400 } }));
    });
});
