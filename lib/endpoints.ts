/**
 * The lab's public endpoints, each described once: what serves it (workload and Service, as the
 * component that deploys it states them), its public port (from the config) and how it is
 * proven. Everything else is derived from this list: the security-group rules
 * (components/securityGroups.ts), the exposure transform's targets (lib/placement.ts), the
 * port-forward units and their RBAC (lib/portForward.ts), the verify targets and URLs, the CLI's
 * unit names (through the `endpoints` stack output) and the policy pack's allowed ports.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { LabConfig } from "./config";

/** How an endpoint is proven from outside (lib/probe.ts): a whole product page, Grafana's login and Prometheus datasource, or any HTTP 200 (answers). */
export const checks = ["productPage", "grafana", "answers"] as const;
export type Check = (typeof checks)[number];

export interface PublicEndpoint {
    /** Its name: the port-forward unit's suffix (`k8s-lab-port-forward-<name>`) and its verify result's target. */
    name: string;
    /** How the operator's messages name it. */
    title: string;
    /** Why it is open: the security-group rule's description. */
    purpose: string;
    /** The port the control-plane node serves it on (NodePort, forwarded port or hostPort). */
    publicPort: number;
    /** The Deployment whose pods serve it, the container and the container port's name. */
    workload: { namespace: string; deployment: string; container: string; containerPort: string };
    /** The Service in front of them: its port's name (set to a NodePort) and number (forwarded to). */
    service: { namespace: string; name: string; port: number; portName: string };
    /** The check that proves it, and the URL's path. */
    verify: { check: Check; path: string };
}

/** What the component that deploys an endpoint states about it: all but its name and public port. */
export type ServedEndpoint = Omit<PublicEndpoint, "name" | "publicPort">;

/** The lab's endpoints, by name, each with the config key of its public port. */
export const publicPortKeys = { bookinfo: "bookinfoPort", grafana: "grafanaPort" } as const satisfies Record<string, keyof LabConfig>;
export type LabEndpointName = keyof typeof publicPortKeys;

/** Each endpoint's name and public port, as configured. */
export function configuredPorts(config: Pick<LabConfig, (typeof publicPortKeys)[LabEndpointName]>): Pick<PublicEndpoint, "name" | "publicPort">[] {
    return Object.entries(publicPortKeys).map(([name, key]) => ({ name, publicPort: config[key] }));
}

/** The lab's endpoints: the configured ports, and what the components state about each. */
export function labEndpoints(config: Pick<LabConfig, (typeof publicPortKeys)[LabEndpointName]>, served: Record<LabEndpointName, ServedEndpoint>): PublicEndpoint[] {
    return configuredPorts(config).map((port) => ({ ...port, ...served[port.name as LabEndpointName] }));
}

/** The distinct public ports, in order: what the policy pack allows from the world. */
export const publicPorts = (endpoints: Pick<PublicEndpoint, "publicPort">[]): number[] => [...new Set(endpoints.map((e) => e.publicPort))].sort((a, b) => a - b);

/** `namespace/name` of an endpoint's Deployment and Service, the way the transform names objects. */
export const deploymentId = (e: Pick<PublicEndpoint, "workload">): string => `${e.workload.namespace}/${e.workload.deployment}`;
export const serviceId = (e: Pick<PublicEndpoint, "service">): string => `${e.service.namespace}/${e.service.name}`;

/** What `lab verify` checks: an endpoint's URL on the node's public address, with its check (the `endpoints` stack output). */
export interface VerifyTarget {
    name: string;
    title: string;
    url: string;
    check: Check;
    publicPort: number;
}

export const verifyTarget = (e: PublicEndpoint, publicIp: string): VerifyTarget => ({
    name: e.name,
    title: e.title,
    url: `http://${publicIp}:${e.publicPort}${e.verify.path}`,
    check: e.verify.check,
    publicPort: e.publicPort,
});

/**
 * Endpoints beyond the lab's own, each with the workload that serves it: the program takes them
 * as its argument (Pulumi passes none), the seam through which a test adds a third endpoint.
 */
export interface EndpointExtension {
    endpoints: PublicEndpoint[];
    /** Declares the workloads behind them with these options (the cluster's provider, deletedWith, the platform transform), for their children to inherit. */
    workloads(name: string, opts: pulumi.ComponentResourceOptions): pulumi.Resource[];
}

export const noExtension: EndpointExtension = { endpoints: [], workloads: () => [] };
