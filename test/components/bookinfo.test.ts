import * as assert from "assert";
import { Program, RecordedResource, runProgram } from "../harness";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
type Container = { name: string; image: string; ports: { name: string; containerPort: number; hostPort?: number }[]; readinessProbe?: { httpGet: { path: string; port: number } } };
type Pod = { nodeSelector?: Record<string, string>; tolerations?: { key: string; effect: string }[]; containers: Container[] };
const podOf = (r: RecordedResource): Pod => (r.inputs.spec as { template: { spec: Pod } }).template.spec;
const metaOf = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const deployments = (program: Program) => program.ofType(DEPLOYMENT).filter((d) => metaOf(d).namespace === "bookinfo" && metaOf(d).name !== "bookinfo-loadgen");
const service = (program: Program, name: string) => program.get("kubernetes:core/v1:Service", `bookinfo-${name}`);

describe("Bookinfo", () => {
    it("creates the meshed namespace after Linkerd's control plane", async () => {
        const program = await runProgram();
        const namespace = program.get("kubernetes:core/v1:Namespace", "bookinfo");
        assert.deepStrictEqual(metaOf(namespace).annotations, { "linkerd.io/inject": "enabled" });
        assert.deepStrictEqual(namespace.dependsOn, ["kubernetes:helm.sh/v4:Chart::linkerd-control-plane"]);
    });

    it("deploys the six workloads of the Istio sample with pinned images on port 9080", async () => {
        const program = await runProgram();
        const found = deployments(program).map((d) => `${metaOf(d).labels?.app}/${metaOf(d).labels?.version}`).sort();
        assert.deepStrictEqual(found, ["details/v1", "productpage/v1", "ratings/v1", "reviews/v1", "reviews/v2", "reviews/v3"]);
        for (const deployment of deployments(program)) {
            const { app, version } = metaOf(deployment).labels ?? {};
            const [container] = podOf(deployment).containers;
            assert.strictEqual(container.image, `docker.io/istio/examples-bookinfo-${app}-${version}:1.20.1`);
            assert.deepStrictEqual(container.ports, [{ name: "http", containerPort: 9080 }]);
            assert.deepStrictEqual(container.readinessProbe?.httpGet, { path: "/health", port: 9080 });
            assert.strictEqual((podOf(deployment) as unknown as { serviceAccountName: string }).serviceAccountName, `bookinfo-${app}`);
        }
        for (const name of ["details", "ratings", "reviews", "productpage"]) {
            assert.deepStrictEqual((service(program, name).inputs.spec as { selector: unknown }).selector, { app: name });
        }
    });

    it("pins productpage, and only it, to the control-plane node, and serves it on 30080 by NodePort", async () => {
        const program = await runProgram();
        for (const deployment of deployments(program)) {
            const pinned = metaOf(deployment).name === "productpage-v1";
            assert.strictEqual(podOf(deployment).nodeSelector?.["node-role.kubernetes.io/control-plane"] === "", pinned, metaOf(deployment).name);
            assert.strictEqual(podOf(deployment).tolerations?.some((t) => t.key === "node-role.kubernetes.io/control-plane") ?? false, pinned, metaOf(deployment).name);
        }
        const spec = service(program, "productpage").inputs.spec as { type: string; ports: { nodePort?: number }[] };
        assert.strictEqual(spec.type, "NodePort");
        assert.strictEqual(spec.ports[0].nodePort, 30080);
        assert.ok(!JSON.stringify(program.resources.map((r) => r.inputs)).includes("hostPort"), "no hostPort in nodePort mode");
    });

    it("serves productpage by hostPort, with Recreate, in hostPort mode", async () => {
        const program = await runProgram({ config: { exposure: "hostPort" } });
        const productpage = program.get(DEPLOYMENT, "bookinfo-productpage-v1");
        assert.strictEqual(podOf(productpage).containers[0].ports[0].hostPort, 30080);
        assert.deepStrictEqual((productpage.inputs.spec as { strategy: unknown }).strategy, { type: "Recreate" });
        assert.strictEqual((service(program, "productpage").inputs.spec as { type?: string }).type, undefined, "the Service stays ClusterIP");
    });

    it("proves the chain with a 50-request Job after every workload, and keeps a steady load", async () => {
        const program = await runProgram();
        const job = program.get("kubernetes:batch/v1:Job", "bookinfo-traffic");
        const env = Object.fromEntries(((job.inputs.spec as { template: { spec: Pod & { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0].env).map((e) => [e.name, e.value]));
        assert.deepStrictEqual(env, { URL: "http://productpage.bookinfo.svc:9080/productpage", COUNT: "50", INTERVAL: "0" });
        for (const deployment of deployments(program)) assert.ok(job.dependsOn.includes(`${DEPLOYMENT}::${deployment.name}`), deployment.name);
        const load = program.get(DEPLOYMENT, "bookinfo-loadgen");
        const loadEnv = (podOf(load).containers[0] as unknown as { env: { name: string; value: string }[] }).env;
        assert.deepStrictEqual(loadEnv.find((e) => e.name === "COUNT")?.value, "0");
    });

    it("creates nothing in the cluster that would create AWS resources", async () => {
        for (const exposure of ["nodePort", "hostPort"]) {
            const program = await runProgram({ config: { exposure } });
            const k8s = program.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(!k8s.some((r) => (r.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"), "a LoadBalancer Service");
            assert.ok(!k8s.some((r) => r.type.includes("PersistentVolumeClaim")), "a volume claim");
            assert.ok(!JSON.stringify(program.get("kubernetes:helm.sh/v4:Chart", "kube-prometheus-stack").inputs.values).match(/storageSpec|persistence|LoadBalancer/));
        }
    });
});
