import * as assert from "assert";
import { parseConfig } from "../../lib/config";
import { policyPackConfig } from "../../lib/policyConfig";
import { runProgram, types } from "../harness";
import { ConfigValue, existingClusterConfig, existingClusterEnv, rawConfig } from "../harness/stackConfig";
import { asEngineSees, PolicyEngine, unknown } from "./engine";

describe("policy pack on the whole program", function () {
    this.timeout(180_000);
    let engine: PolicyEngine;
    before(async () => (engine = await PolicyEngine.start({ LANG: "C.UTF-8" })));
    after(() => engine?.stop());

    const scenarios: [string, Record<string, ConfigValue>][] = [
        ["nodePort", { exposure: "nodePort" }],
        ["portForward", { exposure: "portForward" }],
        ["hostPort", { exposure: "hostPort" }],
        // The most admin addresses the config allows: one /8's worth, as the pack's limit for one group.
        ["admin CIDRs adding up to a /8, without detection", { exposure: "nodePort", adminCidrs: ["10.0.0.0/9", "11.0.0.0/9"], detectAdminIp: false }],
        ["admin CIDRs adding up to a /8 less one address, with detection", { exposure: "nodePort", adminCidrs: ["10.0.0.0/9", "11.0.0.0/10", "11.64.0.0/11", "11.96.0.0/12", "11.112.0.0/13", "11.120.0.0/14", "11.124.0.0/15", "11.126.0.0/16", "11.127.0.0/17", "11.127.128.0/18", "11.127.192.0/19", "11.127.224.0/20", "11.127.240.0/21", "11.127.248.0/22", "11.127.252.0/23", "11.127.254.0/24", "11.127.255.0/25", "11.127.255.128/26", "11.127.255.192/27", "11.127.255.224/28", "11.127.255.240/29", "11.127.255.248/30", "11.127.255.252/31", "11.127.255.254/32"] }],
        ["the cheapest allowed types, one worker, other public ports", { exposure: "nodePort", controlPlaneInstanceType: "t3.medium", workerInstanceType: "t3.medium", workerCount: 1, bookinfoPort: 31080, grafanaPort: 31300 }],
    ];
    for (const [what, config] of scenarios) {
        it(`reports nothing, in a preview or an update, with the settings lab up derives (${what})`, async () => {
            const program = await runProgram({ config });
            assert.strictEqual(program.run.error, undefined);
            await engine.configure(policyPackConfig(parseConfig(rawConfig("dev", config), "k8s-lab", {})));
            for (const preview of [false, true]) {
                const resources = asEngineSees(program, preview);
                assert.ok(resources.length > 50);
                assert.strictEqual(resources.some((r) => r.props.securityGroupId === unknown.string), preview);
                const found = [...(await Promise.all(resources.map((r) => engine.analyze(r)))).flat(), ...(await engine.analyzeStack(resources))];
                assert.deepStrictEqual(found, [], preview ? "preview" : "update");
            }
        });
    }

    it("reports nothing on an existing cluster, in a preview or an update, with the settings its config derives", async () => {
        const program = await runProgram({ config: existingClusterConfig, env: existingClusterEnv() });
        assert.strictEqual(program.run.error, undefined);
        await engine.configure(policyPackConfig(parseConfig(rawConfig("dev", existingClusterConfig), "k8s-lab", {})));
        for (const preview of [false, true]) {
            const resources = asEngineSees(program, preview);
            assert.ok(resources.length > 40);
            const found = [...(await Promise.all(resources.map((r) => engine.analyze(r)))).flat(), ...(await engine.analyzeStack(resources))];
            assert.deepStrictEqual(found, [], preview ? "preview" : "update");
        }
    });

    it("would see the program's own public rules: the same program with the pack's default ports", async () => {
        // The settings matter: the stack's ports are allowed because lab up passes them.
        const config = { exposure: "nodePort", bookinfoPort: 31080, grafanaPort: 31300 };
        const program = await runProgram({ config });
        await engine.configure();
        const found = (await Promise.all(asEngineSees(program, false).map((r) => engine.analyze(r)))).flat();
        assert.deepStrictEqual(found, [31080, 31300].map((port) => {
            const rule = program.ofType(types.ingressRule).find((r) => r.inputs.fromPort === port && r.inputs.cidrIpv4 === "0.0.0.0/0");
            return `no-world-ingress-except-public-ports: ${rule?.name} opens ${port}/tcp to 0.0.0.0/0; only TCP 30080, 30300 may be open to the world.`;
        }));
    });
});
