import * as assert from "assert";
import { addHostPort, controlPlaneLabel, KubeObject, PlacementArgs, placementTargets, placeOnControlPlane, platformPlacement, platformTransform, toNodePort } from "../../lib/placement";

const podSpec = (extra: Record<string, unknown> = {}) => ({ containers: [{ name: "app", image: "app:1" }], ...extra });
const workload = (kind: string, spec: Record<string, unknown>, apiVersion = "apps/v1"): KubeObject => ({ apiVersion, kind, metadata: { name: "w", namespace: "ns" }, spec });
const realistic: Record<string, (pod: Record<string, unknown>) => KubeObject> = {
    Deployment: (pod) => workload("Deployment", { replicas: 1, selector: { matchLabels: { app: "w" } }, template: { metadata: { labels: { app: "w" } }, spec: pod } }),
    StatefulSet: (pod) => workload("StatefulSet", { serviceName: "w", selector: { matchLabels: { app: "w" } }, template: { spec: pod } }),
    DaemonSet: (pod) => workload("DaemonSet", { selector: { matchLabels: { app: "w" } }, template: { spec: pod } }),
    Job: (pod) => workload("Job", { backoffLimit: 2, template: { spec: { ...pod, restartPolicy: "Never" } } }, "batch/v1"),
    CronJob: (pod) => workload("CronJob", { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: pod } } } }, "batch/v1"),
    Prometheus: (pod) => workload("Prometheus", { replicas: 1, retention: "2d", ...pod, containers: undefined }, "monitoring.coreos.com/v1"),
    Alertmanager: (pod) => workload("Alertmanager", { replicas: 1, ...pod, containers: undefined }, "monitoring.coreos.com/v1"),
};
const specPath: Record<string, string[]> = {
    Deployment: ["spec", "template", "spec"], StatefulSet: ["spec", "template", "spec"], DaemonSet: ["spec", "template", "spec"], Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"], Prometheus: ["spec"], Alertmanager: ["spec"],
};
const podOf = (obj: KubeObject): { nodeSelector?: Record<string, string>; tolerations?: Record<string, string>[] } =>
    specPath[obj.kind ?? ""].reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, obj);
const ours = { key: controlPlaneLabel, operator: "Exists", effect: "NoSchedule" };

describe("control-plane placement", () => {
    for (const [kind, make] of Object.entries(realistic)) {
        it(`pins a ${kind} to the control-plane node`, () => {
            const placed = placeOnControlPlane(make(podSpec()));
            assert.deepStrictEqual(podOf(placed).nodeSelector, { [controlPlaneLabel]: "" });
            assert.deepStrictEqual(podOf(placed).tolerations, [ours]);
        });

        it(`pins a ${kind} to a control-plane node labelled as k3d labels it (true)`, () => {
            const placed = placeOnControlPlane(make(podSpec()), "true");
            assert.deepStrictEqual([podOf(placed).nodeSelector, podOf(placed).tolerations], [{ [controlPlaneLabel]: "true" }, [ours]]);
        });

        it(`keeps a ${kind}'s own selectors and tolerations, adding ours once`, () => {
            const own = { key: "dedicated", operator: "Equal", value: "lab", effect: "NoExecute" };
            const original = make(podSpec({ nodeSelector: { "kubernetes.io/os": "linux" }, tolerations: [own] }));
            const snapshot = JSON.stringify(original);
            const placed = placeOnControlPlane(original);
            assert.deepStrictEqual(podOf(placed).nodeSelector, { "kubernetes.io/os": "linux", [controlPlaneLabel]: "" });
            assert.deepStrictEqual(podOf(placed).tolerations, [own, ours]);
            assert.deepStrictEqual(placeOnControlPlane(placed), placed, "applying it twice changes nothing");
            assert.strictEqual(JSON.stringify(original), snapshot, "the input is not mutated");
        });
    }

    it("adds no toleration where one already lets the pod onto the control-plane node", () => {
        for (const existing of [
            { key: controlPlaneLabel, operator: "Exists", effect: "NoSchedule" },
            { key: controlPlaneLabel, operator: "Exists" },
            { operator: "Exists" },
        ]) {
            const placed = placeOnControlPlane(realistic.Deployment(podSpec({ tolerations: [existing] })));
            assert.deepStrictEqual(podOf(placed).tolerations, [existing]);
        }
    });

    it("adds ours next to a toleration that does not match the control-plane taint", () => {
        for (const other of [
            { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" },
            { key: "dedicated", operator: "Equal", value: "lab", effect: "NoSchedule" },
            { key: controlPlaneLabel, operator: "Exists", effect: "NoExecute" },
            { key: controlPlaneLabel, operator: "Equal", value: "true", effect: "NoSchedule" },
            { operator: "Exists", effect: "NoExecute" },
        ]) {
            const placed = placeOnControlPlane(realistic.Deployment(podSpec({ tolerations: [other] })));
            assert.deepStrictEqual(podOf(placed).tolerations, [other, ours], JSON.stringify(other));
        }
    });

    it("counts our key with Equal and an empty value, the taint's, as tolerating it", () => {
        for (const existing of [{ key: controlPlaneLabel, operator: "Equal", value: "", effect: "NoSchedule" }, { key: controlPlaneLabel, effect: "NoSchedule" }]) {
            const placed = placeOnControlPlane(realistic.Deployment(podSpec({ tolerations: [existing] })));
            assert.deepStrictEqual(podOf(placed).tolerations, [existing]);
        }
    });

    it("leaves other kinds alone", () => {
        const service = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } };
        assert.strictEqual(placeOnControlPlane(service), service);
    });
});

