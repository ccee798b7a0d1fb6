import * as assert from "assert";
import * as path from "path";
import { ConfigError } from "../../lib/config";
import { clusterAccess, loopbackHost, Machine, onPath } from "../../lib/kubeconfig";
import { translator } from "../../lib/messages";
import { kindKubeconfig, kindMinified } from "../harness/stackConfig";


const files: Record<string, string> = {
    "/home/dev/.kube/config": kindKubeconfig,
    "/home/dev/kind.yaml": kindKubeconfig,
    "/work/lab/kind.yaml": kindKubeconfig,
    "/home/dev/minikube.yaml": kindKubeconfig.replace("certificate-authority-data: Y2E=", "certificate-authority: ca.crt"),
    "/home/dev/ca.crt": "ca",
    "/home/dev/broken.yaml": "clusters: [a\n  token: s3cr3t",
};
const machine = (env: Record<string, string> = {}): Machine => ({ env, home: "/home/dev", cwd: "/work/lab", read: (file) => files[file] });
const config = { kubeconfig: "", kubeContext: "kind-k8s-lab", allowRemoteCluster: false };
const en = translator("en");
const ko = translator("ko");
const access = (overrides: Partial<typeof config>, secret = false, env: Record<string, string> = {}, t = en) => clusterAccess({ ...config, ...overrides }, secret, machine(env), "k8s-lab", t);
const refusal = (overrides: Partial<typeof config>, secret = false, env: Record<string, string> = {}) =>
    (["en", "ko"] as const).map((language) => {
        try {
            access(overrides, secret, env, language === "en" ? en : ko);
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            return e.message;
        }
        assert.fail("not refused");
    });

