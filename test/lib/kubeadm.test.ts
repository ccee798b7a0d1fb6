import * as assert from "assert";
import * as YAML from "yaml";
import { nodeRules } from "../../components/securityGroups";
import { publicKubeconfig, renderCalicoInstallation, renderKubeadmConfig } from "../../lib/kubeadm";
import { controlPlaneToleration, placeOnControlPlane } from "../../lib/placement";

type Doc = Record<string, unknown> & { kind: string; apiVersion: string };
const params = { clusterName: "k8s-lab-dev", kubernetesVersion: "1.35.9", nodeName: "control-plane", privateIp: "10.0.1.10", publicIp: "203.0.113.1", podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" };
const docs = (text: string): Doc[] => YAML.parseAllDocuments(text).map((d) => {
    assert.deepStrictEqual(d.errors, []);
    return d.toJSON() as Doc;
});
const byKind = (text: string): Record<string, unknown> => Object.fromEntries(docs(text).map((d) => [d.kind, d]));
const arg = (list: { name: string; value: string }[], name: string) => list.find((a) => a.name === name)?.value;

describe("kubeadm config", () => {
    const config = byKind(renderKubeadmConfig(params));

    it("parses into the v1beta4 init and cluster configurations, the kubelet's and kube-proxy's", () => {
        assert.deepStrictEqual(docs(renderKubeadmConfig(params)).map((d) => `${d.apiVersion}/${d.kind}`), [
            "kubeadm.k8s.io/v1beta4/InitConfiguration",
            "kubeadm.k8s.io/v1beta4/ClusterConfiguration",
            "kubelet.config.k8s.io/v1beta1/KubeletConfiguration",
            "kubeproxy.config.k8s.io/v1alpha1/KubeProxyConfiguration",
        ]);
    });

    it("advertises the private address and names the node", () => {
        const init = config.InitConfiguration as { localAPIEndpoint: { advertiseAddress: string }; nodeRegistration: { name: string; kubeletExtraArgs: { name: string; value: string }[] } };
        assert.strictEqual(init.localAPIEndpoint.advertiseAddress, "10.0.1.10");
        assert.strictEqual(init.nodeRegistration.name, "control-plane");
        assert.strictEqual(arg(init.nodeRegistration.kubeletExtraArgs, "node-ip"), "10.0.1.10");
    });

    it("registers the node with the control-plane taint, which the placement's toleration matches", () => {
        const init = config.InitConfiguration as { nodeRegistration: unknown };
        assert.deepStrictEqual(init.nodeRegistration, {
            name: "control-plane",
            criSocket: "unix:///run/containerd/containerd.sock",
            kubeletExtraArgs: [{ name: "node-ip", value: "10.0.1.10" }],
            taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
        });
        const [taint] = (init.nodeRegistration as { taints: { key: string; effect: string }[] }).taints;
        assert.deepStrictEqual([controlPlaneToleration.key, controlPlaneToleration.operator, controlPlaneToleration.effect], [taint.key, "Exists", taint.effect]);
        const pinned = placeOnControlPlane({ kind: "Deployment", metadata: { name: "w", namespace: "ns" }, spec: { template: { spec: {} } } });
        assert.deepStrictEqual(pinned.spec, { template: { spec: { nodeSelector: { [taint.key]: "" }, tolerations: [{ key: taint.key, operator: "Exists", effect: taint.effect }] } } });
    });

    it("sets the pinned version, the subnets and a certificate for the public address", () => {
        const cluster = config.ClusterConfiguration as { kubernetesVersion: string; networking: { podSubnet: string; serviceSubnet: string }; apiServer: { certSANs: string[] } };
        assert.strictEqual(cluster.kubernetesVersion, "v1.35.9");
        assert.deepStrictEqual([cluster.networking.podSubnet, cluster.networking.serviceSubnet], ["10.244.0.0/16", "10.96.0.0/12"]);
        assert.ok(cluster.apiServer.certSANs.includes("203.0.113.1"));
    });

    it("binds every metrics endpoint where Prometheus can scrape it, on ports the security groups open", () => {
        type Args = { extraArgs: { name: string; value: string }[] };
        const cluster = config.ClusterConfiguration as { controllerManager: Args; scheduler: Args; etcd: { local: Args } };
        assert.strictEqual(arg(cluster.controllerManager.extraArgs, "bind-address"), "0.0.0.0");
        assert.strictEqual(arg(cluster.scheduler.extraArgs, "bind-address"), "0.0.0.0");
        assert.strictEqual(arg(cluster.etcd.local.extraArgs, "listen-metrics-urls"), "http://0.0.0.0:2381");
        const proxy = config.KubeProxyConfiguration as { metricsBindAddress: string };
        assert.strictEqual(proxy.metricsBindAddress, "0.0.0.0:10249");
        const opened = nodeRules.map((r) => r.fromPort);
        for (const port of [10257, 10259, 2381, 10249]) assert.ok(opened.includes(port), `port ${port} is not opened between nodes`);
    });

    it("serves NodePorts on the node's primary address with kube-proxy", () => {
        assert.deepStrictEqual((config.KubeProxyConfiguration as { nodePortAddresses: string[] }).nodePortAddresses, ["primary"]);
        assert.strictEqual((config.KubeletConfiguration as { cgroupDriver: string }).cgroupDriver, "systemd");
    });
});

describe("Calico installation", () => {
    it("is one whole Installation: the default pool over the pod range in VXLAN, BGP off, the node's internal IP", () => {
        assert.deepStrictEqual(docs(renderCalicoInstallation("10.244.0.0/16")), [{
            apiVersion: "operator.tigera.io/v1",
            kind: "Installation",
            metadata: { name: "default" },
            spec: {
                calicoNetwork: {
                    bgp: "Disabled",
                    ipPools: [{ name: "default-ipv4-ippool", cidr: "10.244.0.0/16", encapsulation: "VXLAN", natOutgoing: "Enabled", nodeSelector: "all()", blockSize: 26 }],
                    nodeAddressAutodetectionV4: { kubernetes: "NodeInternalIP" },
                },
            },
        }]);
        assert.strictEqual((docs(renderCalicoInstallation("172.16.0.0/20"))[0].spec as { calicoNetwork: { ipPools: { cidr: string }[] } }).calicoNetwork.ipPools[0].cidr, "172.16.0.0/20");
    });


    it("encapsulates all pod traffic between nodes in VXLAN, which the security groups carry", () => {
        const [installation] = docs(renderCalicoInstallation("10.244.0.0/16")) as unknown as { spec: { calicoNetwork: { bgp: string; ipPools: { cidr: string; encapsulation: string; natOutgoing: string }[] } } }[];
        const network = installation.spec.calicoNetwork;
        assert.strictEqual(network.bgp, "Disabled");
        assert.deepStrictEqual(network.ipPools.map((p) => [p.cidr, p.encapsulation, p.natOutgoing]), [["10.244.0.0/16", "VXLAN", "Enabled"]]);
        assert.ok(nodeRules.some((r) => r.protocol === "udp" && r.fromPort === 4789 && r.to === "all"));
    });
});

describe("public kubeconfig", () => {
    it("points every cluster at the public address and keeps the credentials", () => {
        const admin = YAML.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "k8s-lab-dev", cluster: { server: "https://10.0.1.10:6443", "certificate-authority-data": "Q0E=" } }], users: [{ name: "admin", user: { "client-key-data": "S0VZ" } }] });
        const rewritten = YAML.parse(publicKubeconfig(admin, "203.0.113.1"));
        assert.strictEqual(rewritten.clusters[0].cluster.server, "https://203.0.113.1:6443");
        assert.strictEqual(rewritten.clusters[0].cluster["certificate-authority-data"], "Q0E=");
        assert.strictEqual(rewritten.users[0].user["client-key-data"], "S0VZ");
    });

    it("refuses a kubeconfig without a cluster", () => {
        assert.throws(() => publicKubeconfig("apiVersion: v1\nkind: Config\n", "203.0.113.1"), /no cluster/);
    });
});
