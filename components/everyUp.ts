import * as pulumi from "@pulumi/pulumi";

/**
 * The provider of `EveryUp`: its diff always reports a change, and every create or update
 * returns a fresh nonce as an output. A step that takes the nonce in its `triggers` therefore
 * runs on every `pulumi up`, and nothing from the clock or a random source is ever an input.
 * Self-contained: Pulumi serializes these functions into the state and runs them on their own,
 * so they use only Node's global `crypto`.
 */
export const everyUpProvider: pulumi.dynamic.ResourceProvider = {
    async create() {
        const nonce = crypto.randomUUID();
        return { id: nonce, outs: { nonce } };
    },
    async diff() {
        return { changes: true };
    },
    async update() {
        return { outs: { nonce: crypto.randomUUID() } };
    },
};

/**
 * A value that changes on every `pulumi up`, plain `pulumi up` included: the trigger of the
 * steps that must prove the lab each time (the Bookinfo traffic check, the URL verification).
 * It holds nothing, and destroying it does nothing.
 */
export class EveryUp extends pulumi.dynamic.Resource {
    declare readonly nonce: pulumi.Output<string>;

    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super(everyUpProvider, name, { nonce: undefined }, opts);
    }
}
