/**
 * The public endpoints are declared once (lib/endpoints.ts): a third one, given to the program
 * with its workload (test/harness/extensions.ts), is opened, served, forwarded, verified and
 * allowed like the lab's own, with nothing else changed.
 */
import * as assert from "assert";
import { Exposure, exposures } from "../lib/exposure";
import { parseConfig } from "../lib/config";
import { VerifyTarget } from "../lib/endpoints";
import { policyPackConfig } from "../lib/policyConfig";
import { Program, runProgram } from "./harness";
import { labTargets } from "./harness/endpoints";
import { rawConfig } from "./harness/stackConfig";
import { asEngineSees, PolicyEngine } from "./policy/engine";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const REMOTE = "command:remote:Command";
const metadataOf = (r: { inputs: Record<string, unknown> }) => r.inputs.metadata as { name: string; namespace: string };
const specOf = (r: { inputs: Record<string, unknown> }) => r.inputs.spec as Record<string, unknown>;

describe("a third public endpoint, one entry plus its workload", function () {
    this.timeout(180_000);
    const runs = {} as Record<Exposure, Program>;
    before(async () => {
        const programs = await Promise.all(exposures.map((exposure) => runProgram({ config: { exposure }, extension: "echo" })));
        exposures.forEach((exposure, i) => (runs[exposure] = programs[i]));
        // No error: among others, the placement check met the echo Deployment and Service.
        for (const exposure of exposures) assert.strictEqual(runs[exposure].run.error, undefined, exposure);
    });

    it("opens its port on the control-plane node to the public CIDRs, described by its purpose, like the lab's own", () => {
        const publicRules = runs.nodePort.ofType(INGRESS).filter((r) => r.name.includes("-public-"));
        assert.deepStrictEqual(publicRules.map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4, r.inputs.description]), [
            ["security-groups-control-plane-public-30080-0.0.0.0-0", 30080, 30080, "0.0.0.0/0", "Bookinfo productpage (NodePort 30080) from an allowed CIDR"],
            ["security-groups-control-plane-public-30300-0.0.0.0-0", 30300, 30300, "0.0.0.0/0", "Grafana (NodePort 30300) from an allowed CIDR"],
            ["security-groups-control-plane-public-30500-0.0.0.0-0", 30500, 30500, "0.0.0.0/0", "Echo server (NodePort 30500) from an allowed CIDR"],
        ]);
        assert.ok(publicRules.every((r) => r.inputs.securityGroupId === "security-groups-control-plane-id"));
    });

    it("is served by the exposure transform: its Service as a NodePort, or its pods on a hostPort, pinned to the control-plane node", () => {
        const service = (exposure: Exposure) => specOf(runs[exposure].get("kubernetes:core/v1:Service", "extension-echo"));
        const deployment = (exposure: Exposure) => specOf(runs[exposure].get("kubernetes:apps/v1:Deployment", "extension-echo"));
        const pod = (exposure: Exposure) => (deployment(exposure).template as { spec: Record<string, unknown> }).spec;
        assert.deepStrictEqual(service("nodePort"), { selector: { app: "echo" }, type: "NodePort", ports: [{ name: "http", port: 8080, targetPort: "http", nodePort: 30500 }] });
        assert.deepStrictEqual(service("hostPort"), { selector: { app: "echo" }, ports: [{ name: "http", port: 8080, targetPort: "http" }] });
        assert.deepStrictEqual((pod("hostPort").containers as unknown[])[0], { name: "echo", image: "hashicorp/http-echo:1.0.0", ports: [{ name: "http", containerPort: 5678, hostPort: 30500 }] });
        assert.deepStrictEqual(deployment("hostPort").strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
        for (const exposure of exposures) assert.deepStrictEqual(pod(exposure).nodeSelector, { "node-role.kubernetes.io/control-plane": "" }, exposure);
        assert.ok(!JSON.stringify(pod("nodePort")).includes("hostPort"));
    });

    it("gets its own port-forward unit and may be forwarded in its namespace, in the portForward exposure only", () => {
        const program = runs.portForward;
        const unit = program.get(REMOTE, "access-k8s-lab-port-forward-echo");
        const stdin = String(unit.inputs.stdin);
        assert.match(stdin, /^UNIT_NAME='k8s-lab-port-forward-echo'$/m);
        assert.match(stdin, /^ExecStart=\/usr\/bin\/kubectl port-forward --cache-dir=\/tmp\/kubectl-cache --address 0\.0\.0\.0 --namespace echo svc\/echo 30500:8080$/m);
        assert.ok(unit.dependsOn.includes("k8slab:test:Echo::extension"), "after its workload");
        const role = program.get("kubernetes:rbac.authorization.k8s.io/v1:Role", "access-port-forward-echo");
        assert.deepStrictEqual([metadataOf(role), (role.inputs.rules as { resourceNames?: string[] }[])[0].resourceNames], [{ name: "k8s-lab-port-forward", namespace: "echo" }, ["echo"]]);
        assert.deepStrictEqual(program.ofType(REMOTE).filter((c) => c.name.startsWith("access-")).map((c) => c.name).sort(), ["bookinfo", "echo", "grafana"].map((n) => `access-k8s-lab-port-forward-${n}`));
        for (const exposure of ["nodePort", "hostPort"] as const) assert.deepStrictEqual(runs[exposure].ofType(REMOTE).filter((c) => c.name.includes("port-forward")), [], exposure);
    });

    it("is verified on every up and named in the endpoints output, which the CLI reads for its unit names", () => {
        const targets: VerifyTarget[] = [
            ...labTargets("http://203.0.113.1:30080/productpage", "http://203.0.113.1:30300"),
            { name: "echo", title: "Echo", url: "http://203.0.113.1:30500/", check: "answers", publicPort: 30500 },
        ];
        for (const exposure of exposures) {
            const environment = runs[exposure].get("command:local:Command", "access-verify").inputs.environment as Record<string, string>;
            assert.deepStrictEqual(JSON.parse(environment.LAB_ENDPOINTS), targets, exposure);
            assert.deepStrictEqual(runs[exposure].output("endpoints"), { value: targets, secret: false }, exposure);
        }
    });

    it("is allowed by the policy pack with the settings derived from the endpoints, and refused without them", async () => {
        const config = parseConfig(rawConfig("dev", { exposure: "nodePort" }), "k8s-lab", {});
        const endpoints = runs.nodePort.output("endpoints").value as VerifyTarget[];
        const settings = policyPackConfig(config, endpoints);
        assert.deepStrictEqual(settings["no-world-ingress-except-public-ports"], { allowedPorts: [30080, 30300, 30500] });
        assert.deepStrictEqual(settings["no-world-ingress-across-rules"], { allowedPorts: [30080, 30300, 30500] });
        const engine = await PolicyEngine.start({ LANG: "C.UTF-8" });
        try {
            const resources = asEngineSees(runs.nodePort, false);
            const findings = async () => [...(await Promise.all(resources.map((r) => engine.analyze(r)))).flat(), ...(await engine.analyzeStack(resources))];
            await engine.configure(settings);
            assert.deepStrictEqual(await findings(), []);
            await engine.configure(policyPackConfig(config));
            assert.deepStrictEqual((await findings()).filter((f) => f.startsWith("no-world-ingress-except-public-ports")), [
                "no-world-ingress-except-public-ports: security-groups-control-plane-public-30500-0.0.0.0-0 opens 30500/tcp to 0.0.0.0/0; only TCP 30080, 30300 may be open to the world.",
            ]);
        } finally {
            engine.stop();
        }
    });
});
