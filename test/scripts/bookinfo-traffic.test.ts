import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import { AddressInfo } from "net";
import * as path from "path";
import { message } from "../../lib/messages";
import { renderScript, scriptsDir } from "../../lib/scripts";
import { trafficCheckDeadline } from "../../lib/trafficCheck";
import { Sandbox } from "../harness/shell";

const fixtures = path.join(__dirname, "..", "fixtures", "productpage");
const page = (name: string) => fs.readFileSync(path.join(fixtures, `${name}.html`), "utf8");

/** Runs the traffic check with sh, as the Job does, against a URL. */
function traffic(url: string, count: number): Promise<{ status: number | null; stdout: string }> {
    return new Promise((resolve) => {
        const child = spawn("sh", [path.join(scriptsDir, "bookinfo-traffic.sh")], { env: { PATH: process.env.PATH, URL: url, COUNT: String(count), INTERVAL: "0", REQUEST_SECONDS: "10" } });
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

    it("prints a running count every 10 requests, which the node reads when the Job is stopped at its deadline", async () => {
        answers = [...Array.from({ length: 11 }, () => ({ status: 200, body: page("healthy") })), { status: 200, body: page("reviews-unavailable") }, { status: 200, body: page("healthy") }];
        const result = await traffic(base, 25);
        assert.strictEqual(result.status, 1);
        assert.strictEqual(result.stdout, [
            "after 10 of 25 requests: 10 whole pages",
            "request 12: a backend is down: product reviews are currently unavailable",
            "after 20 of 25 requests: 19 whole pages",
            "24 of 25 product pages complete",
            "",
        ].join("\n"));
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
            const child = spawn("sh", [path.join(scriptsDir, "bookinfo-traffic.sh")], { env: { PATH: process.env.PATH, URL: base, INTERVAL: "0", WARMUP_PAUSE: "0", REQUEST_SECONDS: "10", ...env } });
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

describe("bookinfo-traffic.sh against a productpage that never answers", () => {
    let server: net.Server;
    const sockets: net.Socket[] = [];
    let url: string;
    before(async () => {
        server = net.createServer((socket) => void sockets.push(socket));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/productpage`;
    });
    after(() => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(resolve));
    });

    it("ends within the deadline derived from its numbers, each request cut at REQUEST_SECONDS", async () => {
        // Fractions of a second where the script passes them to curl and sleep; the warm-up's whole seconds are the clock's.
        const timing = { requests: 2, requestSeconds: 0.25, warmupSeconds: 1, warmupPauseSeconds: 0.25, startSeconds: 0 };
        const started = Date.now();
        const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
            const child = spawn("sh", [path.join(scriptsDir, "bookinfo-traffic.sh")], {
                env: {
                    PATH: process.env.PATH, URL: url, COUNT: String(timing.requests), INTERVAL: "0", REQUEST_SECONDS: String(timing.requestSeconds),
                    WARMUP_PAGES: "1", WARMUP_SECONDS: String(timing.warmupSeconds), WARMUP_PAUSE: String(timing.warmupPauseSeconds),
                },
            });
            let stdout = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.on("close", (status) => resolve({ status, stdout }));
        });
        const seconds = (Date.now() - started) / 1000;
        assert.strictEqual(result.status, 1);
        assert.match(result.stdout, /^warm-up: not 1 whole pages in a row within 1 s \(\d requests\); counting all the same\nrequest 1: HTTP 000\nrequest 2: HTTP 000\n0 of 2 product pages complete\n$/);
        // The warm-up stops once a whole second past WARMUP_SECONDS - 1 has gone; every request
        // then waits its full REQUEST_SECONDS. The derived deadline (here 1 + 0.25 + 0.25 + 2 × 0.25, with
        // no start time) is never passed, save for process start-up.
        assert.ok(seconds > timing.warmupSeconds - 1 + timing.requests * timing.requestSeconds, `${seconds} s: each request waited its time`);
        assert.ok(seconds <= trafficCheckDeadline(timing) + 0.5, `${seconds} s, past the deadline of ${trafficCheckDeadline(timing)} s`);
    });
});

describe("bookinfo-traffic-check.sh", () => {
    const manifest = JSON.stringify({ apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "bookinfo-traffic-check-", namespace: "bookinfo" } });
    const params = (waitSeconds = 751) => ({
        NAMESPACE: "bookinfo",
        JOB_LABEL: "app=bookinfo-traffic-check",
        JOB_MANIFEST: manifest,
        ATTEMPTS: 3,
        WAIT_SECONDS: waitSeconds,
        DEPLOYMENTS: "details-v1 reviews-v2 productpage-v1 bookinfo-loadgen",
        ROLLOUT_SECONDS: 300,
        INJECTOR: "linkerd/linkerd-proxy-injector",
        KUBE_ACCESS: "node",
    });
    const script = (waitSeconds = 751, language: "en" | "ko" = "en") => renderScript("bookinfo-traffic-check.sh", params(waitSeconds), language);
    const deleteOld = "kubectl delete job --namespace bookinfo --selector app=bookinfo-traffic-check --ignore-not-found --wait=false";
    const createJob = "kubectl create -f - -o name";
    const getJob = (n: number) => `kubectl get job bookinfo-traffic-check-${n} --namespace bookinfo -o jsonpath={.status.conditions[?(@.status=="True")].type}`;
    const logs = (n: number) => `kubectl logs job/bookinfo-traffic-check-${n} --namespace bookinfo --container traffic`;
    const listPods = (n: number) => `kubectl get pods --namespace bookinfo --selector job-name=bookinfo-traffic-check-${n} -o wide`;
    const pause = "sleep 10";
    const meshCheck = "kubectl get pods --namespace bookinfo --field-selector status.phase=Running -o " +
        'jsonpath={range .items[*]}{.metadata.ownerReferences[?(@.kind=="ReplicaSet")].name}|{.metadata.deletionTimestamp}|{.spec.containers[*].name} {.spec.initContainers[*].name}{"\\n"}{end}';

    let sandbox: Sandbox;
    /**
     * A fake cluster. Each `kubectl create` takes the next line of `jobs`, `<polls> <state> <ok>
     * <running count>`, and names its Job bookinfo-traffic-check-<n>, n counting every create:
     * the Job runs for <polls> polls, showing its running count (`<requests>:<whole>`, or `-`
     * for none yet), then ends in <state>: Complete, Failed, Running (never ends), Deadline
     * (stopped at its deadline: Failed, and its pod deleted with the log), or NotCreated (the
     * create fails). <ok> is the final count of 50 (`-`: none). With a file `delete-fails`, the
     * delete of old Jobs fails. The running pods are the lines of the file `pods` (none without
     * it), `<ReplicaSet>|<deletionTimestamp>|<containers> <init containers>`; a rollout restart
     * replaces them with the file `pods-restarted`, when there is one. With a file `injector-down`,
     * the wait for Linkerd's injector fails; with `list-fails-after`, listing pods fails after a restart.
     */
    const cluster = (jobs: string[]) => {
        fs.writeFileSync(path.join(sandbox.dir, "jobs"), jobs.map((j) => `${j}\n`).join(""));
        fs.writeFileSync(path.join(sandbox.dir, "n"), "0");
        const dir = sandbox.dir;
        sandbox.fake("kubectl", `
job() { read -r polls state ok progress < "${dir}/job"; }
case "$1" in
  delete)
    if [ -f "${dir}/delete-fails" ]; then echo 'Error from server: etcdserver: request timed out' >&2; exit 1; fi ;;
  create)
    cat > "${dir}/created"; head -n 1 "${dir}/jobs" > "${dir}/job"; sed -i 1d "${dir}/jobs"
    n=$(( $(cat "${dir}/n") + 1 )); echo "$n" > "${dir}/n"
    job
    if [ "$state" = NotCreated ]; then echo 'Error from server (InternalError): Internal error occurred: resource quota evaluation timed out' >&2; exit 1; fi
    echo "job.batch/bookinfo-traffic-check-$n" ;;
  rollout)
    if [ "$4" = linkerd-proxy-injector ] && [ -f "${dir}/injector-down" ]; then echo 'error: timed out waiting for the condition' >&2; exit 1; fi
    if [ "$2" = restart ] && [ -f "${dir}/pods-restarted" ]; then cp "${dir}/pods-restarted" "${dir}/pods"; fi
    if [ "$2" = restart ] && [ -f "${dir}/list-fails-after" ]; then touch "${dir}/list-fails"; fi ;;
  get)
    if [ "$5" = --field-selector ]; then
      if [ -f "${dir}/list-fails" ]; then echo 'Error from server: etcdserver: request timed out' >&2; exit 1; fi
      cat "${dir}/pods" 2>/dev/null || true; exit 0
    fi
    [ "$2" = job ] || { echo "bookinfo-traffic-check-$(cat "${dir}/n")-x7k2p   0/2   Init:ImagePullBackOff"; exit 0; }
    [ "$3" = "bookinfo-traffic-check-$(cat "${dir}/n")" ] || exit 1
    job
    if [ "$polls" -gt 0 ]; then echo "$((polls - 1)) $state $ok $progress" > "${dir}/job"; exit 0; fi
    case "$state" in Complete) printf 'SuccessCriteriaMet Complete' ;; Failed|Deadline) printf 'FailureTarget Failed' ;; esac ;;
  logs)
    job
    if [ "$polls" -gt 0 ] && [ "$progress" != - ]; then
      echo "warm-up: 5 whole pages in a row after 9 requests"
      echo "request 7: a backend is down: product reviews are currently unavailable"
      echo "after \${progress%:*} of 50 requests: \${progress#*:} whole pages"
      exit 0
    fi
    if [ "$polls" -eq 0 ] && [ "$state" = Deadline ]; then echo 'error: timed out waiting for the condition' >&2; exit 1; fi
    if [ "$polls" -gt 0 ] || [ "$ok" = - ]; then echo "container \\"traffic\\" in pod \\"bookinfo-traffic-check-$(cat "${dir}/n")-x7k2p\\" is waiting to start: PodInitializing" >&2; exit 1; fi
    echo "warm-up: 5 whole pages in a row after 9 requests"
    [ "$ok" = 50 ] || echo "request 7: a backend is down: product reviews are currently unavailable"
    echo "$ok of 50 product pages complete" ;;
esac`);
    };
    /**
     * The calls of attempt `n` (its Job is the n-th created), running for `polls` polls; with
     * `unfinished`, still running when the wait is over (its log read once more while it runs).
     */
    const attempt = (n: number, polls: number, outcome: string[] = [], unfinished = false) => [
        ...(n > 1 ? [pause] : []), deleteOld, createJob, ...Array.from({ length: polls }, () => [getJob(n), logs(n), "sleep 5"]).flat(),
        getJob(n), ...(unfinished ? [logs(n)] : []), logs(n), ...outcome,
    ];
    const lastLine = (text: string) => text.split("\n").filter((l) => l !== "").pop();

    beforeEach(() => (sandbox = new Sandbox()));
    afterEach(() => sandbox.remove());

    describe("on an existing cluster (KUBE_ACCESS context)", () => {
        it("hands each kubectl call the kubeconfig's content through a pipe, for the stack's context, and leaves no file of it", () => {
            cluster(["0 Complete 50 -"]);
            // The fake kubectl notes how each call gives the kubeconfig and the context, and the content it reads.
            const file = path.join(sandbox.bin, "kubectl");
            const [shebang, ...rest] = fs.readFileSync(file, "utf8").split("\n");
            const note = `[ "$1" = --kubeconfig ] && [ "$3" = --context ] || exit 99; cat "$2" > "${sandbox.dir}/content"
[ -f "$2" ] && echo file >> "${sandbox.dir}/access"; echo "$3 $4" >> "${sandbox.dir}/access"; shift 4`;
            fs.writeFileSync(file, [shebang, note, ...rest].join("\n"));
            const tmp = path.join(sandbox.dir, "tmp");
            fs.mkdirSync(tmp);
            const kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: kind-k8s-lab\n";
            const rendered = renderScript("bookinfo-traffic-check.sh", { ...params(), KUBE_ACCESS: "context" }, "en");
            const result = sandbox.run(rendered, { KUBE_CONTEXT: "kind-k8s-lab", LAB_KUBECONFIG: kubeconfig, TMPDIR: tmp });
            assert.strictEqual(result.status, 0, result.stderr);
            // The same calls as on a node, each given a pipe (not a file) with the content, and the context.
            assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 0)]);
            const calls = sandbox.calls().filter((call) => call.startsWith("kubectl ")).length;
            assert.deepStrictEqual(fs.readFileSync(path.join(sandbox.dir, "access"), "utf8"), "--context kind-k8s-lab\n".repeat(calls));
            assert.strictEqual(fs.readFileSync(path.join(sandbox.dir, "content"), "utf8"), kubeconfig + "\n");
            assert.deepStrictEqual(fs.readdirSync(tmp), []);
        });

        it("refuses to run without the kubeconfig's content", () => {
            cluster(["0 Complete 50 -"]);
            const rendered = renderScript("bookinfo-traffic-check.sh", { ...params(), KUBE_ACCESS: "context" }, "en");
            const result = sandbox.run(rendered, { KUBE_CONTEXT: "kind-k8s-lab" });
            assert.notStrictEqual(result.status, 0);
            assert.deepStrictEqual(sandbox.calls().filter((call) => call.startsWith("kubectl ")), []);
        });
    });

    it("deletes older check Jobs without waiting, starts one of its own name, waits for it, prints its count and passes", () => {
        cluster(["2 Complete 50 -"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 2)]);
        assert.strictEqual(fs.readFileSync(path.join(sandbox.dir, "created"), "utf8"), `${manifest}\n`);
        assert.match(result.stderr, /^k8s-lab: Traffic check, attempt 1 of 3 \(Job bookinfo-traffic-check-1\): Complete\.\nwarm-up: 5 whole pages in a row after 9 requests\n50 of 50 product pages complete\n$/m);
    });

    it("tries a fresh Job, under a new name, after a failed one, and passes when the second passes", () => {
        cluster(["0 Failed 48 -", "0 Complete 50 -"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 0), ...attempt(2, 0)]);
        assert.match(result.stderr, /attempt 1 of 3 \(Job bookinfo-traffic-check-1\): Failed\.\n.*\nrequest 7: a backend is down: product reviews are currently unavailable\n48 of 50 product pages complete\n/);
    });

    it("fails with the last count after three failed Jobs, and the next up runs the check again and converges", () => {
        cluster(["0 Failed 48 -", "0 Failed 49 -", "0 Failed 47 -"]);
        const failed = sandbox.run(script());
        assert.strictEqual(failed.status, 1);
        assert.strictEqual(failed.stdout, "");
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 0), ...attempt(2, 0), ...attempt(3, 0)]);
        assert.strictEqual(lastLine(failed.stderr), "k8s-lab: The Bookinfo traffic check failed in all 3 attempts: in the last one, 47 of 50 product pages were whole after the warm-up (the failed requests are listed above; requests its deadline cut off count as failed). Next: kubectl -n bookinfo get pods, and the logs of the pod that fails.");

        // The next `up`: the failed Jobs are still there; the check deletes them and starts afresh.
        fs.writeFileSync(path.join(sandbox.dir, "calls.log"), "");
        cluster(["1 Complete 50 -"]);
        const next = sandbox.run(script());
        assert.strictEqual(next.status, 0, next.stderr);
        assert.strictEqual(next.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 1)]);
    });

    it("gives each Job a bounded time, lists its pods when it gave no count, and says so", () => {
        cluster(["0 Running - -", "0 Running - -", "0 Running - -"]);
        const result = sandbox.run(script(0));
        assert.strictEqual(result.status, 1);
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 0, [listPods(1)], true), ...attempt(2, 0, [listPods(2)], true), ...attempt(3, 0, [listPods(3)], true)]);
        assert.match(result.stderr, /attempt 3 of 3 \(Job bookinfo-traffic-check-3\): not finished after 0 s\.\ncontainer "traffic" in pod "bookinfo-traffic-check-3-x7k2p" is waiting to start: PodInitializing\nbookinfo-traffic-check-3-x7k2p {3}0\/2 {3}Init:ImagePullBackOff\n/);
        assert.strictEqual(lastLine(result.stderr), "k8s-lab: The Bookinfo traffic check failed in all 3 attempts: in the last one, its Job gave no count within 0 s (its pod is listed above). Next: kubectl -n bookinfo describe jobs -l app=bookinfo-traffic-check.");
    });

    it("keeps the running count of a Job stopped at its deadline, whose pod and log are gone, and gives its verdict of 50", () => {
        cluster(["3 Deadline - 10:10", "3 Deadline - 20:18", "3 Deadline - 30:21"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 1);
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 3), ...attempt(2, 3), ...attempt(3, 3)], "no pod listing: the Job gave a count");
        assert.match(result.stderr, /attempt 3 of 3 \(Job bookinfo-traffic-check-3\): Failed\.\nwarm-up: 5 whole pages in a row after 9 requests\nrequest 7: a backend is down: product reviews are currently unavailable\nafter 30 of 50 requests: 21 whole pages\n/);
        assert.strictEqual(lastLine(result.stderr), "k8s-lab: " + message("en", "bookinfo.trafficIncomplete", { attempts: 3, ok: 21, count: 50 }));
    });

    it("goes on to the next attempt when the Job cannot be created, and passes when the next one passes", () => {
        cluster(["0 NotCreated - -", "1 Complete 50 -"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout, "50 of 50 product pages complete\n");
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, deleteOld, createJob, ...attempt(2, 1)]);
        assert.match(result.stderr, /^Error from server \(InternalError\): Internal error occurred: resource quota evaluation timed out\nk8s-lab: Traffic check, attempt 1 of 3: the Job was not created\.\n/);
    });

    it("says the Job was never created when no attempt could create it", () => {
        cluster(["0 NotCreated - -", "0 NotCreated - -", "0 NotCreated - -"]);
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 1);
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, deleteOld, createJob, pause, deleteOld, createJob, pause, deleteOld, createJob]);
        assert.strictEqual(lastLine(result.stderr), "k8s-lab: The Bookinfo traffic check failed in all 3 attempts: in the last one, its Job could not be created (kubectl's error is above). Next: kubectl get nodes, and kubectl -n bookinfo get jobs,pods.");
    });

    it("gives the verdict of the last attempt, whatever the earlier ones gave", () => {
        cluster(["0 Failed 12 -", "0 Failed 30 -", "0 NotCreated - -"]);
        assert.strictEqual(lastLine(sandbox.run(script()).stderr), "k8s-lab: " + message("en", "bookinfo.trafficNotCreated", { attempts: 3 }));
        cluster(["0 NotCreated - -", "0 NotCreated - -", "0 Failed 30 -"]);
        assert.strictEqual(lastLine(sandbox.run(script()).stderr), "k8s-lab: " + message("en", "bookinfo.trafficIncomplete", { attempts: 3, ok: 30, count: 50 }));
    });

    it("starts its Job even when older ones cannot be deleted (a pod stuck on a NotReady node, a slow API server)", () => {
        cluster(["0 Complete 50 -"]);
        fs.writeFileSync(path.join(sandbox.dir, "delete-fails"), "");
        const result = sandbox.run(script());
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 0)]);
        assert.match(result.stderr, /^Error from server: etcdserver: request timed out\n/);
    });

    describe("every pod of Bookinfo's Deployments carries the Linkerd proxy", () => {
        const sidecar = (rs: string, app: string) => `${rs}||${app} linkerd-init linkerd-proxy`;
        const meshed = [
            sidecar("details-v1-5b8f7c9d4", "details"),
            // The proxy as an ordinary container, as without native sidecars, counts as well.
            "reviews-v2-7c6f9b8d5||reviews linkerd-proxy linkerd-init",
            sidecar("productpage-v1-6d9c8b7f5", "productpage"),
            sidecar("bookinfo-loadgen-84f7c6d9b", "traffic"),
        ];
        const pods = (lines: string[], file = "pods") => fs.writeFileSync(path.join(sandbox.dir, file), lines.map((l) => `${l}\n`).join(""));
        const restart = (d: string) => `kubectl rollout restart deployment ${d} --namespace bookinfo`;
        const status = (d: string) => `kubectl rollout status deployment ${d} --namespace bookinfo --timeout 300s`;
        const injector = "kubectl rollout status deployment linkerd-proxy-injector --namespace linkerd --timeout 300s";

        it("restarts nothing and says nothing when every pod is meshed", () => {
            cluster(["0 Complete 50 -"]);
            pods([
                ...meshed,
                // Not one of its Deployments, a check Job's pod (no ReplicaSet), an old pod going away.
                "other-app-5f6d7c8b9||other",
                "||traffic linkerd-proxy",
                "reviews-v2-5d4c3b2a1|2026-11-29T12:00:00Z|reviews",
            ]);
            const result = sandbox.run(script());
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls(), [meshCheck, ...attempt(1, 0)]);
            assert.doesNotMatch(result.stderr, /Linkerd/);
        });

        it("restarts the Deployment of an unmeshed pod, waits for it, checks again and runs the traffic check", () => {
            cluster(["0 Complete 50 -"]);
            pods([...meshed.slice(0, 1), "reviews-v2-7c6f9b8d5||reviews", ...meshed.slice(2)]);
            pods(meshed, "pods-restarted");
            const result = sandbox.run(script());
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls(), [meshCheck, injector, restart("reviews-v2"), status("reviews-v2"), meshCheck, ...attempt(1, 0)]);
            assert.strictEqual(result.stderr.split("\n")[0], "k8s-lab: " + message("en", "bookinfo.meshRestarting", { deployments: "reviews-v2" }));
        });

        for (const language of ["en", "ko"] as const) {
            it(`restarts nothing and fails, naming the Deployments and the injector, while Linkerd's injector is not ready (${language})`, () => {
                cluster(["0 Complete 50 -"]);
                pods([...meshed.slice(0, 1), "reviews-v2-7c6f9b8d5||reviews", ...meshed.slice(2)]);
                fs.writeFileSync(path.join(sandbox.dir, "injector-down"), "");
                const result = sandbox.run(script(751, language));
                assert.strictEqual(result.status, 1);
                assert.deepStrictEqual(sandbox.calls(), [meshCheck, injector]);
                assert.strictEqual(result.stderr, [
                    "error: timed out waiting for the condition",
                    "k8s-lab: " + message(language, "bookinfo.meshInjectorDown", { deployments: "reviews-v2", injector: "linkerd/linkerd-proxy-injector" }),
                    "",
                ].join("\n"));
            });

            it(`fails, naming the Deployments, when their pods are still unmeshed after the restart (${language})`, () => {
                cluster(["0 Complete 50 -"]);
                const unmeshed = ["productpage-v1-6d9c8b7f5||productpage", "details-v1-5b8f7c9d4||details", "details-v1-5b8f7c9d4||details", ...meshed.slice(1, 2)];
                pods(unmeshed);
                pods(unmeshed, "pods-restarted");
                const result = sandbox.run(script(751, language));
                assert.strictEqual(result.status, 1);
                assert.deepStrictEqual(sandbox.calls(), [
                    meshCheck, injector, restart("details-v1"), restart("productpage-v1"), status("details-v1"), status("productpage-v1"), meshCheck,
                ], "no check Job while pods are unmeshed");
                assert.strictEqual(result.stderr, [
                    "k8s-lab: " + message(language, "bookinfo.meshRestarting", { deployments: "details-v1, productpage-v1" }),
                    "k8s-lab: " + message(language, "bookinfo.meshMissing", { deployments: "details-v1, productpage-v1" }),
                    "",
                ].join("\n"));
            });
        }

        it("counts the restarted Deployments as still unmeshed when the pods cannot be listed after the restart", () => {
            cluster(["0 Complete 50 -"]);
            pods([...meshed.slice(0, 1), "reviews-v2-7c6f9b8d5||reviews", ...meshed.slice(2)]);
            pods(meshed, "pods-restarted");
            fs.writeFileSync(path.join(sandbox.dir, "list-fails-after"), "");
            const result = sandbox.run(script());
            assert.strictEqual(result.status, 1);
            assert.deepStrictEqual(sandbox.calls(), [meshCheck, injector, restart("reviews-v2"), status("reviews-v2"), meshCheck]);
            assert.match(result.stderr, new RegExp(`k8s-lab: ${message("en", "bookinfo.meshMissing", { deployments: "reviews-v2" }).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n$`));
        });
    });

    it("says the verdict in Korean for a Korean stack", () => {
        cluster(["0 Failed 0 -", "0 Failed 0 -", "0 Failed 12 -"]);
        const result = sandbox.run(script(751, "ko"));
        assert.strictEqual(result.status, 1);
        assert.strictEqual(lastLine(result.stderr), "k8s-lab: " + message("ko", "bookinfo.trafficIncomplete", { attempts: 3, ok: 12, count: 50 }));
        cluster(["0 NotCreated - -", "0 NotCreated - -", "0 NotCreated - -"]);
        assert.strictEqual(lastLine(sandbox.run(script(751, "ko")).stderr), "k8s-lab: " + message("ko", "bookinfo.trafficNotCreated", { attempts: 3 }));
    });
});
