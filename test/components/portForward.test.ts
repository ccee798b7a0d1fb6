import * as assert from "assert";
import { runProgram, types } from "../harness";

const provider = "urn:pulumi:dev::k8s-lab::k8slab:index:KubernetesCluster$pulumi:providers:kubernetes::cluster::cluster-id";
const deletedWith = "aws:ec2/instance:Instance::control-plane-0";
const identityTypes: string[] = [types.namespace, types.serviceAccount, types.secret, types.role, types.roleBinding];

describe("Access: the port-forward identity", () => {
    it("creates a ServiceAccount in a namespace of its own, its token, and a Role and binding in each forwarded namespace, on the cluster's provider", async () => {
        const program = await runProgram({ config: { exposure: "portForward" } });
        const byKey = (a: { type: string; name: string }, b: { type: string; name: string }) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`);
        const identity = program.resources.filter((r) => identityTypes.includes(r.type) && r.parent === "k8slab:index:Access::access").sort(byKey);
        assert.deepStrictEqual(identity.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, provider: r.provider, deletedWith: program.deletedWith(r) })), [
            { type: types.namespace, name: "access-port-forward", inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "k8s-lab-port-forward" } }, provider, deletedWith },
            {
                type: types.serviceAccount, name: "access-port-forward",
                inputs: { apiVersion: "v1", kind: "ServiceAccount", automountServiceAccountToken: false, metadata: { name: "port-forward", namespace: "k8s-lab-port-forward" } },
                provider, deletedWith,
            },
            {
                type: types.secret, name: "access-port-forward-token",
                inputs: { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/service-account-token", metadata: { name: "port-forward-token", namespace: "k8s-lab-port-forward", annotations: { "kubernetes.io/service-account.name": "port-forward" } } },
                provider, deletedWith,
            },
            ...[["bookinfo", "productpage"], ["monitoring", "kube-prometheus-stack-grafana"]].flatMap(([namespace, service]) => [
                {
                    type: types.role, name: `access-port-forward-${namespace}`,
                    inputs: {
                        apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role",
                        metadata: { name: "k8s-lab-port-forward", namespace },
                        rules: [
                            { apiGroups: [""], resources: ["services"], resourceNames: [service], verbs: ["get"] },
                            { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
                            { apiGroups: [""], resources: ["pods/portforward"], verbs: ["get", "create"] },
                        ],
                    },
                    provider, deletedWith,
                },
                {
                    type: types.roleBinding, name: `access-port-forward-${namespace}`,
                    inputs: {
                        apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding",
                        metadata: { name: "k8s-lab-port-forward", namespace },
                        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "k8s-lab-port-forward" },
                        subjects: [{ kind: "ServiceAccount", name: "port-forward", namespace: "k8s-lab-port-forward" }],
                    },
                    provider, deletedWith,
                },
            ]),
        ].sort(byKey));
    });

    it("installs each service after its identity, with inputs that stay the same from one up to the next", async () => {
        const program = await runProgram({ config: { exposure: "portForward" } });
        const again = await runProgram({ config: { exposure: "portForward" }, publicIp: "198.51.100.99", env: { LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" } });
        for (const unit of ["bookinfo", "grafana"]) {
            const name = `access-k8s-lab-port-forward-${unit}`;
            const forward = program.get(types.remoteCommand, name);
            for (const dependency of ["kubernetes:core/v1:Secret::access-port-forward-token", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::access-port-forward-bookinfo", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::access-port-forward-monitoring"]) {
                assert.ok(forward.dependsOn.includes(dependency), `${name} after ${dependency}`);
            }
            const stdin = String(forward.inputs.stdin);
            assert.match(stdin, /^API_SERVER='https:\/\/10\.0\.1\.\d+:6443'$/m);
            assert.match(stdin, new RegExp(`^CREDENTIAL_FILE='/etc/k8s-lab/k8s-lab-port-forward-${unit}\\.kubeconfig'$`, "m"));
            assert.match(stdin, /^LoadCredential=kubeconfig:\/etc\/k8s-lab\/k8s-lab-port-forward-\w+\.kubeconfig$/m);
            assert.match(stdin, /^access\.portForwardNoToken=60초가 지나도 \{namespace\} 네임스페이스의 \{name\} Secret에/m);
            assert.doesNotMatch(stdin, /admin\.conf'?$|Environment=KUBECONFIG=\/etc\/kubernetes/m);
            assert.deepStrictEqual(forward.inputs.triggers, ["control-plane-0-id"]);
            assert.strictEqual(forward.inputs.delete, `sudo systemctl disable --now k8s-lab-port-forward-${unit}.service; sudo rm -f /etc/systemd/system/k8s-lab-port-forward-${unit}.service /etc/k8s-lab/k8s-lab-port-forward-${unit}.kubeconfig; sudo systemctl daemon-reload`);
            // Another operator, another address, another day: the same inputs, so no re-run.
            assert.deepStrictEqual(again.get(types.remoteCommand, name).inputs, forward.inputs);
        }
    });

    it("creates no identity in the other exposures", async () => {
        for (const exposure of ["nodePort", "hostPort"]) {
            const program = await runProgram({ config: { exposure } });
            assert.deepStrictEqual(program.resources.filter((r) => identityTypes.includes(r.type) && r.name.startsWith("access-")).map((r) => r.name), [], exposure);
        }
    });
});
