import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { scriptsDir } from "../lib/scripts";
import { bookinfoImage, versions } from "../lib/versions";

export const bookinfoNamespace = "bookinfo";
export const bookinfoPort = 9080;
/** The traffic Job's requests: the field reports' 50-request check of the whole chain. */
export const trafficRequests = 50;

/** productpage, which the public port serves. */
export const productpageWorkload = {
    deployment: `${bookinfoNamespace}/productpage-v1`,
    service: `${bookinfoNamespace}/productpage`,
    container: "productpage",
    containerPort: "http",
    servicePort: "http",
} as const;

/** The six workloads of the Istio sample: app, version. */
export const bookinfoWorkloads = [
    ["details", "v1"],
    ["ratings", "v1"],
    ["reviews", "v1"],
    ["reviews", "v2"],
    ["reviews", "v3"],
    ["productpage", "v1"],
] as const;

type App = (typeof bookinfoWorkloads)[number][0];

/** Volumes the sample mounts: the apps write to /tmp, reviews' Liberty server to its output. */
const volumes: Record<App, { name: string; mountPath: string }[]> = {
    details: [],
    ratings: [],
    reviews: [{ name: "tmp", mountPath: "/tmp" }, { name: "wlp-output", mountPath: "/opt/ibm/wlp/output" }],
    productpage: [{ name: "tmp", mountPath: "/tmp" }],
};

export interface BookinfoArgs {
    platformOptions: pulumi.CustomResourceOptions;
    /** Linkerd's control plane: the namespace is created after it, so every pod starts meshed. */
    mesh: pulumi.Resource;
}

/**
 * The Istio Bookinfo sample as typed resources in `bookinfo`, meshed by Linkerd, with a Job
 * that proves the whole chain (50 complete product pages) and a low steady load.
 */
export class Bookinfo extends pulumi.ComponentResource {
    readonly trafficJob: k8s.batch.v1.Job;

    constructor(name: string, args: BookinfoArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:Bookinfo", name, {}, opts);
        const options = { ...args.platformOptions, parent: this };
        const namespace = new k8s.core.v1.Namespace(name, {
            metadata: { name: bookinfoNamespace, annotations: { "linkerd.io/inject": "enabled" } },
        }, { ...options, dependsOn: [args.mesh] });
        const inNamespace = { ...options, dependsOn: [namespace] };

        const deployments: k8s.apps.v1.Deployment[] = [];
        for (const app of ["details", "ratings", "reviews", "productpage"] as const) {
            new k8s.core.v1.ServiceAccount(`${name}-${app}`, {
                metadata: { name: `bookinfo-${app}`, namespace: bookinfoNamespace, labels: { account: app } },
            }, inNamespace);
            new k8s.core.v1.Service(`${name}-${app}`, {
                metadata: { name: app, namespace: bookinfoNamespace, labels: { app, service: app } },
                spec: { selector: { app }, ports: [{ name: "http", port: bookinfoPort, targetPort: bookinfoPort }] },
            }, inNamespace);
        }
        for (const [app, version] of bookinfoWorkloads) {
            const labels = { app, version };
            deployments.push(new k8s.apps.v1.Deployment(`${name}-${app}-${version}`, {
                metadata: { name: `${app}-${version}`, namespace: bookinfoNamespace, labels },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels },
                        spec: {
                            serviceAccountName: `bookinfo-${app}`,
                            containers: [{
                                name: app,
                                image: bookinfoImage(app, version),
                                imagePullPolicy: "IfNotPresent",
                                ports: [{ name: "http", containerPort: bookinfoPort }],
                                // Every Bookinfo app answers GET /health.
                                readinessProbe: { httpGet: { path: "/health", port: bookinfoPort }, periodSeconds: 5 },
                                env: app === "reviews" ? [{ name: "LOG_DIR", value: "/tmp/logs" }] : undefined,
                                volumeMounts: volumes[app].length > 0 ? volumes[app] : undefined,
                            }],
                            volumes: volumes[app].length > 0 ? volumes[app].map((v) => ({ name: v.name, emptyDir: {} })) : undefined,
                        },
                    },
                },
            }, inNamespace));
        }

        const script = new k8s.core.v1.ConfigMap(`${name}-traffic`, {
            metadata: { name: "bookinfo-traffic", namespace: bookinfoNamespace },
            data: { "bookinfo-traffic.sh": fs.readFileSync(path.join(scriptsDir, "bookinfo-traffic.sh"), "utf8") },
        }, inNamespace);
        const trafficPod = (count: number, interval: number) => ({
            containers: [{
                name: "traffic",
                image: versions.images.curl,
                command: ["sh", "/scripts/bookinfo-traffic.sh"],
                env: [
                    { name: "URL", value: `http://productpage.${bookinfoNamespace}.svc:${bookinfoPort}/productpage` },
                    { name: "COUNT", value: String(count) },
                    { name: "INTERVAL", value: String(interval) },
                ],
                volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
            }],
            volumes: [{ name: "scripts", configMap: { name: "bookinfo-traffic" } }],
        });

        // The proxy is a native sidecar (the mesh's proxy.nativeSidecar), so the Job can finish.
        // Pulumi waits for it: `pulumi up` fails if the chain does not serve 50 whole pages.
        this.trafficJob = new k8s.batch.v1.Job(`${name}-traffic`, {
            metadata: { name: "bookinfo-traffic", namespace: bookinfoNamespace },
            spec: {
                backoffLimit: 2,
                activeDeadlineSeconds: 600,
                template: { metadata: { labels: { app: "bookinfo-traffic" } }, spec: { ...trafficPod(trafficRequests, 0), restartPolicy: "Never" } },
            },
        }, { ...options, dependsOn: [script, ...deployments] });

        // One page every 2 seconds keeps the dashboard and the success-rate alert fed.
        new k8s.apps.v1.Deployment(`${name}-loadgen`, {
            metadata: { name: "bookinfo-loadgen", namespace: bookinfoNamespace, labels: { app: "bookinfo-loadgen" } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "bookinfo-loadgen" } },
                template: { metadata: { labels: { app: "bookinfo-loadgen" } }, spec: trafficPod(0, 2) },
            },
        }, { ...options, dependsOn: [script, ...deployments] });

        this.registerOutputs({});
    }
}
