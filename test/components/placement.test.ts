import * as assert from "assert";
import { runProgram, types } from "../harness";
import { chartProbe, kubePrometheusStack } from "../harness/charts";
import { message } from "../../lib/messages";

const { grafanaDeployment, grafanaService, prometheus, operator } = kubePrometheusStack;
const renamed = <T extends { metadata: { name: string; namespace: string } }>(obj: T, name: string): T => ({ ...obj, metadata: { ...obj.metadata, name } });

describe("PlacementCheck", () => {
    it("lets up pass when every pinned workload and exposed Service was rendered", async () => {
        const program = await runProgram();
        assert.strictEqual(program.run.error, undefined);
        assert.deepStrictEqual(program.get(types.placementCheck, "placement").dependsOn, ["kubernetes:helm.sh/v4:Chart::kube-prometheus-stack", "k8slab:index:Bookinfo::bookinfo"]);
    });

    it("passes with a further workload the chart renders, and with one Bookinfo renders", async () => {
        // Both in one run: either one unseen would fail it.
        const program = await runProgram({ config: { controlPlaneWorkloads: ["monitoring/kube-prometheus-stack-prometheus", "bookinfo/reviews-v3"] } });
        assert.strictEqual(program.run.error, undefined);
    });

    it("fails up naming a configured workload no chart renders, in the stack's language", async () => {
        const config = { controlPlaneWorkloads: ["monitoring/prometheus-server"] };
        const en = await runProgram({ config: { ...config, language: "en" } });
        assert.deepStrictEqual(en.run.error, { name: "RunError", message: message("en", "placement.unseen", { missing: "monitoring/prometheus-server" }) });
        const ko = await runProgram({ config: { ...config, language: "ko" } });
        assert.deepStrictEqual(ko.run.error, { name: "RunError", message: message("ko", "placement.unseen", { missing: "monitoring/prometheus-server" }) });
    });

    it("fails up naming Grafana's Deployment and Service when the chart renames them", async () => {
        const probes = [chartProbe([renamed(grafanaDeployment, "grafana"), renamed(grafanaService, "grafana"), prometheus, operator])];
        const nodePort = await runProgram({ config: { language: "en" }, probes });
        assert.deepStrictEqual(nodePort.run.error, {
            name: "RunError",
            message: message("en", "placement.unseen", { missing: "monitoring/kube-prometheus-stack-grafana, Service monitoring/kube-prometheus-stack-grafana" }),
        });
        const hostPort = await runProgram({ config: { language: "en", exposure: "hostPort" }, probes });
        assert.deepStrictEqual(hostPort.run.error, {
            name: "RunError",
            message: message("en", "placement.unseen", { missing: "Deployment monitoring/kube-prometheus-stack-grafana" }),
        });
    });

    it("does not take a Service for the workload of the same name", async () => {
        const probes = [chartProbe([grafanaService, prometheus, operator])];
        const program = await runProgram({ config: { language: "en" }, probes });
        assert.deepStrictEqual(program.run.error, { name: "RunError", message: message("en", "placement.unseen", { missing: "monitoring/kube-prometheus-stack-grafana" }) });
    });
});
