import * as fs from "fs";
import * as path from "path";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dial } from "./cluster";
import { linkerdNamespace } from "./mesh";
import { ServedEndpoint } from "../lib/endpoints";
import { Language } from "../lib/messages";
import { renderScript, ScriptInput, scriptEnvironment, scriptsDir } from "../lib/scripts";
import { sshUser } from "../lib/ssh";
import { trafficCheck, trafficCheckDeadline, trafficCheckWait } from "../lib/trafficCheck";
import { bookinfoImage, bookinfoNamespace, bookinfoWorkloads, versions } from "../lib/versions";

export { bookinfoNamespace };
export const bookinfoPort = 9080;
/** productpage, the public endpoint Bookinfo serves (lib/endpoints.ts). */
export const productpageEndpoint: ServedEndpoint = {
    title: "Bookinfo",
    purpose: "Bookinfo productpage",
    workload: { namespace: bookinfoNamespace, deployment: "productpage-v1", container: "productpage", containerPort: "http" },
    service: { namespace: bookinfoNamespace, name: "productpage", port: bookinfoPort, portName: "http" },
    verify: { check: "productPage", path: "/productpage" },
};

/** The Deployment of the steady load, meshed like the workloads. */
const loadgen = "bookinfo-loadgen";

type App = (typeof bookinfoWorkloads)[number][0];

/** Volumes the sample mounts: the apps write to /tmp, reviews' Liberty server to its output. */
const volumes: Record<App, { name: string; mountPath: string }[]> = {
    details: [],
    ratings: [],
    reviews: [{ name: "tmp", mountPath: "/tmp" }, { name: "wlp-output", mountPath: "/opt/ibm/wlp/output" }],
    productpage: [{ name: "tmp", mountPath: "/tmp" }],
};

const productpageUrl = `http://productpage.${bookinfoNamespace}.svc:${bookinfoPort}/productpage`;

/** A pod that runs bookinfo-traffic.sh from the ConfigMap, with its settings. */
function trafficPod(settings: Omit<ScriptInput<"bookinfo-traffic.sh">, "URL" | "REQUEST_SECONDS">) {
    return {
        containers: [{
            name: "traffic",
            image: versions.images.curl,
            command: ["sh", "/scripts/bookinfo-traffic.sh"],
            env: scriptEnvironment("bookinfo-traffic.sh", { URL: productpageUrl, REQUEST_SECONDS: trafficCheck.requestSeconds, ...settings }),
            volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
        }],
        volumes: [{ name: "scripts", configMap: { name: "bookinfo-traffic" } }],
    };
}

/**
 * The check Job, created afresh on the control-plane node by every attempt of every `up`, each
 * under its own generated name: an old one whose pod is stuck Terminating blocks nothing.
 */
export function trafficCheckJob() {
    const labels = { app: trafficCheck.job };
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { generateName: `${trafficCheck.job}-`, namespace: bookinfoNamespace, labels },
        spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: trafficCheckDeadline(trafficCheck),
            ttlSecondsAfterFinished: trafficCheck.ttlSecondsAfterFinished,
            template: {
                metadata: { labels },
                spec: {
                    ...trafficPod({
                        COUNT: trafficCheck.requests,
                        INTERVAL: 0,
                        WARMUP_PAGES: trafficCheck.warmupPages,
                        WARMUP_SECONDS: trafficCheck.warmupSeconds,
                        WARMUP_PAUSE: trafficCheck.warmupPauseSeconds,
                    }),
                    restartPolicy: "Never",
                },
            },
        },
    };
}

/**
 * Where the traffic check runs kubectl: on the control-plane node over SSH, as root, with the
 * node's admin kubeconfig, once every node is Ready (the check proves the whole lab); or, on an
 * existing cluster, on the machine running pulumi, with the context's minified kubeconfig (its
 * content, a secret) and the context.
 */
export type CheckRunner =
    | { on: "node"; host: pulumi.Input<string>; privateKey: pulumi.Input<string>; nodesReady: pulumi.Resource }
    | { on: "local"; kubeconfig: pulumi.Input<string>; kubeContext: string };

export interface BookinfoArgs {
    /** Linkerd's control plane: what starts pods (Deployments, the check's Job) waits for its injector, so every pod starts meshed. */
    mesh: pulumi.Resource;
    /** Where the traffic check runs. */
    check: CheckRunner;
    /** The every-up nonce: the traffic check runs whenever it changes, that is on every `up`. */
    everyUp: pulumi.Input<string>;
    /** The language of the check's verdict, which is printed on the node. */
    language: Language;
}

