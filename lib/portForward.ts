/**
 * The portForward exposure: `kubectl port-forward --address 0.0.0.0` as systemd services on the
 * control-plane node, restarted when they fail and started at boot (not nohup), the field
 * reports' fallback made durable. Port-forward goes straight to a pod, past Linkerd's proxy.
 *
 * Least privilege: each service runs as a dynamic user with no capability, under systemd's
 * sandbox, and talks to the API server as a ServiceAccount that may only read the forwarded
 * Services, find their pods and port-forward to pods of their namespaces. Its kubeconfig is a
 * root-only file on the node, handed to the service as a credential.
 */
import { PublicEndpoint } from "./endpoints";

/** What a port-forward unit needs of an endpoint. */
export type ForwardedEndpoint = Pick<PublicEndpoint, "name" | "service" | "publicPort">;

export const unitName = (name: string): string => `k8s-lab-port-forward-${name}`;

/** The identity the services use: a ServiceAccount in a namespace of its own, its token Secret, and one Role per forwarded namespace. */
export const portForwardIdentity = {
    namespace: "k8s-lab-port-forward",
    serviceAccount: "port-forward",
    tokenSecret: "port-forward-token",
    role: "k8s-lab-port-forward",
} as const;

/** Root-only folder on the control-plane node for the services' kubeconfigs. */
export const credentialsDir = "/etc/k8s-lab";
export const credentialFile = (name: string): string => `${credentialsDir}/${unitName(name)}.kubeconfig`;

export interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    resourceNames?: string[];
    verbs: string[];
}

/**
 * What `kubectl port-forward svc/<name>` needs in one namespace, and nothing more: get the
 * named Services; list pods (to find one behind the Service) and get it; and open the
 * port-forward stream, `create` for SPDY and for the WebSocket upgrade since Kubernetes 1.35,
 * `get` for the WebSocket upgrade before it. RBAC cannot name the pods: their names are generated.
 */
export function roleRules(services: string[]): PolicyRule[] {
    return [
        { apiGroups: [""], resources: ["services"], resourceNames: [...services].sort(), verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["pods/portforward"], verbs: ["get", "create"] },
    ];
}

/** The namespaces of the forwarded Services, each with its Services, in order of first appearance. */
export function servicesByNamespace(endpoints: ForwardedEndpoint[]): { namespace: string; services: string[] }[] {
    const services = endpoints.map((e) => e.service);
    const namespaces = [...new Set(services.map((s) => s.namespace))];
    return namespaces.map((namespace) => ({ namespace, services: [...new Set(services.filter((s) => s.namespace === namespace).map((s) => s.name))] }));
}

export function renderUnit(endpoint: ForwardedEndpoint): string {
    const { service, publicPort } = endpoint;
    return [
        "[Unit]",
        `Description=k8s-lab: kubectl port-forward svc/${service.name} on port ${publicPort}`,
        "After=network-online.target kubelet.service",
        "Wants=network-online.target",
        "",
        "[Service]",
        // A user of its own, made for the service, and the kubeconfig of the ServiceAccount,
        // readable by it alone while it runs.
        "DynamicUser=yes",
        `LoadCredential=kubeconfig:${credentialFile(endpoint.name)}`,
        "Environment=KUBECONFIG=%d/kubeconfig",
        `ExecStart=/usr/bin/kubectl port-forward --cache-dir=/tmp/kubectl-cache --address 0.0.0.0 --namespace ${service.namespace} svc/${service.name} ${publicPort}:${service.port}`,
        "Restart=always",
        "RestartSec=3",
        // The sandbox: no capability (the node port is above 1024), nothing writable but its
        // own /tmp, no devices, no kernel or cgroup settings, IP and local sockets only.
        "CapabilityBoundingSet=",
        "AmbientCapabilities=",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "PrivateUsers=yes",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectKernelLogs=yes",
        "ProtectControlGroups=yes",
        "ProtectClock=yes",
        "ProtectHostname=yes",
        "ProtectProc=invisible",
        "ProcSubset=pid",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "RestrictNamespaces=yes",
        "RestrictRealtime=yes",
        "RestrictSUIDSGID=yes",
        "LockPersonality=yes",
        "MemoryDenyWriteExecute=yes",
        "RemoveIPC=yes",
        "SystemCallArchitectures=native",
        "SystemCallFilter=@system-service",
        "SystemCallFilter=~@privileged",
        "SystemCallErrorNumber=EPERM",
        "DevicePolicy=closed",
        "UMask=0077",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}
