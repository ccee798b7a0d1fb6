import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { describe as describeResult } from "../../lib/access";
import { translator } from "../../lib/messages";
import { probeBookinfo, probeGrafana, verify } from "../../lib/probe";
import { closeAll, closedPort, fakeGrafana, serve } from "../harness/servers";

const page = (name: string) => fs.readFileSync(path.join(__dirname, "..", "fixtures", "productpage", `${name}.html`), "utf8");
const healthy = { status: "OK", message: "Successfully queried the Prometheus API." };
const en = translator("en");
const ko = translator("ko");

describe("probes", () => {
    afterEach(closeAll);

    it("passes a whole product page", async () => {
        const url = await serve((_req, res) => res.end(page("healthy")));
        const result = await probeBookinfo(`${url}/productpage`);
        assert.strictEqual(result.verdict, "ok");
        assert.ok(result.ms < 10_000);
        assert.match(describeResult(result, en, "nodePort"), /^Bookinfo answered in \d+ ms/);
    });

    it("tells a refused connection from a timeout, a 5xx and a 200 that is not the product page", async () => {
        const slow = await serve((_req, res) => void setTimeout(() => res.end(page("healthy")), 1500));
        const failing = await serve((_req, res) => res.writeHead(500).end("Internal Server Error"));
        const unavailable = await serve((_req, res) => res.end(page("reviews-unavailable")));
        const results = await Promise.all([
            probeBookinfo(`${await closedPort()}/productpage`, 300),
            probeBookinfo(`${slow}/productpage`, 300),
            probeBookinfo(`${failing}/productpage`, 300),
            probeBookinfo(`${unavailable}/productpage`, 300),
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
        assert.strictEqual((await probeGrafana(url, "pw")).verdict, "ok");
    });

    it("reports Grafana's unhealthy datasource, the field reports' plugin error, and wrong credentials", async () => {
        const sick = await serve(fakeGrafana({ password: "pw", health: { status: "ERROR", message: "Post \"http://kube-prometheus-stack-prometheus.monitoring:9090/api/v1/query\": context deadline exceeded" } }));
        const unhealthy = await probeGrafana(sick, "pw");
        assert.strictEqual(unhealthy.verdict, "datasourceUnhealthy");
        assert.match(describeResult(unhealthy, en, "nodePort"), /Prometheus datasource is unhealthy \(Prometheus: Post .*context deadline exceeded\), the field reports' plugin error\. Next: check pod traffic between nodes/);
        assert.match(describeResult(unhealthy, ko, "nodePort"), /Prometheus 데이터 소스가 비정상입니다/);
        const wrong = await probeGrafana(sick, "not-the-password");
        assert.strictEqual(wrong.verdict, "unauthorized");
    });

    it("retries while the cluster settles, and gives up after the retry window", async () => {
        let calls = 0;
        const settling = await serve((_req, res) => (++calls < 3 ? res.writeHead(503).end() : res.end(page("healthy"))));
        const grafana = await serve(fakeGrafana({ password: "pw", health: healthy }));
        const settled = await verify({ bookinfoUrl: `${settling}/productpage`, grafanaUrl: grafana, grafanaPassword: "pw" }, { retryForMs: 5000, intervalMs: 50 });
        assert.deepStrictEqual([settled.ok, settled.attempts], [true, 3]);
        const started = Date.now();
        const never = await verify({ bookinfoUrl: `${await closedPort()}/productpage`, grafanaUrl: grafana, grafanaPassword: "pw" }, { retryForMs: 200, intervalMs: 50 });
        assert.strictEqual(never.ok, false);
        assert.ok(Date.now() - started < 3000, "it stopped after the retry window");
        assert.deepStrictEqual(never.results.map((r) => r.verdict), ["refused", "ok"]);
    });
});