/**
 * The Istio Bookinfo sample as typed resources in `bookinfo`, meshed by Linkerd, with a check
 * on every `up` that the whole chain serves 50 complete product pages, and a low steady load.
 * The namespace, accounts and script do not wait for Linkerd; the pods and Services do: the
 * provider awaits a Service's endpoints (10 minutes), which exist only once its pods run. The
 * cluster's provider, deletedWith and the platform transform come in `opts`.
 */
export class Bookinfo extends pulumi.ComponentResource {
    /** The namespace, Services and Deployments: what the public port serves. */
    readonly workloads: pulumi.Resource[];
    /** The traffic check of this `up`. */
    readonly trafficCheck: pulumi.CustomResource;

    constructor(name: string, args: BookinfoArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:Bookinfo", name, {}, opts);
        const options = { parent: this };
        const namespace = new k8s.core.v1.Namespace(name, {
            metadata: { name: bookinfoNamespace, annotations: { "linkerd.io/inject": "enabled" } },
        }, options);
        const inNamespace = { ...options, dependsOn: [namespace] };
        const meshed = { ...options, dependsOn: [namespace, args.mesh] };

        const deployments: k8s.apps.v1.Deployment[] = [];
        const services: k8s.core.v1.Service[] = [];
        for (const app of ["details", "ratings", "reviews", "productpage"] as const) {
            new k8s.core.v1.ServiceAccount(`${name}-${app}`, {
                metadata: { name: `bookinfo-${app}`, namespace: bookinfoNamespace, labels: { account: app } },
            }, inNamespace);
            services.push(new k8s.core.v1.Service(`${name}-${app}`, {
                metadata: { name: app, namespace: bookinfoNamespace, labels: { app, service: app } },
                spec: { selector: { app }, ports: [{ name: "http", port: bookinfoPort, targetPort: bookinfoPort }] },
            }, meshed));
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
            }, meshed));
        }

        const script = new k8s.core.v1.ConfigMap(`${name}-traffic`, {
            metadata: { name: "bookinfo-traffic", namespace: bookinfoNamespace },
            data: { "bookinfo-traffic.sh": fs.readFileSync(path.join(scriptsDir, "bookinfo-traffic.sh"), "utf8") },
        }, inNamespace);
        this.workloads = [namespace, ...services, ...deployments];

        // The check runs on every `up` (its trigger is the every-up nonce) as a Job that the
        // control-plane node creates afresh and waits for: nothing Pulumi awaits can stay Failed
        // in the state, a failed check fails only this `up`, and the next `up` runs it again.
        // The proxy is a native sidecar (the mesh's proxy.nativeSidecar), so the Job can finish.
        const run = args.check;
        const stdin = renderScript("bookinfo-traffic-check.sh", {
            NAMESPACE: bookinfoNamespace,
            JOB_LABEL: `app=${trafficCheck.job}`,
            JOB_MANIFEST: JSON.stringify(trafficCheckJob()),
            ATTEMPTS: trafficCheck.attempts,
            WAIT_SECONDS: trafficCheckWait,
            DEPLOYMENTS: [...bookinfoWorkloads.map(([app, version]) => `${app}-${version}`), loadgen].join(" "),
            ROLLOUT_SECONDS: trafficCheck.rolloutSeconds,
            INJECTOR: `${linkerdNamespace}/linkerd-proxy-injector`,
            KUBE_ACCESS: run.on === "node" ? "node" : "context",
        }, args.language);
        const checkOptions = { parent: this, dependsOn: [script, ...this.workloads] };
        this.trafficCheck = run.on === "node"
            ? new command.remote.Command(`${name}-traffic-check`, {
                connection: { host: run.host, user: sshUser, privateKey: pulumi.secret(run.privateKey), ...dial },
                create: "sudo bash -s",
                stdin,
                triggers: [args.everyUp],
            }, { ...checkOptions, dependsOn: [...checkOptions.dependsOn, run.nodesReady] })
            : new command.local.Command(`${name}-traffic-check`, {
                create: "bash -s",
                stdin,
                // The kubeconfig's content, a secret in the state and everywhere else; the script
                // hands it to each kubectl call without writing it to a file.
                environment: { KUBE_CONTEXT: run.kubeContext, LAB_KUBECONFIG: pulumi.secret(run.kubeconfig) },
                triggers: [args.everyUp],
            }, { ...checkOptions, additionalSecretOutputs: ["environment"] });

        // One page every 2 seconds keeps the dashboard and the success-rate alert fed.
        new k8s.apps.v1.Deployment(`${name}-loadgen`, {
            metadata: { name: loadgen, namespace: bookinfoNamespace, labels: { app: loadgen } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: loadgen } },
                template: { metadata: { labels: { app: loadgen } }, spec: trafficPod({ COUNT: 0, INTERVAL: 2 }) },
            },
        }, { ...options, dependsOn: [script, ...deployments] });

        this.registerOutputs({});
    }
}