describe("exposure", () => {
    /** Grafana as the chart renders it: sidecars around the grafana container. */
    const grafana = () => realistic.Deployment(podSpec({
        containers: [
            { name: "grafana-sc-dashboard", image: "sidecar", ports: [] },
            { name: "grafana", image: "grafana", ports: [{ name: "grafana", containerPort: 3000, protocol: "TCP" }, { name: "gossip", containerPort: 9094 }] },
        ],
    }));
    const service = (): KubeObject => ({ apiVersion: "v1", kind: "Service", metadata: { name: "g", namespace: "monitoring" }, spec: { type: "ClusterIP", ports: [{ name: "http-web", port: 80, targetPort: 3000 }] } });

    it("puts the hostPort on the named container's named port and rolls out without a surge pod", () => {
        const exposed = addHostPort(grafana(), { container: "grafana", port: "grafana", hostPort: 30300 });
        assert.deepStrictEqual(exposed, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "w", namespace: "ns" },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "w" } },
                // Not Recreate: server-side apply keeps the defaulted rollingUpdate on a live
                // Deployment, and the API server refuses it next to Recreate.
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
                template: {
                    metadata: { labels: { app: "w" } },
                    spec: {
                        containers: [
                            { name: "grafana-sc-dashboard", image: "sidecar", ports: [] },
                            { name: "grafana", image: "grafana", ports: [{ name: "grafana", containerPort: 3000, protocol: "TCP", hostPort: 30300 }, { name: "gossip", containerPort: 9094 }] },
                        ],
                    },
                },
            },
        });
    });

    it("replaces a chart's surge strategy, or its Recreate, by the no-surge rolling update", () => {
        for (const strategy of [{ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } }, { type: "Recreate" }]) {
            const deployment = grafana();
            (deployment.spec as Record<string, unknown>).strategy = strategy;
            const exposed = addHostPort(deployment, { container: "grafana", port: "grafana", hostPort: 30300 });
            assert.deepStrictEqual((exposed.spec as Record<string, unknown>).strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
        }
    });

    it("gives a DaemonSet the no-surge update too, and leaves the StatefulSet's and the Job's spec alone but for the port", () => {
        const pod = podSpec({ containers: [{ name: "app", image: "app:1", ports: [{ name: "http", containerPort: 80 }] }] });
        const withPort = { containers: [{ name: "app", image: "app:1", ports: [{ name: "http", containerPort: 80, hostPort: 30080 }] }] };
        const target = { container: "app", port: "http", hostPort: 30080 };
        assert.deepStrictEqual(addHostPort(realistic.DaemonSet({ ...pod }), target).spec, {
            selector: { matchLabels: { app: "w" } },
            template: { spec: withPort },
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        });
        assert.deepStrictEqual(addHostPort(realistic.StatefulSet({ ...pod }), target).spec, { serviceName: "w", selector: { matchLabels: { app: "w" } }, template: { spec: withPort } });
        assert.deepStrictEqual(addHostPort(realistic.Job({ ...pod }), target).spec, { backoffLimit: 2, template: { spec: { ...withPort, restartPolicy: "Never" } } });
    });

    it("refuses a port that is not there", () => {
        assert.throws(() => addHostPort(grafana(), { container: "grafana", port: "http", hostPort: 30300 }), /no port http in a container named grafana/);
    });

    it("turns a Service into a NodePort Service on the named port", () => {
        const exposed = toNodePort(service(), { port: "http-web", nodePort: 30300 });
        assert.deepStrictEqual(exposed.spec, { type: "NodePort", ports: [{ name: "http-web", port: 80, targetPort: 3000, nodePort: 30300 }] });
    });

    it("puts the node port on the named port of a multi-port Service only", () => {
        const multi: KubeObject = { ...service(), spec: { type: "ClusterIP", ports: [{ name: "metrics", port: 9090, targetPort: 9090 }, { name: "http-web", port: 80, targetPort: 3000 }] } };
        assert.deepStrictEqual(toNodePort(multi, { port: "http-web", nodePort: 30300 }).spec, {
            type: "NodePort",
            ports: [{ name: "metrics", port: 9090, targetPort: 9090 }, { name: "http-web", port: 80, targetPort: 3000, nodePort: 30300 }],
        });
    });

    it("matches a port by number, on a Service and on a container", () => {
        const multi: KubeObject = { ...service(), spec: { ports: [{ name: "metrics", port: 9090 }, { port: 80, targetPort: 3000 }] } };
        assert.deepStrictEqual(toNodePort(multi, { port: 80, nodePort: 30300 }).spec, { type: "NodePort", ports: [{ name: "metrics", port: 9090 }, { port: 80, targetPort: 3000, nodePort: 30300 }] });
        const exposed = addHostPort(grafana(), { container: "grafana", port: 9094, hostPort: 30300 });
        const containers = (podOf(exposed) as unknown as { containers: { ports: Record<string, unknown>[] }[] }).containers;
        assert.deepStrictEqual(containers[1].ports, [{ name: "grafana", containerPort: 3000, protocol: "TCP" }, { name: "gossip", containerPort: 9094, hostPort: 30300 }]);
    });

    it("refuses a Service port that is not there, by name or by number", () => {
        assert.throws(() => toNodePort(service(), { port: "http", nodePort: 30300 }), /^Error: Service monitoring\/g has no port http$/);
        assert.throws(() => toNodePort(service(), { port: 3000, nodePort: 30300 }), /^Error: Service monitoring\/g has no port 3000$/);
    });

    const port = { workload: { namespace: "monitoring", deployment: "g", container: "grafana", containerPort: "grafana" }, service: { namespace: "monitoring", name: "g", port: 80, portName: "http-web" }, publicPort: 30300 };
    const run = (exposure: "nodePort" | "hostPort", obj: KubeObject) =>
        (platformTransform({ controlPlaneWorkloads: ["monitoring/g"], exposure, endpoints: [port] })({ type: "t", name: "n", custom: true, props: obj, opts: {} }) as { props: KubeObject } | undefined)?.props ?? obj;
    const named = (obj: KubeObject) => ({ ...obj, metadata: { name: "g", namespace: "monitoring" } });

    it("serves a port by NodePort only, in nodePort mode", () => {
        const deployment = run("nodePort", named(grafana()));
        assert.ok(JSON.stringify(deployment).indexOf("hostPort") < 0);
        assert.strictEqual((run("nodePort", service()).spec as { type: string }).type, "NodePort");
    });

    it("serves a port by hostPort only, in hostPort mode", () => {
        assert.ok(JSON.stringify(run("hostPort", named(grafana()))).includes('"hostPort":30300'));
        assert.deepStrictEqual(run("hostPort", service()), service());
    });

    it("passes objects it does not name through untouched", () => {
        const other = realistic.Deployment(podSpec());
        assert.strictEqual(platformTransform({ controlPlaneWorkloads: ["monitoring/g"], exposure: "hostPort", endpoints: [port] })({ type: "t", name: "n", custom: true, props: other, opts: {} }), undefined);
    });
});

