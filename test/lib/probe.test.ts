import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as http from "http";
import { describeAttempt, resultSentence as describeResult } from "../../lib/access";
import { translator } from "../../lib/messages";
import { platformChecks, ProbeResult, probeAnswers, probeBookinfo, probeGrafana, verify } from "../../lib/probe";
import { labEndpointsAt } from "../harness/endpoints";
import { closeAll, closedPort, fakeGrafana, serve } from "../harness/servers";

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
        assert.deepStrictEqual(never.results.map((r) => [r.target, r.verdict]), [["bookinfo", "refused"], ["grafana", "ok"], ...platformOk]);
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

        it("fails the KPI as slow, not as a timeout, when Grafana's three requests take 8 s each: one 10 s budget for the whole check", async () => {
            const url = await serve(grafana({ delay: 8000 }));
            const result = await probeGrafana(asGrafana, url, "pw");
            assert.deepStrictEqual([result.verdict, result.detail], ["slow", "answered, but the whole check took longer than 10 s"]);
            assert.ok(result.ms >= 10_000 && result.ms < 11_000, `${result.ms} ms`);
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
            for (const [retryForMs, intervalMs] of [[300, 200], [1000, 100], [150, 1000]]) {
                const started = Date.now();
                const result = await verify(labEndpointsAt(`${hanging}/productpage`, hanging), { retryForMs, intervalMs, timeoutMs: 10_000 });
                const elapsed = Date.now() - started;
                const limit = retryForMs + intervalMs;
                assert.strictEqual(result.ok, false);
                assert.ok(elapsed <= limit + 150, `${retryForMs}/${intervalMs}: ${elapsed} ms`);
                assert.ok(elapsed >= retryForMs, `${retryForMs}/${intervalMs}: stopped early, ${elapsed} ms`);
            }
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
