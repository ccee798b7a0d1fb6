import * as assert from "assert";
import * as YAML from "yaml";
import { nodeImageComponent, nodeImageKey, nodeImageScript, prePulledImages } from "../../lib/nodeImage";
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

    it("keys each image by everything it holds: one key per minor and architecture, the same every time", () => {
        const minors = Object.keys(versions.kubernetes) as KubernetesMinor[];
        const keys = minors.flatMap((minor) => (["amd64", "arm64"] as const).map((architecture) => nodeImageKey(minor, architecture)));
        assert.strictEqual(new Set(keys).size, minors.length * 2);
        assert.ok(keys.every((key) => /^[0-9a-f]{16}$/.test(key)), keys.join(" "));
        assert.deepStrictEqual(keys, minors.flatMap((minor) => (["amd64", "arm64"] as const).map((architecture) => nodeImageKey(minor, architecture))));
        // The component holds the rendered build script, hence the install script's text, the versions and the image list.
        const component = YAML.parse(nodeImageComponent("1.35")) as { phases: { steps: { inputs: { content?: string }[] }[] }[] };
        assert.strictEqual(component.phases[0].steps[0].inputs[0].content, nodeImageScript("1.35"));
        assert.match(nodeImageScript("1.35"), /^IMAGES='quay\.io\/calico\/node:v3\.32\.1\n/m);
        assert.match(nodeImageScript("1.34"), /^KUBERNETES_VERSION='1\.34\.8'$/m);
    });
});
