import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { scriptsDir } from "../../lib/scripts";

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
