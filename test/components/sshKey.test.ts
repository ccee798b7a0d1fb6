import * as assert from "assert";
import { runProgram } from "../harness";

describe("SshKey", () => {
    it("generates an ED25519 key and registers its public half as the nodes' EC2 key pair", async () => {
        const program = await runProgram();
        assert.strictEqual(program.get("tls:index/privateKey:PrivateKey", "ssh-key").inputs.algorithm, "ED25519");
        const keyPair = program.get("aws:ec2/keyPair:KeyPair", "ssh-key");
        assert.match(String(keyPair.inputs.publicKey), /^ssh-ed25519 /);
        for (const instance of program.ofType("aws:ec2/instance:Instance")) assert.strictEqual(instance.inputs.keyName, "ssh-key-keypair");
    });

    it("exports the private key as a secret, and only there", async () => {
        const program = await runProgram();
        const key = program.output("sshPrivateKey");
        assert.match(String(key.value), /BEGIN OPENSSH PRIVATE KEY/);
        assert.strictEqual(key.secret, true);
        for (const [name, output] of Object.entries(program.run.outputs)) {
            if (!output.secret) assert.doesNotMatch(JSON.stringify(output.value), /PRIVATE KEY/, `${name} leaks key material`);
        }
        for (const resource of program.resources.filter((r) => r.type !== "tls:index/privateKey:PrivateKey")) {
            assert.doesNotMatch(JSON.stringify(resource.inputs), /PRIVATE KEY/, `${resource.type}::${resource.name} receives the private key`);
        }
    });
});
