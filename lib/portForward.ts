/**
 * The portForward exposure: `kubectl port-forward --address 0.0.0.0` as systemd services on the
 * control-plane node, restarted when they fail and started at boot (not nohup), the field
 * reports' fallback made durable. Port-forward goes straight to a pod, past Linkerd's proxy.
 */
export interface ForwardedPort {
    /** Unit name suffix: k8s-lab-port-forward-<name>. */
    name: string;
    namespace: string;
    service: string;
    /** The Service's port, and the node port it is served on. */
    servicePort: number;
    publicPort: number;
}

export const unitName = (name: string): string => `k8s-lab-port-forward-${name}`;

export function renderUnit(port: ForwardedPort): string {
    return [
        "[Unit]",
        `Description=k8s-lab: kubectl port-forward svc/${port.service} on port ${port.publicPort}`,
        "After=network-online.target kubelet.service",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Environment=KUBECONFIG=/etc/kubernetes/admin.conf",
        `ExecStart=/usr/bin/kubectl port-forward --address 0.0.0.0 --namespace ${port.namespace} svc/${port.service} ${port.publicPort}:${port.servicePort}`,
        "Restart=always",
        "RestartSec=3",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}
