import * as assert from "assert";
import { detectPublicIp } from "../../lib/publicIp";
import { closeAll, closedPort, serve } from "../harness/servers";

describe("public IP detection", () => {
    afterEach(closeAll);

    it("reads the address a service answers with", async () => {
        const url = await serve((_req, res) => res.end("198.51.100.7\n"));
        assert.strictEqual(await detectPublicIp([url]), "198.51.100.7");
    });

    it("falls through to the next service when one refuses, errs or answers nonsense", async () => {
        const refused = await closedPort();
        const failing = await serve((_req, res) => res.writeHead(503).end("down"));
        const nonsense = await serve((_req, res) => res.end("<html>captive portal</html>"));
        const good = await serve((_req, res) => res.end("203.0.113.99"));
        assert.strictEqual(await detectPublicIp([refused, failing, nonsense, good]), "203.0.113.99");
    });

    it("gives up on a service that does not answer in time, and says why each one failed", async () => {
        const slow = await serve((_req, res) => void setTimeout(() => res.end("198.51.100.1"), 2000));
        const failing = await serve((_req, res) => res.writeHead(500).end());
        const started = Date.now();
        await assert.rejects(detectPublicIp([slow, failing], 200), (err: Error) => {
            assert.match(err.message, /timeout|aborted/i);
            assert.match(err.message, /HTTP 500/);
            return true;
        });
        assert.ok(Date.now() - started < 1500, "the timeout was honoured");
    });
});
