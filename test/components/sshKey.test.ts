import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SshKey } from "../../components/sshKey";
import { buildComponent, runProgram, types } from "../harness";

/** Whether an input path is secret: it, or an object that holds it, was given as a secret. */
const isSecret = (secretInputs: string[], path: string): boolean => secretInputs.some((s) => path === s || path.startsWith(`${s}.`));

/** The paths of the strings in `value` that contain `text`. */
function pathsHolding(value: unknown, text: string, path = ""): string[] {
    if (typeof value === "string") return value.includes(text) ? [path] : [];
    if (value === null || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([key, v]) => pathsHolding(v, text, path === "" ? key : `${path}.${key}`));
}

describe("SshKey", () => {
    it("reaches the bootstrap's SSH connections, always as a secret", async () => {
        const program = await runProgram();
        const commands = program.ofType(types.remoteCommand);
        assert.ok(commands.length > 0);
        for (const command of commands) {
            const keys = pathsHolding(command.inputs, "PRIVATE KEY");
            assert.ok(keys.includes("connection.privateKey"), command.name);
            for (const where of keys) assert.ok(isSecret(command.secretInputs, where), `${command.name}: ${where}`);
        }
    });

    it("generates an ED25519 key, registers its public half as an EC2 key pair and keeps the private half secret", async () => {
        const sshKey = await buildComponent((opts) => new SshKey("ssh-key", { labName: "k8s-lab-dev" }, opts));
        assert.deepStrictEqual(sshKey.resources.map((r) => [r.type, r.name, r.parent]), [
            ["k8slab:index:SshKey", "ssh-key", undefined],
            [types.privateKey, "ssh-key", "k8slab:index:SshKey::ssh-key"],
            [types.keyPair, "ssh-key", "k8slab:index:SshKey::ssh-key"],
        ]);
        assert.strictEqual(sshKey.get(types.privateKey, "ssh-key").inputs.algorithm, "ED25519");
        assert.match(String(sshKey.get(types.keyPair, "ssh-key").inputs.publicKey), /^ssh-ed25519 /);
        assert.strictEqual(await sshKey.value(pulumi.isSecret(sshKey.component.privateKey)), true);
        assert.match(await sshKey.value(sshKey.component.privateKey), /BEGIN OPENSSH PRIVATE KEY/);
    });

    it("is the nodes' EC2 key pair", async () => {
        const program = await runProgram();
        // Every node; the NAT instance takes no SSH at all (no key, no port 22 in its group).
        assert.deepStrictEqual(Object.fromEntries(program.ofType(types.instance).map((i) => [i.name, i.inputs.keyName ?? "none"])), { "control-plane-0": "ssh-key-keypair", "network-nat": "none", "worker-0": "ssh-key-keypair", "worker-1": "ssh-key-keypair" });
    });

    it("exports the private key as a secret, and only there", async () => {
        const program = await runProgram();
        const key = program.output("sshPrivateKey");
        assert.match(String(key.value), /BEGIN OPENSSH PRIVATE KEY/);
        assert.strictEqual(key.secret, true);
        for (const [name, output] of Object.entries(program.run.outputs)) {
            if (!output.secret) assert.doesNotMatch(JSON.stringify(output.value), /PRIVATE KEY/, `${name} leaks key material`);
        }
        // Wherever the key goes (the SSH connections of the bootstrap), it goes as a secret.
        for (const resource of program.resources.filter((r) => r.type !== types.privateKey)) {
            for (const where of pathsHolding(resource.inputs, "PRIVATE KEY")) {
                assert.ok(isSecret(resource.secretInputs, where), `${resource.type}::${resource.name} receives the private key in plain text at ${where}`);
            }
        }
    });
});
