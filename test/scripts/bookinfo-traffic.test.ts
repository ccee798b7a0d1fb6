import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { message } from "../../lib/messages";
import { renderScript, scriptsDir } from "../../lib/scripts";
import { Sandbox } from "../harness/shell";

const fixtures = path.join(__dirname, "..", "fixtures", "productpage");
const page = (name: string) => fs.readFileSync(path.join(fixtures, `${name}.html`), "utf8");

/** Runs the traffic check with sh, as the Job does, against a URL. */
function traffic(url: string, count: number): Promise<{ status: number | null; stdout: string }> {
    return new Promise((resolve) => {
        const child = spawn("sh", [path.join(scriptsDir, "bookinfo-traffic.sh")], { env: { PATH: process.env.PATH, URL: url, COUNT: String(count), INTERVAL: "0" } });
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.on("close", (status) => resolve({ status, stdout }));
    });
}

describe("bookinfo-traffic.sh", () => {
    let server: http.Server;
    let base: string;
    /** What the fake productpage answers, request by request. */
    let answers: { status: number; body: string }[];
    before(async () => {
        server = http.createServer((_req, res) => {
            const answer = answers.length > 1 ? answers.shift() : answers[0];
            res.writeHead(answer?.status ?? 500, { "content-type": "text/html" }).end(answer?.body ?? "");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/productpage`;
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    it("passes when every page shows the book's details and reviews", async () => {
        answers = [{ status: 200, body: page("healthy") }];
        const result = await traffic(base, 5);
        assert.strictEqual(result.status, 0, result.stdout);
        assert.match(result.stdout, /^5 of 5 product pages complete$/m);
    });

    for (const [fixture, reason] of [
        ["reviews-unavailable", /request 2: a backend is down: product reviews are currently unavailable/],
        ["details-unavailable", /request 2: a backend is down: product details are currently unavailable/],
        ["ratings-unavailable", /request 2: a backend is down: Ratings service is currently unavailable/],
    ] as const) {
        it(`fails on the ${fixture} page, which productpage serves with HTTP 200`, async () => {
            answers = [{ status: 200, body: page("healthy") }, { status: 200, body: page(fixture) }, { status: 200, body: page("healthy") }];
            const result = await traffic(base, 3);
            assert.strictEqual(result.status, 1);
            assert.match(result.stdout, reason);
            assert.match(result.stdout, /^2 of 3 product pages complete$/m);
        });
    }

    it("fails on an error status and on a page that is not Bookinfo's", async () => {
        answers = [{ status: 503, body: "upstream connect error" }, { status: 200, body: "<html>Welcome to nginx!</html>" }];
        const result = await traffic(base, 2);
        assert.strictEqual(result.status, 1);
        assert.match(result.stdout, /request 1: HTTP 503/);
        assert.match(result.stdout, /request 2: no "Book Details" on the page/);
    });

    it("fails when nothing answers", async () => {
        const closed = http.createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/productpage`;
        await new Promise((resolve) => closed.close(resolve));
        const result = await traffic(url, 1);
        assert.strictEqual(result.status, 1);
        assert.match(result.stdout, /request 1: HTTP 000/);
    });
});

describe("bookinfo-traffic.sh warm-up", () => {
    let server: http.Server;
    let base: string;
    let answers: { status: number; body: string }[];
    let requests: number;
    before(async () => {
        server = http.createServer((_req, res) => {
            requests++;
            const answer = answers.length > 1 ? answers.shift() : answers[0];
            res.writeHead(answer?.status ?? 500, { "content-type": "text/html" }).end(answer?.body ?? "");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/productpage`;
    });
    beforeEach(() => (requests = 0));
    after(() => new Promise((resolve) => server.close(resolve)));

    const run = (env: Record<string, string>): Promise<{ status: number | null; stdout: string }> =>
        new Promise((resolve) => {
            const child = spawn("sh", [path.join(scriptsDir, "bookinfo-traffic.sh")], { env: { PATH: process.env.PATH, URL: base, INTERVAL: "0", WARMUP_PAUSE: "0", ...env } });
            let stdout = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.on("close", (status) => resolve({ status, stdout }));
        });
    const healthy = { status: 200, body: page("healthy") };
    const cold = { status: 200, body: page("reviews-unavailable") };

    it("does not count the cold pages of the warm-up, and starts counting after WARMUP_PAGES whole pages in a row", async () => {
        // cold, whole, cold (the streak starts again), whole × 3, then the 5 counted pages.
        answers = [cold, healthy, cold, healthy, healthy, healthy, healthy];
        const result = await run({ COUNT: "5", WARMUP_PAGES: "3", WARMUP_SECONDS: "60" });
        assert.strictEqual(result.status, 0, result.stdout);
        assert.strictEqual(result.stdout, "warm-up: 3 whole pages in a row after 6 requests\n5 of 5 product pages complete\n");
        assert.strictEqual(requests, 11);
    });

    it("without a warm-up, the same cold start fails the count", async () => {
        answers = [cold, healthy, cold, healthy, healthy, healthy, healthy];
        const result = await run({ COUNT: "5" });
        assert.strictEqual(result.status, 1);
        assert.match(result.stdout, /^3 of 5 product pages complete$/m);
        assert.ok(!result.stdout.includes("warm-up"));
    });

    it("gives up warming up after WARMUP_SECONDS and counts all the same, so a broken chain still gets its verdict", async () => {
        answers = [cold];
        const started = Date.now();
        const result = await run({ COUNT: "2", WARMUP_PAGES: "3", WARMUP_SECONDS: "1" });
        assert.strictEqual(result.status, 1);
        assert.match(result.stdout, /^warm-up: not 3 whole pages in a row within 1 s \(\d+ requests\); counting all the same$/m);
        assert.match(result.stdout, /^0 of 2 product pages complete$/m);
        assert.ok(Date.now() - started < 5000, "the warm-up is bounded");
    });
});

describe("bookinfo-traffic-check.sh", () => {
    const manifest = JSON.stringify({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "bookinfo-traffic-check", namespace: "bookinfo" } });
    const script = (attemptSeconds = 300) => renderScript("bookinfo-traffic-check.sh", {
        NAMESPACE: "bookinfo",
        JOB_NAME: "bookinfo-traffic-check",
        JOB_MANIFEST: manifest,
        ATTEMPTS: 3,
        ATTEMPT_SECONDS: attemptSeconds,
        MSG_INCOMPLETE: message("en", "bookinfo.trafficIncomplete", { attempts: "{attempts}", ok: "{ok}", count: "{count}" }),
        MSG_UNFINISHED: message("en", "bookinfo.trafficUnfinished", { attempts: "{attempts}", seconds: "{seconds}" }),
    });
    const deleteJob = "kubectl delete job bookinfo-traffic-check --namespace bookinfo --ignore-not-found --cascade=foreground --wait=true --timeout=120s";
    const createJob = "kubectl create -f -";
    const getJob = "kubectl get job bookinfo-traffic-check --namespace bookinfo -o jsonpath={.status.conditions[?(@.status==\"True\")].type}";
    const logs = "kubectl logs job/bookinfo-traffic-check --namespace bookinfo --container traffic";
    const listPods = "kubectl get pods --namespace bookinfo --selector job-name=bookinfo-traffic-check -o wide";

    let sandbox: Sandbox;
    /**
     * A fake cluster: each Job created takes the next line of `jobs`: `<polls while running>
     * <Complete|Failed|Running> [whole pages of 50]`. A Job without a count has no log yet.
     */
    const cluster = (jobs: string[]) => {
        fs.writeFileSync(path.join(sandbox.dir, "jobs"), jobs.map((j) => `${j}\n`).join(""));
        const dir = sandbox.dir;
        sandbox.fake("kubectl", `
case "$1" in
  delete) rm -f "${dir}/job" ;;
  create) cat > "${dir}/created"; head -n 1 "${dir}/jobs" > "${dir}/job"; sed -i 1d "${dir}/jobs" ;;
  get)
    [ "$2" = job ] || { echo "bookinfo-traffic-check-x7k2p   0/2   Init:ImagePullBackOff"; exit 0; }
    [ -f "${dir}/job" ] || exit 1
    read -r polls state ok < "${dir}/job"
    if [ "$polls" -gt 0 ]; then echo "$((polls - 1)) $state $ok" > "${dir}/job"; exit 0; fi
    case "$state" in Complete) printf 'SuccessCriteriaMet Complete' ;; Failed) printf 'FailureTarget Failed' ;; esac ;;
  logs)
    read -r _ _ ok < "${dir}/job"
    if [ -z "$ok" ]; then echo 'container "traffic" in pod "bookinfo-traffic-check-x7k2p" is waiting to start: PodInitializing' >&2; exit 1; fi
    echo "warm-up: 5 whole pages in a row after 9 requests"
    [ "$ok" = 50 ] || echo "request 7: a backend is down: product reviews are currently unavailable"
    echo "$ok of 50 product pages complete" ;;
esac`);
    };
    const attempt = (polls: number, outcome: string[]) => [deleteJob, createJob, ...Array.from({ length: polls }, () => [getJob, "sleep 5"]).flat(), getJob, logs, ...outcome];

    beforeEach(() => (sandbox = new Sandbox()));
    afterEach(() => sandbox.remove());

    it("replaces the previous Job, waits for the new one, prints its count and passes", () => {
        cluster(["2 Complete 50"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), attempt(2, []));
        assert.strictEqual(fs.readFileSync(path.join(sandbox.dir, "created"), "utf8"), `${manifest}\n`);
        assert.match(result.stderr, /^k8s-lab: traffic check, attempt 1 of 3: Complete\nwarm-up: 5 whole pages in a row after 9 requests\n50 of 50 product pages complete\n$/m);
    });

    it("tries a fresh Job after a failed one, and passes when the second passes", () => {
        cluster(["0 Failed 48", "0 Complete 50"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), [...attempt(0, []), ...attempt(0, [])]);
        assert.match(result.stderr, /attempt 1 of 3: Failed\n.*\nrequest 7: a backend is down: product reviews are currently unavailable\n48 of 50 product pages complete\n/);
    });

    it("fails with the last count after three failed Jobs, and the next up runs the check again and converges", () => {
        cluster(["0 Failed 48", "0 Failed 49", "0 Failed 47"]);
        const failed = sandbox.run(script());
        assert.strictEqual(failed.status, 1);
        assert.strictEqual(failed.stdout, "");
        assert.deepStrictEqual(sandbox.calls(), [...attempt(0, []), ...attempt(0, []), ...attempt(0, [])]);
        assert.strictEqual(failed.stderr.split("\n").filter((l) => l !== "").pop(), "The Bookinfo traffic check failed in all 3 attempts: in the last one, 47 of 50 product pages were whole after the warm-up (the failed requests are listed above). Next: kubectl -n bookinfo get pods, and the logs of the pod that fails.");

        // The next `up`: the failed Job is still there; the check deletes it and starts afresh.
        fs.writeFileSync(path.join(sandbox.dir, "calls.log"), "");
        cluster(["1 Complete 50"]);
        const next = sandbox.run(script());
        assert.strictEqual(next.status, 0, next.stderr);
        assert.strictEqual(next.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), attempt(1, []));
    });

    it("gives each Job a bounded time, lists its pods when it gave no count, and says so", () => {
        cluster(["0 Running", "0 Running", "0 Running"]);
        const result = sandbox.run(script(0));
        assert.strictEqual(result.status, 1);
        assert.deepStrictEqual(sandbox.calls(), [...attempt(0, [listPods]), ...attempt(0, [listPods]), ...attempt(0, [listPods])]);
        assert.match(result.stderr, /attempt 3 of 3: not finished after 0 s\ncontainer "traffic" in pod "bookinfo-traffic-check-x7k2p" is waiting to start: PodInitializing\nbookinfo-traffic-check-x7k2p {3}0\/2 {3}Init:ImagePullBackOff\n/);
        assert.strictEqual(result.stderr.split("\n").filter((l) => l !== "").pop(), "The Bookinfo traffic check failed in all 3 attempts: in the last one, its Job gave no count within 0 s (its pod is listed above). Next: kubectl -n bookinfo describe job bookinfo-traffic-check.");
    });

    it("says the verdict in Korean for a Korean stack", () => {
        cluster(["0 Failed 0", "0 Failed 0", "0 Failed 12"]);
        const result = sandbox.run(renderScript("bookinfo-traffic-check.sh", {
            NAMESPACE: "bookinfo", JOB_NAME: "bookinfo-traffic-check", JOB_MANIFEST: manifest, ATTEMPTS: 3, ATTEMPT_SECONDS: 300,
            MSG_INCOMPLETE: message("ko", "bookinfo.trafficIncomplete", { attempts: "{attempts}", ok: "{ok}", count: "{count}" }),
            MSG_UNFINISHED: message("ko", "bookinfo.trafficUnfinished", { attempts: "{attempts}", seconds: "{seconds}" }),
        }));
        assert.strictEqual(result.status, 1);
        assert.strictEqual(result.stderr.split("\n").filter((l) => l !== "").pop(), message("ko", "bookinfo.trafficIncomplete", { attempts: 3, ok: 12, count: 50 }));
    });
});
