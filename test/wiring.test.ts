import * as assert from "assert";
import { criticalPath, CriticalPath, criticalPathReport, destroySteps, minutes, stepsOf } from "../lib/criticalPath";
import { criticalPathBudgetSeconds, destroyBudgetSeconds, destroyDurations, preparedImageDurations, stepDurations } from "../lib/durations";
import { Program, runInTurn, runProgram, types } from "./harness";

const provider = "urn:pulumi:dev::k8s-lab::k8slab:index:KubernetesCluster$pulumi:providers:kubernetes::cluster::cluster-id";
const controlPlane = "aws:ec2/instance:Instance::control-plane-0";
const waitsFor = (program: Program, type: string, name: string): string[] => [...program.waitsFor(program.get(type, name))];

describe("the platform's wiring", () => {
    // The harness runs each worker's scenarios in one process, the program's modules loaded once (test/harness/child.ts).
    it("leaves nothing behind in its modules for the next run: a scenario declares the same after others as before them", async () => {
        const x = { config: { exposure: "portForward", language: "en" } };
        const y = { config: { exposure: "hostPort", egress: "natGateway", workerCount: 3, region: "ap-northeast-1" }, zones: { "ap-northeast-1a": "all" as const }, extension: "echo" as const };
        const [first, between, again] = await runInTurn([x, y, x]);
        assert.deepStrictEqual(again.run, first.run);
        assert.deepStrictEqual(between.run, (await runProgram(y)).run);
    });

    for (const exposure of ["nodePort", "portForward"]) {
        it(`puts every in-cluster resource on the cluster's provider, deleted with the control-plane node (${exposure})`, async () => {
            const program = await runProgram({ config: { exposure } });
            const inCluster = program.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(inCluster.length > 20);
            const off = inCluster.filter((r) => r.provider !== provider || program.deletedWith(r) !== controlPlane).map((r) => `${r.type}::${r.name}`);
            assert.deepStrictEqual(off, []);
            // Through each component's options, inherited by its children (charts included).
            const components = program.resources.filter((r) => ["Monitoring", "Mesh", "Bookinfo", "Access"].some((kind) => r.type === `k8slab:index:${kind}`));
            assert.deepStrictEqual(components.map((r) => [r.name, r.options.deletedWith]), [["linkerd", controlPlane], ["access", controlPlane], ["monitoring", controlPlane], ["bookinfo", controlPlane]]);
            assert.deepStrictEqual(inCluster.filter((r) => r.options.deletedWith !== undefined).map((r) => r.name), [], "no resource repeats it");
        });
    }

    it("creates the Kubernetes provider once the API server and the CNI are there, not after any join", async () => {
        const program = await runProgram();
        const before = waitsFor(program, types.kubernetesProvider, "cluster");
        for (const step of [`${types.remoteCommand}::cluster-init`, `${types.remoteCommand}::cluster-cni-calico`, `${types.remoteCommand}::cluster-kubeconfig`]) assert.ok(before.includes(step), step);
        assert.deepStrictEqual(before.filter((id) => /worker|cluster-ready|natGateway/.test(id)), []);
    });

    it("installs Linkerd after the Prometheus Operator CRDs, not after the monitoring chart, and neither chart after the other", async () => {
        const program = await runProgram();
        const linkerd = waitsFor(program, types.chart, "linkerd-control-plane");
        assert.ok(linkerd.includes("kubernetes:yaml/v2:ConfigGroup::monitoring-crds"));
        assert.ok(!linkerd.includes(`${types.chart}::kube-prometheus-stack`));
        assert.deepStrictEqual(waitsFor(program, types.chart, "kube-prometheus-stack").filter((id) => id.includes("linkerd") || id.includes("bookinfo")), []);
    });

    it("creates Bookinfo's Services after Linkerd, with their pods, since the provider awaits a Service's endpoints", async () => {
        const program = await runProgram();
        const services = program.ofType(types.service).filter((r) => r.parent === "k8slab:index:Bookinfo::bookinfo");
        assert.deepStrictEqual(services.map((r) => r.name).sort(), ["bookinfo-details", "bookinfo-productpage", "bookinfo-ratings", "bookinfo-reviews"]);
        for (const service of services) assert.ok(program.waitsFor(service).has(`${types.chart}::linkerd-control-plane`), service.name);
        assert.ok(!program.waitsFor(program.get(types.namespace, "bookinfo")).has(`${types.chart}::linkerd-control-plane`), "the namespace does not");
    });

    it("proves the lab (traffic check, verification) only once every node is Ready, which nothing of the platform waits for", async () => {
        const program = await runProgram();
        assert.ok(waitsFor(program, types.remoteCommand, "bookinfo-traffic-check").includes(`${types.remoteCommand}::cluster-ready`));
        assert.ok(waitsFor(program, types.localCommand, "access-verify").includes(`${types.remoteCommand}::cluster-ready`));
        const platform = program.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.deepStrictEqual(platform.filter((r) => program.waitsFor(r).has(`${types.remoteCommand}::cluster-ready`)).map((r) => r.name), []);
    });

    it("models a new lab's up on the prepared node image within the budget, and prints the fallback's path beside it", async () => {
        const program = await runProgram();
        const report = criticalPathReport(stepsOf(program.resources), { prepared: preparedImageDurations, fallback: stepDurations }, criticalPathBudgetSeconds);
        const chain = (path: CriticalPath) => path.steps.filter((step) => step.seconds > 0).map((step) => step.id);
        const start = ["aws:ec2/vpc:Vpc::network-vpc", "aws:ec2/internetGateway:InternetGateway::network-igw", "aws:ec2/route:Route::network-public-internet", "aws:ec2/instance:Instance::control-plane-0", `${types.remoteCommand}::cluster-init`, `${types.remoteCommand}::cluster-cni-calico`, `${types.remoteCommand}::cluster-kubeconfig`];
        // On the prepared image the bootstrap and the mesh are short enough that the monitoring chart (whose images are not on it) leads.
        assert.deepStrictEqual(chain(report.prepared), [...start, "kubernetes:yaml/v2:ConfigGroup::monitoring-crds", `${types.chart}::kube-prometheus-stack`, "command:local:Command::access-verify"]);
        assert.deepStrictEqual(chain(report.fallback), [
            ...start,
            "kubernetes:core/v1:Namespace::linkerd",
            `${types.chart}::linkerd-crds`,
            `${types.chart}::linkerd-control-plane`,
            "kubernetes:apps/v1:Deployment::bookinfo-details-v1",
            `${types.remoteCommand}::bookinfo-traffic-check`,
            "command:local:Command::access-verify",
        ]);
        // Within the 8-minute budget on the prepared image, whatever the table's figures; the fallback is printed, not held to it.
        assert.strictEqual(criticalPathBudgetSeconds, 480);
        assert.ok(report.prepared.seconds <= criticalPathBudgetSeconds, `${report.prepared.seconds} s`);
        for (const path of [report.prepared, report.fallback]) assert.strictEqual(path.seconds, path.steps[path.steps.length - 1].doneAt);
        assert.deepStrictEqual(report.lines.slice(-3), [
            `critical path on the prepared node image: ${minutes(report.prepared.seconds)} (budget 8:00)`,
            `critical path on Canonical's Ubuntu (the fallback): ${minutes(report.fallback.seconds)} (not held to the budget)`,
            "durations from lib/durations.ts",
        ]);
        // The image changes only the steps it shortens, each shorter, none longer.
        const changed = Object.keys(preparedImageDurations.seconds).filter((key) => preparedImageDurations.seconds[key] !== stepDurations.seconds[key]);
        assert.deepStrictEqual(changed.filter((key) => preparedImageDurations.seconds[key] > stepDurations.seconds[key]), []);
        assert.deepStrictEqual(changed, [
            `${types.remoteCommand}::cluster-init`, `${types.remoteCommand}::cluster-cni-*`, `${types.remoteCommand}::cluster-join-worker-*`, `${types.remoteCommand}::cluster-ready`,
            `${types.chart}::linkerd-control-plane`, "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:Deployment::bookinfo-loadgen",
        ]);
    });

    it("models a destroy within 3 minutes: nothing in the cluster is deleted, the instances' termination leads", async () => {
        const program = await runProgram();
        const covered = new Set(program.resources.filter((r) => program.deletedWith(r) !== undefined).map((r) => `${r.type}::${r.name}`));
        const destroy = criticalPath(destroySteps(stepsOf(program.resources), covered), destroyDurations);
        // The workers' egress route goes through the NAT instance: it is terminated after them, and the internet gateway after it.
        assert.deepStrictEqual(destroy.steps.filter((step) => step.seconds > 0).map((step) => step.id), [
            `${types.instance}::worker-0`,
            "aws:ec2/route:Route::network-private-internet",
            `${types.instance}::network-nat`,
            "aws:ec2/route:Route::network-public-internet",
            "aws:ec2/internetGateway:InternetGateway::network-igw",
            "aws:ec2/vpc:Vpc::network-vpc",
        ]);
        assert.strictEqual(destroyBudgetSeconds, 180);
        assert.ok(destroy.seconds <= destroyBudgetSeconds, `${destroy.seconds} s`);
        // Every Kubernetes object is covered: its delete takes no time and no Kubernetes step is on the path.
        assert.deepStrictEqual(program.resources.filter((r) => r.type.startsWith("kubernetes:") && !covered.has(`${r.type}::${r.name}`)).map((r) => r.name), []);
    });
});
