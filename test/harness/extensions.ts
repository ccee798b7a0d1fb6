/**
 * Endpoints a scenario adds to the lab (`HarnessOptions.extension`), each with the workload
 * that serves it, as the program takes them: how a test proves that a third endpoint is one
 * entry plus its workload.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EndpointExtension, PublicEndpoint } from "../../lib/endpoints";

/** An echo server in a namespace of its own, on NodePort 30500, checked by its answer alone. */
export const echoEndpoint: PublicEndpoint = {
    name: "echo",
    title: "Echo",
    purpose: "Echo server",
    publicPort: 30500,
    workload: { namespace: "echo", deployment: "echo", container: "echo", containerPort: "http" },
    service: { namespace: "echo", name: "echo", port: 8080, portName: "http" },
    verify: { check: "answers", path: "/" },
};

/** The echo server's namespace, Deployment and Service, as a component would declare them. */
class Echo extends pulumi.ComponentResource {
    constructor(name: string, opts: pulumi.ComponentResourceOptions) {
        super("k8slab:test:Echo", name, {}, opts);
        const labels = { app: "echo" };
        const metadata = { name: "echo", namespace: "echo" };
        const namespace = new k8s.core.v1.Namespace(`${name}-echo`, { metadata: { name: "echo" } }, { parent: this });
        const inNamespace = { parent: this, dependsOn: [namespace] };
        new k8s.apps.v1.Deployment(`${name}-echo`, {
            metadata,
            spec: {
                selector: { matchLabels: labels },
                template: { metadata: { labels }, spec: { containers: [{ name: "echo", image: "hashicorp/http-echo:1.0.0", ports: [{ name: "http", containerPort: 5678 }] }] } },
            },
        }, inNamespace);
        new k8s.core.v1.Service(`${name}-echo`, { metadata, spec: { selector: labels, ports: [{ name: "http", port: 8080, targetPort: "http" }] } }, inNamespace);
        this.registerOutputs({});
    }
}

const echo: EndpointExtension = { endpoints: [echoEndpoint], workloads: (name, opts) => [new Echo(name, opts)] };

export const extensions = { echo } as const;
export type ExtensionName = keyof typeof extensions;
