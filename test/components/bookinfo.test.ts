import * as assert from "assert";
import { dial } from "../../components/cluster";
import { catalogue } from "../../lib/messages";
import { trafficCheck, trafficCheckDeadline, trafficCheckWait } from "../../lib/trafficCheck";
import { renderScript } from "../../lib/scripts";
import { Program, RecordedResource, runProgram, types } from "../harness";

type Container = { name: string; image: string; ports: { name: string; containerPort: number; hostPort?: number }[]; readinessProbe?: { httpGet: { path: string; port: number } } };
type Pod = { nodeSelector?: Record<string, string>; tolerations?: { key: string; effect: string }[]; containers: Container[] };
const podOf = (r: RecordedResource): Pod => (r.inputs.spec as { template: { spec: Pod } }).template.spec;
const metaOf = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const deployments = (program: Program) => program.ofType(types.deployment).filter((d) => metaOf(d).namespace === "bookinfo" && metaOf(d).name !== "bookinfo-loadgen");
const service = (program: Program, name: string) => program.get(types.service, `bookinfo-${name}`);

describe("Bookinfo", () => {
    it("creates the meshed namespace, accounts and script at once, and the pods and Services (whose endpoints the provider awaits) after Linkerd's control plane", async () => {
        const program = await runProgram();
        const namespace = program.get(types.namespace, "bookinfo");
        assert.deepStrictEqual(metaOf(namespace).annotations, { "linkerd.io/inject": "enabled" });
        assert.deepStrictEqual(namespace.dependsOn, []);
        const own = program.resources.filter((r) => r.parent === "k8slab:index:Bookinfo::bookinfo" && r.type.startsWith("kubernetes:") && r !== namespace);
        const meshed = own.filter((r) => r.type === types.deployment || r.type === types.service);
        assert.deepStrictEqual(meshed.map((r) => r.name).sort(), [
            "bookinfo-details", "bookinfo-details-v1", "bookinfo-loadgen", "bookinfo-productpage", "bookinfo-productpage-v1",
            "bookinfo-ratings", "bookinfo-ratings-v1", "bookinfo-reviews", "bookinfo-reviews-v1", "bookinfo-reviews-v2", "bookinfo-reviews-v3",
        ]);
        for (const r of own) {
            const waitsForMesh = program.waitsFor(r).has("kubernetes:helm.sh/v4:Chart::linkerd-control-plane");
            assert.strictEqual(waitsForMesh, meshed.includes(r), `${r.type}::${r.name}`);
            if (!meshed.includes(r)) assert.deepStrictEqual(r.dependsOn, ["kubernetes:core/v1:Namespace::bookinfo"], r.name);
        }
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

    it("serves productpage by hostPort, rolled out without a surge pod, in hostPort mode", async () => {
        const program = await runProgram({ config: { exposure: "hostPort" } });
        const productpage = program.get(types.deployment, "bookinfo-productpage-v1");
        assert.strictEqual(podOf(productpage).containers[0].ports[0].hostPort, 30080);
        assert.deepStrictEqual((productpage.inputs.spec as { strategy: unknown }).strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
        assert.strictEqual((service(program, "productpage").inputs.spec as { type?: string }).type, undefined, "the Service stays ClusterIP");
    });

    it("checks 50 whole pages through the mesh on every up, from the control-plane node, with a Job it creates afresh", async () => {
        const program = await runProgram();
        assert.deepStrictEqual(program.ofType(types.job), [], "no Job that Pulumi awaits and keeps in its state");
        const check = program.get(types.remoteCommand, "bookinfo-traffic-check");
        assert.strictEqual(check.inputs.create, "sudo bash -s");
        assert.deepStrictEqual(check.inputs.triggers, ["every-up-nonce"], "runs whenever the every-up nonce changes: on every up");
        assert.deepStrictEqual(check.inputs.connection, { host: "203.0.113.1", port: 22, user: "ubuntu", privateKey: program.output("sshPrivateKey").value, ...dial });
        assert.ok(check.secretInputs.includes("connection"), "the SSH key stays secret");
        const job = {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { generateName: "bookinfo-traffic-check-", namespace: "bookinfo", labels: { app: "bookinfo-traffic-check" } },
            spec: {
                backoffLimit: 0,
                // 60 s to start, 120 s of warm-up and its last request and pause, 50 × 10 s.
                activeDeadlineSeconds: 691,
                ttlSecondsAfterFinished: 3600,
                template: {
                    metadata: { labels: { app: "bookinfo-traffic-check" } },
                    spec: {
                        containers: [{
                            name: "traffic",
                            image: "docker.io/curlimages/curl:8.11.1",
                            command: ["sh", "/scripts/bookinfo-traffic.sh"],
                            env: [
                                { name: "URL", value: "http://productpage.bookinfo.svc:9080/productpage" },
                                { name: "REQUEST_SECONDS", value: "10" },
                                { name: "COUNT", value: "50" },
                                { name: "INTERVAL", value: "0" },
                                { name: "WARMUP_PAGES", value: "5" },
                                { name: "WARMUP_SECONDS", value: "120" },
                                { name: "WARMUP_PAUSE", value: "1" },
                            ],
                            volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
                        }],
                        volumes: [{ name: "scripts", configMap: { name: "bookinfo-traffic" } }],
                        restartPolicy: "Never",
                    },
                },
            },
        };
        // The dev stack's language is auto, which on the nodes means Korean.
        assert.strictEqual(check.inputs.stdin, renderScript("bookinfo-traffic-check.sh", {
            NAMESPACE: "bookinfo",
            JOB_LABEL: "app=bookinfo-traffic-check",
            JOB_MANIFEST: JSON.stringify(job),
            ATTEMPTS: 3,
            WAIT_SECONDS: 751,
            DEPLOYMENTS: "details-v1 ratings-v1 reviews-v1 reviews-v2 reviews-v3 productpage-v1 bookinfo-loadgen",
            ROLLOUT_SECONDS: 300,
            INJECTOR: "linkerd/linkerd-proxy-injector",
            KUBE_ACCESS: "node",
        }, "ko"));
        assert.deepStrictEqual([...check.dependsOn].sort(), [
            "command:remote:Command::cluster-ready",
            "kubernetes:apps/v1:Deployment::bookinfo-details-v1",
            "kubernetes:apps/v1:Deployment::bookinfo-productpage-v1",
            "kubernetes:apps/v1:Deployment::bookinfo-ratings-v1",
            "kubernetes:apps/v1:Deployment::bookinfo-reviews-v1",
            "kubernetes:apps/v1:Deployment::bookinfo-reviews-v2",
            "kubernetes:apps/v1:Deployment::bookinfo-reviews-v3",
            "kubernetes:core/v1:ConfigMap::bookinfo-traffic",
            "kubernetes:core/v1:Namespace::bookinfo",
            "kubernetes:core/v1:Service::bookinfo-details",
            "kubernetes:core/v1:Service::bookinfo-productpage",
            "kubernetes:core/v1:Service::bookinfo-ratings",
            "kubernetes:core/v1:Service::bookinfo-reviews",
        ]);
    });

    it("derives the Job's deadline from the check's own numbers, and waits a minute longer on the node", () => {
        const timing = { requests: 50, requestSeconds: 10, warmupSeconds: 120, warmupPauseSeconds: 1, startSeconds: 60 };
        assert.strictEqual(trafficCheckDeadline(timing), 691);
        // Each number counts once: one more request, one more second of any kind, is one more step.
        assert.strictEqual(trafficCheckDeadline({ ...timing, requests: 51 }), 701);
        assert.strictEqual(trafficCheckDeadline({ ...timing, requestSeconds: 5 }), 60 + 120 + 5 + 1 + 250);
        assert.strictEqual(trafficCheckDeadline({ ...timing, warmupSeconds: 60 }), 631);
        assert.strictEqual(trafficCheckDeadline({ ...timing, warmupPauseSeconds: 0 }), 690);
        assert.strictEqual(trafficCheckDeadline({ ...timing, startSeconds: 0 }), 631);
        assert.strictEqual(trafficCheckWait, trafficCheckDeadline(trafficCheck) + 60);
        assert.ok(trafficCheckDeadline(trafficCheck) > trafficCheck.warmupSeconds + trafficCheck.requests * trafficCheck.requestSeconds, "longer than the warm-up and every request at its timeout");
    });

    it("writes the check's verdict in English when the stack's language is en", async () => {
        const program = await runProgram({ config: { language: "en" } });
        const stdin = String(program.get(types.remoteCommand, "bookinfo-traffic-check").inputs.stdin);
        assert.ok(stdin.includes(`bookinfo.trafficIncomplete=${catalogue.en["bookinfo.trafficIncomplete"]}\n`));
        assert.doesNotMatch(stdin, /[가-힣]/);
    });

    it("takes the every-up nonce from a resource whose provider Pulumi can store", async () => {
        const program = await runProgram();
        const everyUp = program.get(types.dynamic, "every-up");
        assert.match(String(everyUp.inputs.__provider), /exports\.handler = /);
    });

    it("keeps a steady load of one page every 2 seconds, without warm-up or end", async () => {
        const program = await runProgram();
        const load = program.get(types.deployment, "bookinfo-loadgen");
        assert.deepStrictEqual((podOf(load).containers[0] as unknown as { env: unknown }).env, [
            { name: "URL", value: "http://productpage.bookinfo.svc:9080/productpage" },
            { name: "REQUEST_SECONDS", value: "10" },
            { name: "COUNT", value: "0" },
            { name: "INTERVAL", value: "2" },
        ]);
    });

    it("creates nothing in the cluster that would create AWS resources", async () => {
        for (const exposure of ["nodePort", "hostPort"]) {
            const program = await runProgram({ config: { exposure } });
            const k8s = program.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(!k8s.some((r) => (r.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"), "a LoadBalancer Service");
            assert.ok(!k8s.some((r) => r.type.includes("PersistentVolumeClaim")), "a volume claim");
            assert.ok(!JSON.stringify(program.get(types.chart, "kube-prometheus-stack").inputs.values).match(/storageSpec|persistence|LoadBalancer/));
        }
    });
});
