import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { everyUpProvider } from "../../components/everyUp";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The provider as the engine runs it: serialized as `pulumi.dynamic.Resource` does, then loaded
 * on its own and called as the dynamic provider host calls it, with nothing of this process but
 * Node's globals.
 */
async function storedProvider(): Promise<pulumi.dynamic.ResourceProvider> {
    const { text } = await pulumi.runtime.serializeFunction(() => everyUpProvider, { allowSecrets: true });
    const exports: { handler?: () => pulumi.dynamic.ResourceProvider } = {};
    new Function("exports", text)(exports);
    if (exports.handler === undefined) throw new Error("the serialized provider exports no handler");
    return exports.handler();
}

describe("EveryUp", () => {
    for (const [how, provider] of [["in this process", async () => everyUpProvider], ["serialized into the state", storedProvider]] as const) {
        it(`reports a change on every up and returns a fresh nonce each time, ${how}`, async () => {
            const p = await provider();
            assert.ok(p.diff && p.update);
            const created = await p.create({});
            assert.match(created.outs?.nonce, uuid);
            assert.strictEqual(created.id, created.outs?.nonce);
            const olds = { nonce: created.outs?.nonce };
            // The same inputs as last time (none): still a change, so every `up` updates it.
            assert.deepStrictEqual(await p.diff(created.id, olds, {}), { changes: true });
            const nonces = [created.outs?.nonce];
            for (let i = 0; i < 3; i++) {
                const updated = await p.update(created.id, { nonce: nonces[nonces.length - 1] }, {});
                assert.match(updated.outs?.nonce, uuid);
                nonces.push(updated.outs?.nonce);
            }
            assert.strictEqual(new Set(nonces).size, 4, `every nonce differs: ${nonces.join(", ")}`);
        });
    }
});
