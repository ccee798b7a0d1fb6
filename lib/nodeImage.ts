/**
 * The prepared node image: Canonical's Ubuntu with what every node's user data installs
 * (scripts/node-install.sh, the same text) and the images the bootstrap and the platform pull,
 * built by the CI stack's EC2 Image Builder pipeline and used by the lab when one exists for
 * exactly its pinned versions. Pure: both stacks compute the same key from the same inputs.
 */
import { createHash } from "crypto";
import * as YAML from "yaml";
import { renderScript } from "./scripts";
import { bookinfoImage, bookinfoWorkloads, calicoOperatorManifest, KubernetesMinor, versions } from "./versions";

/** The tag on a prepared image whose value is its key; the deploy role may launch only images owned by the account that carry it. */
export const nodeImageTag = "k8s-lab:node-image";

/** The components the Tigera operator deploys for our Installation, at the pinned Calico, from its default registry. */
const calicoComponents = ["node", "cni", "typha", "kube-controllers", "csi", "node-driver-registrar", "pod2daemon-flexvol"];
/** Linkerd's edge release of the pinned chart: chart 2026.8.3 is edge-26.8.3. */
const linkerdTag = `edge-${versions.charts.linkerdControlPlane.version.replace(/^20/, "")}`;

/**
 * What the build pulls besides kubeadm's images for the pinned version and the operator's from the
 * pinned Calico manifest (those two lists follow from the pinned versions): Calico's components,
 * Linkerd's proxy and controller (the policy controller runs the controller's image), Bookinfo's
 * six images and the curl image of the traffic check and the load.
 */
export function prePulledImages(): string[] {
    return [
        ...calicoComponents.map((name) => `quay.io/calico/${name}:${versions.calico}`),
        `cr.l5d.io/linkerd/proxy:${linkerdTag}`,
        `cr.l5d.io/linkerd/controller:${linkerdTag}`,
        ...bookinfoWorkloads.map(([app, version]) => bookinfoImage(app, version)),
        versions.images.curl,
    ];
}

/** scripts/node-image.sh rendered for a Kubernetes minor: the build, with node-install.sh inlined. */
export function nodeImageScript(minor: KubernetesMinor): string {
    return renderScript("node-image.sh", {
        KUBERNETES_MINOR: minor,
        KUBERNETES_PACKAGE_VERSION: `${versions.kubernetes[minor]}-${versions.kubernetesPackageRevision}`,
        KUBERNETES_VERSION: versions.kubernetes[minor],
        OPERATOR_MANIFEST: calicoOperatorManifest,
        IMAGES: prePulledImages().join("\n"),
    });
}

/** Where the Image Builder component writes the build script before it runs it. */
const buildScriptPath = "/tmp/k8s-lab-node-image.sh";

/** The Image Builder component document (AWSTOE): write the rendered build script, run it, remove it. */
export function nodeImageComponent(minor: KubernetesMinor): string {
    return YAML.stringify({
        name: "k8s-lab-node",
        description: `k8s-lab node: containerd, Kubernetes ${versions.kubernetes[minor]}, the bootstrap's images`,
        schemaVersion: 1.0,
        phases: [{
            name: "build",
            steps: [
                { name: "WriteBuildScript", action: "CreateFile", inputs: [{ path: buildScriptPath, content: nodeImageScript(minor), permissions: 700, overwrite: true }] },
                { name: "Prepare", action: "ExecuteBash", inputs: { commands: [`bash ${buildScriptPath}`, `rm -f ${buildScriptPath}`] } },
            ],
        }],
    });
}

/**
 * The key of a prepared image: a hash of everything it contains (the component, so the install
 * script's text, the versions and the image list), the Ubuntu release and the architecture. The
 * lab uses only an image whose `k8s-lab:node-image` tag is exactly this value; a change of any of
 * them makes a new key, and the lab falls back to Canonical's image until the CI stack built it.
 */
export function nodeImageKey(minor: KubernetesMinor, architecture: "amd64" | "arm64"): string {
    const contents = { ubuntu: versions.ubuntu, architecture, component: nodeImageComponent(minor) };
    return createHash("sha256").update(JSON.stringify(contents)).digest("hex").slice(0, 16);
}
