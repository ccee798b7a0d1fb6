import * as assert from "assert";
import { createHash } from "crypto";
import { runProgram } from "../harness";

/**
 * A remote command runs its script again on every existing lab as soon as one byte of its inputs
 * changes, so these are pinned: a change here must be meant. Commands that run on every `up`
 * anyway (the every-up nonce in their inputs) are left out; the node user data is pinned in
 * node-prep.test.ts.
 */
describe("the remote commands' inputs", () => {
    it("stay byte for byte what they were (update a hash only when re-running that command on every lab is intended)", async () => {
        const program = await runProgram({ config: { exposure: "portForward" } });
        const pinned = program.ofType("command:remote:Command")
            .filter((c) => !JSON.stringify(c.inputs).includes("every-up-nonce"))
            .map((c) => [c.name, createHash("sha256").update(JSON.stringify({ ...c.inputs, connection: undefined })).digest("hex").slice(0, 16)]);
        assert.deepStrictEqual(Object.fromEntries(pinned), {
            "cluster-init": "b3246a97ced02c95",
            // Changed once on purpose: the step now waits for the control-plane node Ready (runs again, idempotent).
            "cluster-cni-calico": "7b59e5bf1d6e959d",
            "cluster-join-worker-0": "94801a265e2860a3",
            "cluster-join-worker-1": "b9aaa80977b6bb92",
            "cluster-ready": "1abe652365acd85e",
            "cluster-kubeconfig": "0629226dc44ccc1b",
            "access-k8s-lab-port-forward-bookinfo": "8697754b0da02951",
            "access-k8s-lab-port-forward-grafana": "b991af34c0be92a6",
        });
    });
});