describe("placement check", () => {
    const ports: PlacementArgs["endpoints"] = [
        {
            workload: { namespace: "bookinfo", deployment: "productpage-v1", container: "productpage", containerPort: "http" },
            service: { namespace: "bookinfo", name: "productpage", port: 9080, portName: "http" },
            publicPort: 30080,
        },
        {
            workload: { namespace: "monitoring", deployment: "grafana", container: "grafana", containerPort: "grafana" },
            service: { namespace: "monitoring", name: "grafana", port: 80, portName: "http-web" },
            publicPort: 30300,
        },
    ];
    const controlPlaneWorkloads = ["bookinfo/productpage-v1", "monitoring/grafana", "monitoring/prometheus"];

    it("expects each pinned workload, and the Service or Deployment that serves each port", () => {
        assert.deepStrictEqual(placementTargets({ controlPlaneWorkloads, exposure: "nodePort", endpoints: ports }), [
            { kind: "workload", id: "bookinfo/productpage-v1" },
            { kind: "workload", id: "monitoring/grafana" },
            { kind: "workload", id: "monitoring/prometheus" },
            { kind: "Service", id: "bookinfo/productpage" },
            { kind: "Service", id: "monitoring/grafana" },
        ]);
        assert.deepStrictEqual(placementTargets({ controlPlaneWorkloads: [...controlPlaneWorkloads, "monitoring/prometheus"], exposure: "hostPort", endpoints: ports }), [
            { kind: "workload", id: "monitoring/prometheus" },
            { kind: "Deployment", id: "bookinfo/productpage-v1" },
            { kind: "Deployment", id: "monitoring/grafana" },
        ]);
        assert.deepStrictEqual(placementTargets({ controlPlaneWorkloads, exposure: "portForward", endpoints: ports }), [
            { kind: "workload", id: "bookinfo/productpage-v1" },
            { kind: "workload", id: "monitoring/grafana" },
            { kind: "workload", id: "monitoring/prometheus" },
        ]);
    });

    const object = (kind: string, id: string, spec: Record<string, unknown>): KubeObject => {
        const [namespace, name] = id.split("/");
        return { apiVersion: kind === "Service" ? "v1" : "apps/v1", kind, metadata: { name, namespace }, spec };
    };
    const deployment = (id: string, container: string, portName: string) =>
        object("Deployment", id, { template: { spec: { containers: [{ name: container, ports: [{ name: portName, containerPort: 9080 }] }] } } });
    const svc = (id: string, portName: string) => object("Service", id, { ports: [{ name: portName, port: 80 }] });
    const through = (transform: ReturnType<typeof platformPlacement>["transform"], objects: KubeObject[]) => {
        for (const props of objects) void transform({ type: "t", name: "n", custom: true, props, opts: {} });
    };

    it("lists, in order, what the transform never met, until it has met everything", () => {
        const placement = platformPlacement({ controlPlaneWorkloads, exposure: "nodePort", endpoints: ports });
        assert.deepStrictEqual(placement.unseen(), ["bookinfo/productpage-v1", "monitoring/grafana", "monitoring/prometheus", "Service bookinfo/productpage", "Service monitoring/grafana"]);
        through(placement.transform, [deployment("bookinfo/productpage-v1", "productpage", "http"), svc("bookinfo/productpage", "http"), svc("monitoring/grafana", "http-web")]);
        assert.deepStrictEqual(placement.unseen(), ["monitoring/grafana", "monitoring/prometheus"], "a Service does not stand for the workload of its name");
        through(placement.transform, [deployment("monitoring/grafana", "grafana", "grafana"), object("Prometheus", "monitoring/prometheus", {}), object("ConfigMap", "monitoring/other", {})]);
        assert.deepStrictEqual(placement.unseen(), []);
    });

    it("does not count an object of another namespace or kind", () => {
        const placement = platformPlacement({ controlPlaneWorkloads: ["monitoring/prometheus"], exposure: "hostPort", endpoints: [ports[1]] });
        through(placement.transform, [object("Prometheus", "default/prometheus", {}), object("ConfigMap", "monitoring/prometheus", {}), object("StatefulSet", "monitoring/grafana", { template: { spec: {} } })]);
        assert.deepStrictEqual(placement.unseen(), ["monitoring/prometheus", "Deployment monitoring/grafana"]);
    });
});
