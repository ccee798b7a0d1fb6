import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { nodeImageComponent, nodeImageKey, nodeImageParameter, nodeImageScript, prePulledImages, shortHash } from "../../lib/nodeImage";
import { scriptsDir } from "../../lib/scripts";
import { KubernetesMinor, versions } from "../../lib/versions";

describe("the prepared node image", () => {
    it("pulls Calico's components, Linkerd's proxy and controller, Bookinfo's images and curl, at the pinned versions", () => {
        assert.deepStrictEqual(prePulledImages(), [
            "quay.io/calico/node:v3.32.1",
            "quay.io/calico/cni:v3.32.1",
            "quay.io/calico/typha:v3.32.1",
            "quay.io/calico/kube-controllers:v3.32.1",
            "quay.io/calico/csi:v3.32.1",
            "quay.io/calico/node-driver-registrar:v3.32.1",
            "quay.io/calico/pod2daemon-flexvol:v3.32.1",
            "cr.l5d.io/linkerd/proxy:edge-26.8.3",
            "cr.l5d.io/linkerd/controller:edge-26.8.3",
            "docker.io/istio/examples-bookinfo-details-v1:1.20.1",
            "docker.io/istio/examples-bookinfo-ratings-v1:1.20.1",
            "docker.io/istio/examples-bookinfo-reviews-v1:1.20.1",
            "docker.io/istio/examples-bookinfo-reviews-v2:1.20.1",
            "docker.io/istio/examples-bookinfo-reviews-v3:1.20.1",
            "docker.io/istio/examples-bookinfo-productpage-v1:1.20.1",
            "docker.io/curlimages/curl:8.11.1",
        ]);
    });

    it("keys each image by what decides the install: Ubuntu, the architecture, node-install.sh and the package version, not the pulled images", () => {
        const minors = Object.keys(versions.kubernetes) as KubernetesMinor[];
        const keys = minors.flatMap((minor) => (["amd64", "arm64"] as const).map((architecture) => nodeImageKey(minor, architecture)));
        assert.strictEqual(new Set(keys).size, minors.length * 2);
        assert.ok(keys.every((key) => /^[0-9a-f]{16}$/.test(key)), keys.join(" "));
        assert.deepStrictEqual(keys, minors.flatMap((minor) => (["amd64", "arm64"] as const).map((architecture) => nodeImageKey(minor, architecture))));
        // Exactly these inputs: node-install.sh's text as written, not retry.sh's, not the image list.
        const install = fs.readFileSync(path.join(scriptsDir, "node-install.sh"), "utf8");
        assert.strictEqual(nodeImageKey("1.35", "amd64"), shortHash({ ubuntu: "24.04", architecture: "amd64", install, kubernetesPackage: "1.35.9-1.1" }));
        // The component holds the rendered build script, hence the install script, the versions and the image list: the recipe's name follows it (ci-stack).
        const component = YAML.parse(nodeImageComponent("1.35")) as { phases: { steps: { inputs: { content?: string }[] }[] }[] };
        assert.strictEqual(component.phases[0].steps[0].inputs[0].content, nodeImageScript("1.35"));
        assert.match(nodeImageScript("1.35"), /^IMAGES='quay\.io\/calico\/node:v3\.32\.1\n/m);
        assert.match(nodeImageScript("1.34"), /^KUBERNETES_VERSION='1\.34\.8'$/m);
    });

    it("names the parameter of a key under Image Builder's own path", () => {
        assert.strictEqual(nodeImageParameter("0123456789abcdef"), "/imagebuilder/k8s-lab/node-image/0123456789abcdef");
    });
});
