import * as assert from "assert";
import { runProgram, types } from "./harness";

describe("the program", () => {
    it("exports what an operator needs to reach the nodes", async () => {
        const program = await runProgram();
        assert.deepStrictEqual(Object.keys(program.run.outputs).sort(), [
            "adminCidrs", "availabilityZone", "bookinfoUrl", "configuredExposure", "configuredWorkerCapacity", "controlPlanePrivateIp", "controlPlanePublicIp", "endpoints", "exposure", "grafanaAdminPassword", "grafanaUrl",
            "kubeconfig", "kubernetesVersion", "labId", "nodeImage", "nodeNames", "sshControlPlane", "sshPrivateKey", "sshWorkers", "target", "workerCapacity", "workerPrivateIps",
        ]);
        assert.strictEqual(program.output("target").value, "aws");
        assert.strictEqual(program.output("controlPlanePublicIp").value, "203.0.113.1");
        assert.strictEqual(program.output("bookinfoUrl").value, "http://203.0.113.1:30080/productpage");
        assert.strictEqual(program.output("grafanaUrl").value, "http://203.0.113.1:30300");
        assert.match(String(program.output("controlPlanePrivateIp").value), /^10\.0\.1\.\d+$/);
        assert.match(String(program.output("sshControlPlane").value), /^ssh .* ubuntu@203\.0\.113\.1$/);
        const workers = program.output("sshWorkers").value as string[];
        const workerIps = program.output("workerPrivateIps").value as string[];
        assert.deepStrictEqual(workers.map((command) => command.split("@").pop()), workerIps);
        assert.ok(workers.every((command) => command.includes("ProxyCommand=") && command.includes("ubuntu@203.0.113.1")));
    });

    it("builds every AWS resource through one provider, in the configured region, with the lab's tags", async () => {
        const program = await runProgram({ config: { region: "ap-northeast-1", tags: ["Owner=platform"] }, zones: { "ap-northeast-1a": "all" } });
        const provider = program.get(types.awsProvider, "aws");
        assert.strictEqual(provider.inputs.region, "ap-northeast-1");
        assert.deepStrictEqual(JSON.parse(String(provider.inputs.defaultTags)), { tags: { Owner: "platform", Project: "k8s-lab", Stack: "dev", LabId: "0a1b2c3d4e5f6789", ManagedBy: "pulumi" } });
        // The LabId comes from the stack's state (a RandomId), nothing from the machine running pulumi.
        assert.deepStrictEqual(program.get(types.randomId, "lab-id").inputs, { byteLength: 8 });
        assert.strictEqual(program.output("labId").value, "0a1b2c3d4e5f6789");
        const aws = program.resources.filter((r) => r.type.startsWith("aws:"));
        assert.ok(aws.length > 10);
        for (const resource of aws) assert.match(resource.provider ?? "", /[:$]pulumi:providers:aws::aws::/, `${resource.type}::${resource.name}`);
    });

    it("names every taggable resource after the lab", async () => {
        const program = await runProgram();
        const taggable = program.resources.filter((r) => r.type.startsWith("aws:ec2/") && !r.type.includes("Association") && !r.type.endsWith("/route:Route"));
        for (const resource of taggable) {
            assert.match(String((resource.inputs.tags as Record<string, string> | undefined)?.Name), /^k8s-lab-dev-/, `${resource.type}::${resource.name}`);
        }
    });

    it("adds the detected IP of the machine running pulumi to the admin CIDRs once", async () => {
        const detected = await runProgram({ config: { adminCidrs: ["198.51.100.23/32"] } });
        assert.deepStrictEqual(detected.output("adminCidrs").value, ["198.51.100.23/32"]);
        const off = await runProgram({ config: { adminCidrs: ["192.0.2.0/24"], detectAdminIp: false }, publicIp: null });
        assert.strictEqual(off.run.error, undefined, "no detection when it is switched off");
        assert.deepStrictEqual(off.output("adminCidrs").value, ["192.0.2.0/24"]);
    });

    for (const [lang, pattern] of [["en_US.UTF-8", /^Could not detect the public IP of this machine \(.*ECONNREFUSED.*\): set adminCidrs/], ["ko_KR.UTF-8", /^이 컴퓨터의 공인 IP를 알아내지 못했습니다/]] as const) {
        it(`stops before building anything when the public IP cannot be detected (${lang})`, async () => {
            const program = await runProgram({ publicIp: null, env: { LANG: lang } });
            assert.match(program.run.error?.message ?? "", pattern);
            assert.deepStrictEqual(program.resources.filter((r) => r.type !== types.stack), []);
        });
    }

    for (const [lang, expected] of [
        ["en_US.UTF-8", 'Config key k8s-lab:grafanaPort has the value "80", which is not allowed: use a NodePort from 30000 to 32767.'],
        ["ko_KR.UTF-8", 'k8s-lab:grafanaPort 설정 키에 지정한 "80" 값은 허용되지 않습니다: 30000부터 32767까지의 NodePort를 사용하세요.'],
    ] as const) {
        it(`stops on a bad value with one sentence and no resource, no stack trace (${lang})`, async () => {
            const program = await runProgram({ config: { grafanaPort: 80 }, env: { LANG: lang } });
            assert.strictEqual(program.run.error?.message, expected);
            assert.strictEqual(program.run.error?.name, "ConfigError", "a RunError subclass: Pulumi prints its message without a stack");
            assert.deepStrictEqual(program.resources.filter((r) => r.type !== types.stack), []);
        });
    }
});