describe("the existing cluster's kubeconfig (lib/kubeconfig.ts)", () => {
    const kind = { kubeconfig: kindMinified, server: "127.0.0.1:41234" };

    it("is the value's content when it is a secret, and keeps only the context, its cluster and its user", () => {
        assert.deepStrictEqual(access({ kubeconfig: kindKubeconfig }, true), kind);
    });

    it("is the file a value that is not a secret names: ~ being the home folder, relative to the project folder", () => {
        assert.deepStrictEqual(access({ kubeconfig: "~/kind.yaml" }), kind);
        assert.deepStrictEqual(access({ kubeconfig: "kind.yaml" }), kind);
        assert.deepStrictEqual(access({ kubeconfig: "/home/dev/kind.yaml" }), kind);
    });

    it("is, when empty, the first file of KUBECONFIG, else ~/.kube/config, as kubectl finds it", () => {
        assert.deepStrictEqual(access({}, false, { KUBECONFIG: `${path.delimiter}/home/dev/kind.yaml${path.delimiter}/nowhere` }), kind);
        assert.deepStrictEqual(access({}), kind);
        assert.deepStrictEqual(access({}, true), kind);
    });

    it("holds certificate files' content, not their paths, as kubectl's --flatten writes them", () => {
        assert.deepStrictEqual(access({ kubeconfig: "~/minikube.yaml" }), kind);
    });

    it("refuses a value that names no file, and never shows a value that looks like a kubeconfig's content (en, ko)", () => {
        assert.deepStrictEqual(refusal({ kubeconfig: "~/kind.yml" }), [
            "There is no kubeconfig file at /home/dev/kind.yml; to give the content, set it with `pulumi config set --secret k8s-lab:kubeconfig < file`. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.",
            "kubeconfig 파일이 없습니다: /home/dev/kind.yml. 파일 내용을 주려면 `pulumi config set --secret k8s-lab:kubeconfig < 파일`로 설정하세요. kind라면 먼저 kind create cluster --config kind/cluster.yaml 명령을 실행하세요(kind-k8s-lab 컨텍스트를 만듭니다).",
        ]);
        const content = [
            "The value of k8s-lab:kubeconfig names no file and looks like a kubeconfig's content, which is not shown: set it with `pulumi config set --secret k8s-lab:kubeconfig < file`.",
            "k8s-lab:kubeconfig 설정 값은 파일을 가리키지 않는 kubeconfig 내용으로 보여 표시하지 않으니 `pulumi config set --secret k8s-lab:kubeconfig < 파일`로 설정하세요.",
        ];
        assert.deepStrictEqual(refusal({ kubeconfig: kindKubeconfig }), content);
        // One line of JSON with a token (kubectl config view -o json | jq -c): the token is in no sentence.
        const json = JSON.stringify({ apiVersion: "v1", users: [{ name: "admin", user: { token: "s3cr3t-t0ken" } }] });
        const oneLine = (value: string) => refusal({ kubeconfig: value });
        for (const value of [json, "[]", "  {", "kind.yaml\rtoken", "apiVersion: v1", "token: s3cr3t-t0ken", "client-key-data: a2V5", "a".repeat(257)]) assert.deepStrictEqual(oneLine(value), content);
        assert.doesNotMatch(oneLine(json).join("\n"), /s3cr3t/);
        // A path, even an odd one, of 256 characters at most is named.
        assert.deepStrictEqual(oneLine("~/kube(2).yml")[0], "There is no kubeconfig file at /home/dev/kube(2).yml; to give the content, set it with `pulumi config set --secret k8s-lab:kubeconfig < file`. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.");
        assert.deepStrictEqual(oneLine(`/${"a".repeat(255)}`)[0], `There is no kubeconfig file at /${"a".repeat(255)}; to give the content, set it with \`pulumi config set --secret k8s-lab:kubeconfig < file\`. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.`);
        assert.deepStrictEqual(refusal({}, false, { KUBECONFIG: "/nowhere" })[0], "There is no kubeconfig file at /nowhere; to give the content, set it with `pulumi config set --secret k8s-lab:kubeconfig < file`. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.");
    });

    it("refuses a kubeconfig that is not YAML without showing any of it (en, ko)", () => {
        assert.deepStrictEqual(refusal({ kubeconfig: "~/broken.yaml" }), [
            "The kubeconfig (/home/dev/broken.yaml) is not YAML, so it cannot be read.",
            "kubeconfig(/home/dev/broken.yaml) 내용이 YAML이 아니어서 읽을 수 없습니다.",
        ]);
        assert.deepStrictEqual(refusal({ kubeconfig: files["/home/dev/broken.yaml"] }, true)[0], "The kubeconfig (the secret value of k8s-lab:kubeconfig) is not YAML, so it cannot be read.");
    });

    it("refuses a context the kubeconfig does not have, naming those it has (en, ko)", () => {
        assert.deepStrictEqual(refusal({ kubeContext: "kind-lab" }), [
            "Config key k8s-lab:kubeContext names the context kind-lab, which the kubeconfig (/home/dev/.kube/config) does not have; it has: kind-k8s-lab, prod. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.",
            "설정 키 k8s-lab:kubeContext 값인 kind-lab 컨텍스트가 kubeconfig(/home/dev/.kube/config)에 없습니다. 있는 컨텍스트: kind-k8s-lab, prod. kind라면 먼저 kind create cluster --config kind/cluster.yaml 명령을 실행하세요(kind-k8s-lab 컨텍스트를 만듭니다).",
        ]);
        // A secret kubeconfig's context names are not shown: they are its content.
        assert.deepStrictEqual(refusal({ kubeContext: "kind-lab", kubeconfig: kindKubeconfig }, true), [
            "Config key k8s-lab:kubeContext names the context kind-lab, which the kubeconfig (the secret value of k8s-lab:kubeconfig) does not have; it has: 2 context(s), not named since the kubeconfig is a secret. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.",
            "설정 키 k8s-lab:kubeContext 값인 kind-lab 컨텍스트가 kubeconfig(k8s-lab:kubeconfig 설정의 비밀 값)에 없습니다. 있는 컨텍스트: 컨텍스트 2개(kubeconfig가 비밀 값이므로 이름은 표시하지 않음). kind라면 먼저 kind create cluster --config kind/cluster.yaml 명령을 실행하세요(kind-k8s-lab 컨텍스트를 만듭니다).",
        ]);
        assert.deepStrictEqual(refusal({ kubeconfig: "apiVersion: v1\n" }, true)[0],
            "Config key k8s-lab:kubeContext names the context kind-k8s-lab, which the kubeconfig (the secret value of k8s-lab:kubeconfig) does not have; it has: no context at all. For kind, first run kind create cluster --config kind/cluster.yaml, which makes the kind-k8s-lab context.");
        assert.deepStrictEqual(refusal({ kubeconfig: kindKubeconfig.replace("users:\n- name: kind-k8s-lab", "users:\n- name: gone") }, true)[0],
            "The context kind-k8s-lab of the kubeconfig (the secret value of k8s-lab:kubeconfig) names a cluster with a server, or a user, that the kubeconfig does not define.");
    });

    it("refuses an API server that is not on this machine unless allowRemoteCluster, and takes every loopback form (en, ko)", () => {
        assert.deepStrictEqual(refusal({ kubeContext: "prod" }), [
            "The API server of context prod (k8s.example.com) is not on this machine (kind and k3d serve on a loopback address): set k8s-lab:allowRemoteCluster to true only when you mean to deploy the lab onto that cluster.",
            "prod 컨텍스트의 API 서버(k8s.example.com)가 이 컴퓨터에 있지 않습니다(kind와 k3d는 루프백 주소에서 응답합니다). 그 클러스터에 정말 배포하려는 경우에만 k8s-lab:allowRemoteCluster 설정을 true로 지정하세요.",
        ]);
        assert.strictEqual(access({ kubeContext: "prod", allowRemoteCluster: true }).server, "k8s.example.com");
        // Host and port only: a server URL's userinfo and path (a credential, a proxy's token) are never shown.
        const withCredentials = kindKubeconfig.replace("server: https://k8s.example.com", "server: https://admin:pa55word@k8s.example.com:6443/proxy/t0ken?x=1");
        assert.deepStrictEqual(refusal({ kubeContext: "prod", kubeconfig: withCredentials }, true)[0],
            "The API server of context prod (k8s.example.com:6443) is not on this machine (kind and k3d serve on a loopback address): set k8s-lab:allowRemoteCluster to true only when you mean to deploy the lab onto that cluster.");
        assert.strictEqual(access({ kubeContext: "prod", kubeconfig: withCredentials, allowRemoteCluster: true }, true).server, "k8s.example.com:6443");
        assert.match(refusal({ kubeContext: "prod", kubeconfig: kindKubeconfig.replace("server: https://k8s.example.com", "server: not a url t0ken") }, true)[0], /^The API server of context prod \(a server address that is not a URL\) is not on this machine/);
        assert.deepStrictEqual(["127.0.0.1", "127.8.0.2", "[::1]", "localhost", "LocalHost", "0.0.0.0", "[::]"].filter(loopbackHost), ["127.0.0.1", "127.8.0.2", "[::1]", "localhost", "LocalHost", "0.0.0.0", "[::]"]);
        assert.deepStrictEqual(["128.0.0.1", "10.0.0.1", "localhost.example.com", "[::2]", "", "kind-control-plane"].filter(loopbackHost), []);
    });

    it("finds an executable on PATH, and only there", () => {
        const executables = ["/usr/local/bin/kubectl"];
        assert.strictEqual(onPath("kubectl", { PATH: ["/usr/bin", "/usr/local/bin"].join(path.delimiter) }, (file) => executables.includes(file)), true);
        assert.strictEqual(onPath("kubectl", { PATH: ["", "/usr/bin"].join(path.delimiter) }, (file) => executables.includes(file) || file === "kubectl"), false);
        assert.strictEqual(onPath("kubectl", {}, () => true), false);
    });
});
