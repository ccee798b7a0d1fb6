/**
 * The manifests of the cluster bootstrap, rendered by pure functions: the kubeadm config of the
 * control-plane node, Calico's Installation, and the kubeconfig an operator uses from outside.
 */
import * as YAML from "yaml";

export const apiServerPort = 6443;

/** kubeadm, kubelet and kube-proxy take repeated arguments as a list of name/value pairs in v1beta4. */
const args = (values: Record<string, string>): { name: string; value: string }[] =>
    Object.entries(values).map(([name, value]) => ({ name, value }));

const documents = (...docs: object[]): string => docs.map((doc) => YAML.stringify(doc)).join("---\n");

export interface KubeadmConfigParams {
    clusterName: string;
    /** Full version, e.g. 1.35.9. */
    kubernetesVersion: string;
    nodeName: string;
    privateIp: string;
    /** The address the operator's kubeconfig uses; it must be in the API server's certificate. */
    publicIp: string;
    podCidr: string;
    serviceCidr: string;
}

/**
 * The control-plane node's kubeadm config: the private advertise address, a certificate that
 * also names the public address, the pod and service subnets, metrics endpoints Prometheus can
 * reach from other nodes, and kube-proxy serving NodePorts on the node's primary address.
 */
export function renderKubeadmConfig(p: KubeadmConfigParams): string {
    return documents(
        {
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "InitConfiguration",
            localAPIEndpoint: { advertiseAddress: p.privateIp, bindPort: apiServerPort },
            nodeRegistration: {
                name: p.nodeName,
                criSocket: "unix:///run/containerd/containerd.sock",
                kubeletExtraArgs: args({ "node-ip": p.privateIp }),
                taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
            },
        },
        {
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "ClusterConfiguration",
            clusterName: p.clusterName,
            kubernetesVersion: `v${p.kubernetesVersion}`,
            networking: { podSubnet: p.podCidr, serviceSubnet: p.serviceCidr, dnsDomain: "cluster.local" },
            apiServer: { certSANs: [p.publicIp, p.privateIp] },
            controllerManager: { extraArgs: args({ "bind-address": "0.0.0.0" }) },
            scheduler: { extraArgs: args({ "bind-address": "0.0.0.0" }) },
            etcd: { local: { extraArgs: args({ "listen-metrics-urls": "http://0.0.0.0:2381" }) } },
        },
        {
            apiVersion: "kubelet.config.k8s.io/v1beta1",
            kind: "KubeletConfiguration",
            cgroupDriver: "systemd",
        },
        {
            apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
            kind: "KubeProxyConfiguration",
            mode: "iptables",
            metricsBindAddress: "0.0.0.0:10249",
            nodePortAddresses: ["primary"],
        },
    );
}

/**
 * Calico through the Tigera operator. VXLAN between every pair of nodes, never plain routing:
 * the control-plane and worker subnets differ, EC2 drops routed pod packets unless source/dest
 * checks are off, and the security groups carry exactly UDP 4789 between nodes. BGP is off.
 */
export function renderCalicoInstallation(podCidr: string): string {
    return documents({
        apiVersion: "operator.tigera.io/v1",
        kind: "Installation",
        metadata: { name: "default" },
        spec: {
            calicoNetwork: {
                bgp: "Disabled",
                ipPools: [{ name: "default-ipv4-ippool", cidr: podCidr, encapsulation: "VXLAN", natOutgoing: "Enabled", nodeSelector: "all()", blockSize: 26 }],
                nodeAddressAutodetectionV4: { kubernetes: "NodeInternalIP" },
            },
        },
    });
}

/** The admin kubeconfig with every cluster's server set to the control-plane node's public address. */
export function publicKubeconfig(adminConf: string, publicIp: string): string {
    const config = YAML.parse(adminConf) as { clusters?: { cluster: { server: string } }[] };
    if (!config.clusters?.length) throw new Error("the kubeconfig read from the control-plane node has no cluster");
    for (const { cluster } of config.clusters) cluster.server = `https://${publicIp}:${apiServerPort}`;
    return YAML.stringify(config);
}
