/**
 * Pure transforms of Kubernetes objects, applied through Pulumi resource transforms to
 * Bookinfo's resources and to chart children alike: pinning a workload to the control-plane
 * node, and serving a port on it (hostPort or NodePort).
 */
import * as pulumi from "@pulumi/pulumi";

/** A Kubernetes object as a transform sees it. */
export type KubeObject = Record<string, unknown> & { kind?: string; metadata?: { name?: string; namespace?: string } };
type Json = Record<string, unknown>;

export const controlPlaneLabel = "node-role.kubernetes.io/control-plane";
export const controlPlaneToleration = { key: controlPlaneLabel, operator: "Exists", effect: "NoSchedule" } as const;

/** Where each kind keeps its pod spec (Prometheus and Alertmanager CRs take pod fields in spec). */
const podSpecPaths: Record<string, string[]> = {
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    Job: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
    Prometheus: ["spec"],
    Alertmanager: ["spec"],
};
export const placeableKinds = Object.keys(podSpecPaths);

/** `namespace/name` of an object, the way the config's workload list names it. */
export const workloadId = (obj: KubeObject): string => `${obj.metadata?.namespace ?? "default"}/${obj.metadata?.name ?? ""}`;

const clone = <T>(value: T): T => structuredClone(value);

/** A copy of `obj` whose object at `path` is replaced by `update(existing or {})`. */
function updateAt(obj: Json, path: string[], update: (current: Json) => Json): Json {
    const [head, ...rest] = path;
    const current = (obj[head] ?? {}) as Json;
    return { ...obj, [head]: rest.length === 0 ? update(current) : updateAt(current, rest, update) };
}

/** A toleration already lets the pod onto the control-plane node when it matches the taint. */
function tolerates(t: Json): boolean {
    const effectOk = t.effect === undefined || t.effect === "" || t.effect === "NoSchedule";
    if (t.operator === "Exists" && (t.key === undefined || t.key === "")) return effectOk;
    return t.key === controlPlaneLabel && effectOk;
}

/**
 * Adds the control-plane nodeSelector and the matching NoSchedule toleration to a workload,
 * keeping what it has: other selectors stay, no toleration is duplicated. Other kinds are
 * returned unchanged.
 */
export function placeOnControlPlane<T extends KubeObject>(obj: T): T {
    const path = podSpecPaths[obj.kind ?? ""];
    if (path === undefined) return obj;
    return updateAt(clone(obj), path, (spec) => {
        const tolerations = (spec.tolerations ?? []) as Json[];
        return {
            ...spec,
            nodeSelector: { ...(spec.nodeSelector as Json | undefined), [controlPlaneLabel]: "" },
            tolerations: tolerations.some(tolerates) ? tolerations : [...tolerations, { ...controlPlaneToleration }],
        };
    }) as T;
}

/**
 * Serves a container port on the node: hostPort on the named container's named port, and the
 * Recreate strategy, since a rolling update would wait forever for the port its predecessor
 * holds on the single node it may run on.
 */
export function addHostPort<T extends KubeObject>(obj: T, target: { container: string; port: string | number; hostPort: number }): T {
    const path = podSpecPaths[obj.kind ?? ""];
    if (path === undefined) return obj;
    let found = false;
    let result = updateAt(clone(obj), path, (spec) => ({
        ...spec,
        containers: ((spec.containers ?? []) as Json[]).map((container) => {
            if (container.name !== target.container) return container;
            return {
                ...container,
                ports: ((container.ports ?? []) as Json[]).map((port) => {
                    if (port.name !== target.port && port.containerPort !== target.port) return port;
                    found = true;
                    return { ...port, hostPort: target.hostPort };
                }),
            };
        }),
    }));
    if (!found) throw new Error(`${obj.kind} ${workloadId(obj)} has no port ${target.port} in a container named ${target.container}`);
    if (obj.kind === "Deployment") result = updateAt(result, ["spec"], (spec) => ({ ...spec, strategy: { type: "Recreate" } }));
    return result as T;
}

/** Makes a Service a NodePort service with the given node port on its named port. */
export function toNodePort<T extends KubeObject>(obj: T, target: { port: string | number; nodePort: number }): T {
    if (obj.kind !== "Service") return obj;
    let found = false;
    const result = updateAt(clone(obj), ["spec"], (spec) => ({
        ...spec,
        type: "NodePort",
        ports: ((spec.ports ?? []) as Json[]).map((port) => {
            if (port.name !== target.port && port.port !== target.port) return port;
            found = true;
            return { ...port, nodePort: target.nodePort };
        }),
    }));
    if (!found) throw new Error(`Service ${workloadId(obj)} has no port ${target.port}`);
    return result as T;
}

/**
 * How the public ports are served, in the order the `up` command falls back through them:
 * NodePort Services; a `kubectl port-forward` systemd service on the control-plane node; hostPort
 * on the pods. (The transform below handles the first and the last; portForward needs neither.)
 */
export const exposures = ["nodePort", "portForward", "hostPort"] as const;
export type Exposure = (typeof exposures)[number];

/** How one public port reaches its workload. */
export interface ExposedPort {
    /** `namespace/name` of the Deployment and of the Service (they share the name's owner). */
    deployment: string;
    service: string;
    container: string;
    /** Container port name or number, and the Service port name or number. */
    containerPort: string | number;
    servicePort: string | number;
    publicPort: number;
}

/**
 * The Pulumi transform that places the listed workloads on the control-plane node and serves
 * each public port by exactly one mechanism: hostPort on the workload, or NodePort on its
 * Service. Objects it does not name pass through untouched.
 */
export function platformTransform(args: { controlPlaneWorkloads: string[]; exposure: Exposure; ports: ExposedPort[] }): pulumi.ResourceTransform {
    return ({ props, opts }) => {
        let obj = props as KubeObject;
        const id = workloadId(obj);
        if (args.controlPlaneWorkloads.includes(id) && placeableKinds.includes(obj.kind ?? "")) obj = placeOnControlPlane(obj);
        for (const port of args.ports) {
            if (args.exposure === "hostPort" && obj.kind === "Deployment" && id === port.deployment) {
                obj = addHostPort(obj, { container: port.container, port: port.containerPort, hostPort: port.publicPort });
            }
            if (args.exposure === "nodePort" && obj.kind === "Service" && id === port.service) {
                obj = toNodePort(obj, { port: port.servicePort, nodePort: port.publicPort });
            }
        }
        return obj === props ? undefined : { props: obj, opts };
    };
}
