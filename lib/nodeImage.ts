/**
 * The prepared node image: Canonical's Ubuntu with what every node's user data installs
 * (scripts/node-install.sh, the same text) and the images the bootstrap and the platform pull,
 * built by the CI stack's EC2 Image Builder pipeline and used by the lab when one exists for
 * exactly its pinned versions. Pure: both stacks compute the same key from the same inputs.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { renderScript, scriptsDir } from "./scripts";
import { bookinfoImage, bookinfoWorkloads, calicoOperatorManifest, KubernetesMinor, versions } from "./versions";

/** The tag on a prepared image whose value is its key; the deploy role may launch only images owned by the account that carry it (and the lab boots only the one its parameter names). */
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

/** The pinned Kubernetes packages' version: 1.35.9-1.1. */
const kubernetesPackageVersion = (minor: KubernetesMinor): string => `${versions.kubernetes[minor]}-${versions.kubernetesPackageRevision}`;

/** A script without its comment lines (the shebang kept): none of these scripts has a heredoc or a multi-line string whose line starts with `#`. */
export const withoutComments = (script: string): string => script.split("\n").filter((line, i) => (i === 0 && line.startsWith("#!")) || !/^\s*#/.test(line)).join("\n");

/**
 * scripts/node-image.sh rendered for a Kubernetes minor: the build, with node-install.sh inlined,
 * without its comments: Image Builder limits a component document to 16,000 characters.
 */
export function nodeImageScript(minor: KubernetesMinor): string {
    return withoutComments(renderScript("node-image.sh", {
        KUBERNETES_MINOR: minor,
        KUBERNETES_PACKAGE_VERSION: kubernetesPackageVersion(minor),
        KUBERNETES_VERSION: versions.kubernetes[minor],
        OPERATOR_MANIFEST: calicoOperatorManifest,
        IMAGES: prePulledImages().join("\n"),
    }));
}

/** Where the Image Builder component writes the build script; the validate phase removes it, so the image does not hold it. */
const buildScriptPath = "/tmp/k8s-lab-node-image.sh";

/**
 * The Image Builder component document (AWSTOE): the build phase writes the rendered build script
 * and runs its `build`, the validate phase its `validate`, then removes it. `&&`: a step's exit
 * status is its last command's, so a failed run fails the step (and the build: no image).
 */
export function nodeImageComponent(minor: KubernetesMinor): string {
    const run = (mode: "build" | "validate", then = "") => ({ commands: [`bash ${buildScriptPath} ${mode}${then}`] });
    return YAML.stringify({
        name: "k8s-lab-node",
        description: `k8s-lab node: containerd, Kubernetes ${versions.kubernetes[minor]}, the bootstrap's images`,
        schemaVersion: "1.0",
        phases: [
            {
                name: "build",
                steps: [
                    { name: "WriteBuildScript", action: "CreateFile", inputs: [{ path: buildScriptPath, content: nodeImageScript(minor), permissions: 700, overwrite: true }] },
                    { name: "Build", action: "ExecuteBash", inputs: run("build") },
                ],
            },
            { name: "validate", steps: [{ name: "Validate", action: "ExecuteBash", inputs: run("validate", ` && rm -f ${buildScriptPath}`) }] },
        ],
    });
}

/** The most characters an Image Builder component document may have (inline `data`). */
export const componentDocumentLimit = 16000;

/** The install, as a node-image key covers it: node-install.sh as written (retry.sh and the image list are not in it). */
const installScript = (): string => fs.readFileSync(path.join(scriptsDir, "node-install.sh"), "utf8");

/**
 * The key of a prepared image: a hash of what decides whether a node booted from it is installed
 * as its user data would install it: the Ubuntu release, the architecture, node-install.sh's text
 * (the containerd config, with kubeadm's pause image for the version, is made by it) and the
 * pinned Kubernetes package version. The pre-pulled images are best effort and not in it: a stale
 * list only means kubelet pulls the rest. The lab boots only the image the CI stack's parameter
 * for this key names (nodeImageParameter); a change of any of these makes a new key, and the lab
 * falls back to Canonical's image until the CI stack built one.
 */
export function nodeImageKey(minor: KubernetesMinor, architecture: "amd64" | "arm64"): string {
    const contents = { ubuntu: versions.ubuntu, architecture, install: installScript(), kubernetesPackage: kubernetesPackageVersion(minor) };
    return shortHash(contents);
}

/**
 * The SSM parameter that names the current image of a key, written by Image Builder's
 * distribution and declared (its lifecycle) by the CI stack. Under /imagebuilder/: the only path
 * on which Image Builder's service-linked role (the principal of the distribution's write, a
 * policy AWS manages and nobody can widen) may put a parameter.
 */
export const nodeImageParameter = (key: string): string => `/imagebuilder/k8s-lab/node-image/${key}`;

/** A 16-hex-digit hash of a JSON value. */
export const shortHash = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
