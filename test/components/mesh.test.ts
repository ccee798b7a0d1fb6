import * as assert from "assert";
import { Program, runProgram, types } from "../harness";
import { versions } from "../../lib/versions";
import { unknownKeys, upstreamValues } from "../harness/upstream";

const controlPlane = (program: Program) => program.get(types.chart, "linkerd-control-plane");
/** The certificate the mocked TLS provider issues for a resource. */
const mockCert = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;
const valuesOf = (program: Program) => controlPlane(program).inputs.values as Record<string, Record<string, unknown>>;

describe("Mesh (Linkerd)", () => {
    it("installs the pinned edge charts, the CRDs with the Gateway API CRDs first", async () => {
        const program = await runProgram();
        const crds = program.get(types.chart, "linkerd-crds");
        for (const [chart, name] of [[crds, "linkerd-crds"], [controlPlane(program), "linkerd-control-plane"]] as const) {
            assert.strictEqual(chart.inputs.chart, name);
            assert.strictEqual(chart.inputs.version, "2026.8.3");
            assert.deepStrictEqual(chart.inputs.repositoryOpts, { repo: "https://helm.linkerd.io/edge" });
            assert.strictEqual(chart.inputs.namespace, "linkerd");
        }
        assert.deepStrictEqual(crds.inputs.values, { installGatewayAPI: true });
        assert.ok(controlPlane(program).dependsOn.includes(`${types.chart}::linkerd-crds`));
        assert.ok(controlPlane(program).dependsOn.includes("kubernetes:yaml/v2:ConfigGroup::monitoring-crds"), "its PodMonitors need the Prometheus Operator CRDs");
        assert.ok(!controlPlane(program).dependsOn.includes(`${types.chart}::kube-prometheus-stack`), "not the monitoring chart");
    });

    it("sets proxy-init to nft for Ubuntu 24.04, native sidecars and a PodMonitor Prometheus selects", async () => {
        const values = valuesOf(await runProgram());
        assert.deepStrictEqual(values.proxyInit, { iptablesMode: "nft" });
        assert.deepStrictEqual(values.proxy, { nativeSidecar: true });
        assert.deepStrictEqual(values.podMonitor, { enabled: true, labels: { release: "kube-prometheus-stack" } });
    });

    it("gives Linkerd a generated ECDSA P-256 trust anchor and an issuer CA signed by it", async () => {
        const program = await runProgram();
        for (const key of ["linkerd-trust-anchor", "linkerd-issuer"]) {
            assert.deepStrictEqual([program.get(types.privateKey, key).inputs.algorithm, program.get(types.privateKey, key).inputs.ecdsaCurve], ["ECDSA", "P256"]);
        }
        const anchor = program.get(types.selfSignedCert, "linkerd-trust-anchor");
        const issuer = program.get(types.locallySignedCert, "linkerd-issuer");
        assert.strictEqual(anchor.inputs.isCaCertificate, true);
        assert.strictEqual(issuer.inputs.isCaCertificate, true);
        assert.strictEqual(issuer.inputs.caCertPem, mockCert("linkerd-trust-anchor"), "signed by the anchor");
        assert.ok(Number(issuer.inputs.validityPeriodHours) < Number(anchor.inputs.validityPeriodHours), "the issuer expires before the anchor");
        assert.ok(Number(issuer.inputs.validityPeriodHours) >= 24 * 90, "long enough for a lab kept up for weeks");
        const values = valuesOf(program);
        assert.strictEqual(values.identityTrustAnchorsPEM, mockCert("linkerd-trust-anchor"));
        assert.strictEqual((values.identity as { issuer: { tls: { crtPEM: string } } }).issuer.tls.crtPEM, mockCert("linkerd-issuer"));
    });

    it("keeps every private key it hands the chart secret", async () => {
        const chart = controlPlane(await runProgram());
        assert.ok(chart.secretInputs.some((p) => p === "values" || p.startsWith("values.")));
        for (const where of ["values.identity.issuer.tls.keyPEM", "values.proxyInjector.keyPEM", "values.profileValidator.keyPEM", "values.policyValidator.keyPEM"]) {
            assert.ok(chart.secretInputs.some((p) => where === p || where.startsWith(`${p}.`)), where);
        }
    });

    it("generates the webhooks' certificates once instead of at every render", async () => {
        const values = valuesOf(await runProgram());
        for (const webhook of ["proxyInjector", "profileValidator", "policyValidator"]) {
            const v = values[webhook] as { crtPEM: string; caBundle: string; keyPEM: string; externalSecret: boolean };
            assert.match(v.crtPEM, /BEGIN CERTIFICATE/);
            assert.strictEqual(v.caBundle, v.crtPEM);
            assert.match(v.keyPEM, /PRIVATE KEY/);
        }
    });

    it("sets only values that the pinned Linkerd charts have", async function () {
        const crdsUpstream = upstreamValues(versions.charts.linkerdCrds);
        const upstream = upstreamValues(versions.charts.linkerdControlPlane);
        if (upstream === undefined || crdsUpstream === undefined) return this.skip();
        const program = await runProgram();
        assert.deepStrictEqual(unknownKeys(valuesOf(program), upstream), []);
        assert.deepStrictEqual(unknownKeys(program.get(types.chart, "linkerd-crds").inputs.values as Record<string, unknown>, crdsUpstream), []);
    });
});
