/**
 * Pure transforms of Kubernetes objects, applied through Pulumi resource transforms to
 * Bookinfo's resources and to chart children alike: pinning a workload to the control-plane
 * node, and serving a port on it (hostPort or NodePort).
 */
import * as pulumi from "@pulumi/pulumi";
import { deploymentId, PublicEndpoint, serviceId } from "./endpoints";
import { Exposure } from "./exposure";

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

/**
 * A toleration already lets the pod onto the control-plane node when it matches the taint
 * `node-role.kubernetes.io/control-plane:NoSchedule`, whose value is empty: an empty key with
 * Exists matches every taint; our key matches with Exists, or with Equal (the default operator)
 * and an empty value.
 */
function tolerates(t: Json): boolean {
    const effectOk = t.effect === undefined || t.effect === "" || t.effect === "NoSchedule";
    if (t.operator === "Exists" && (t.key === undefined || t.key === "")) return effectOk;
    const valueOk = t.operator === "Exists" || ((t.operator === undefined || t.operator === "Equal") && (t.value === undefined || t.value === ""));
    return t.key === controlPlaneLabel && valueOk && effectOk;
}

/**
 * Adds the control-plane nodeSelector (the label's value: empty as kubeadm and kind set it, `true`
 * on k3d) and the matching NoSchedule toleration to a workload, keeping what it has: other
 * selectors stay, no toleration is duplicated. Other kinds are returned unchanged.
 */
export function placeOnControlPlane<T extends KubeObject>(obj: T, labelValue = ""): T {
    const path = podSpecPaths[obj.kind ?? ""];
    if (path === undefined) return obj;
    return updateAt(clone(obj), path, (spec) => {
        const tolerations = (spec.tolerations ?? []) as Json[];
        return {
            ...spec,
            nodeSelector: { ...(spec.nodeSelector as Json | undefined), [controlPlaneLabel]: labelValue },
            tolerations: tolerations.some(tolerates) ? tolerations : [...tolerations, { ...controlPlaneToleration }],
        };
    }) as T;
}

/**
 * How a hostPort workload is updated: the old pod, which holds the port on the one node it may
 * run on, goes before its successor starts (a surge pod would wait for the port forever).
 * A rolling update with no surge, not `Recreate`: under server-side apply the `rollingUpdate`
 * the API server defaulted stays on the live Deployment, and switching it to `Recreate` is
 * rejected ("spec.strategy.rollingUpdate: Forbidden", pulumi-kubernetes#2843), so the fallback
 * to hostPort could never apply to a lab that already runs. A DaemonSet gets the same; a
 * StatefulSet's rolling update already deletes each pod before recreating it, and Jobs and the
 * operator's CRs have no update strategy to set.
 */
export const hostPortRollout = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } as const;
const hostPortStrategyField: Record<string, string> = { Deployment: "strategy", DaemonSet: "updateStrategy" };

/** Serves a container port on the node: hostPort on the named container's named port, rolled out by `hostPortRollout`. */
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
    const field = hostPortStrategyField[obj.kind ?? ""];
    if (field !== undefined) result = updateAt(result, ["spec"], (spec) => ({ ...spec, [field]: clone(hostPortRollout) }));
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

/** What the platform transform is given: the workloads to pin, how the endpoints are served, and the endpoints. */
export interface PlacementArgs {
    /** `namespace/name` of each workload pinned to the control-plane node. */
    controlPlaneWorkloads: string[];
    exposure: Exposure;
    endpoints: Pick<PublicEndpoint, "workload" | "service" | "publicPort">[];
    /** The value of the control-plane node's `node-role.kubernetes.io/control-plane` label; empty by default, as kubeadm sets it. */
    controlPlaneLabelValue?: string;
}

/**
 * An object the transform must meet: a configured workload (of any kind it can place), or the
 * Deployment (hostPort) or Service (nodePort) that serves a public port.
 */
export interface PlacementTarget {
    kind: "workload" | "Deployment" | "Service";
    id: string;
}

/** What the transform must meet for these arguments, each once; a hostPort Deployment stands for its workload. */
export function placementTargets(args: PlacementArgs): PlacementTarget[] {
    const exposed: PlacementTarget[] = args.endpoints.flatMap((endpoint): PlacementTarget[] => {
        if (args.exposure === "hostPort") return [{ kind: "Deployment", id: deploymentId(endpoint) }];
        if (args.exposure === "nodePort") return [{ kind: "Service", id: serviceId(endpoint) }];
        return [];
    });
    const workloads = [...new Set(args.controlPlaneWorkloads)]
        .filter((id) => !exposed.some((t) => t.kind === "Deployment" && t.id === id))
        .map((id): PlacementTarget => ({ kind: "workload", id }));
    const unique = new Map([...workloads, ...exposed].map((t) => [`${t.kind} ${t.id}`, t]));
    return [...unique.values()];
}

/** How a target is named to the operator: `namespace/name`, with the kind for a Deployment or Service. */
export const targetLabel = (target: PlacementTarget): string => (target.kind === "workload" ? target.id : `${target.kind} ${target.id}`);

function meets(target: PlacementTarget, obj: KubeObject): boolean {
    if (workloadId(obj) !== target.id) return false;
    return target.kind === "workload" ? placeableKinds.includes(obj.kind ?? "") : obj.kind === target.kind;
}

/**
 * The Pulumi transform that places the listed workloads on the control-plane node and serves
 * each public port by exactly one mechanism: hostPort on the workload, or NodePort on its
 * Service. Objects it does not name pass through untouched. Each target it meets is added to
 * `seen` (by `targetLabel`), so that a caller can tell what it never met.
 */
export function platformTransform(args: PlacementArgs, seen: Set<string> = new Set()): pulumi.ResourceTransform {
    const targets = placementTargets(args);
    return ({ props, opts }) => {
        let obj = props as KubeObject;
        for (const target of targets) if (meets(target, obj)) seen.add(targetLabel(target));
        const id = workloadId(obj);
        if (args.controlPlaneWorkloads.includes(id) && placeableKinds.includes(obj.kind ?? "")) obj = placeOnControlPlane(obj, args.controlPlaneLabelValue);
        for (const endpoint of args.endpoints) {
            if (args.exposure === "hostPort" && obj.kind === "Deployment" && id === deploymentId(endpoint)) {
                obj = addHostPort(obj, { container: endpoint.workload.container, port: endpoint.workload.containerPort, hostPort: endpoint.publicPort });
            }
            if (args.exposure === "nodePort" && obj.kind === "Service" && id === serviceId(endpoint)) {
                obj = toNodePort(obj, { port: endpoint.service.portName, nodePort: endpoint.publicPort });
            }
        }
        return obj === props ? undefined : { props: obj, opts };
    };
}

/**
 * The platform transform together with what it has met so far: `unseen()` lists, in the order
 * of `placementTargets`, the targets no object passed through the transform has matched.
 */
export function platformPlacement(args: PlacementArgs): { transform: pulumi.ResourceTransform; unseen: () => string[] } {
    const seen = new Set<string>();
    const transform = platformTransform(args, seen);
    return { transform, unseen: () => placementTargets(args).map(targetLabel).filter((label) => !seen.has(label)) };
}
