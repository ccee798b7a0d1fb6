/**
 * Deploy-time facts read from AWS before any cloud resource is declared, so that a wrong
 * instance type or a zone without it stops `pulumi up` with one sentence and nothing built:
 * where to build, what each instance type is (architecture, memory) and which image to boot on
 * it: the prepared node image the CI stack's parameter names for the pinned versions, when there is one,
 * else Canonical's current Ubuntu.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LabConfig } from "./config";
import { Translate } from "./messages";
import { nodeImageKey, nodeImageParameter, nodeImageTag } from "./nodeImage";
import type { BootedImages } from "./stackOutputs";
import { KubernetesMinor, ubuntuAmiParameter } from "./versions";

export type Architecture = "amd64" | "arm64";

export interface NodeType {
    instanceType: string;
    architecture: Architecture;
    memoryGiB: number;
    /**
     * The image to boot: for a Kubernetes node, the prepared node image the CI stack's parameter
     * names for the pinned versions and this architecture when there is one, else (and for the NAT
     * instance) the current Ubuntu LTS image for the architecture, from Canonical's SSM parameter.
     */
    ami: string;
    /** The key of the prepared image `ami` is; absent when it is Canonical's. */
    nodeImage?: string;
}

/** Where the nodes run and on what: the zone, and each role's instance type. */
export interface NodePlan {
    availabilityZone: string;
    controlPlane: NodeType;
    worker: NodeType;
    /** The NAT instance's (egress natInstance). */
    nat?: NodeType;
}

/** Below this, a role's workloads are likely to be killed for lack of memory. */
export const minimumMemoryGiB = { controlPlane: 8, worker: 4 } as const;

/** The first zone, in name order, that offers every wanted instance type. */
export function zoneOffering(offerings: { instanceTypes: string[]; locations: string[] }, wanted: string[]): string | undefined {
    const zones = [...new Set(offerings.locations)].sort();
    return zones.find((zone) =>
        wanted.every((type) => offerings.instanceTypes.some((offered, i) => offered === type && offerings.locations[i] === zone)),
    );
}

/** EC2's name of an architecture. */
const ec2Architecture: Record<Architecture, string> = { amd64: "x86_64", arm64: "arm64" };

/** An image as EC2 describes it: what the lab checks before it boots one. */
export interface DescribedImage {
    architecture: string;
    tags: Record<string, string>;
}

/**
 * Why an image the parameter names is not the prepared image of `key` for `architecture`, or
 * undefined when it is: it must carry the key's tag, be of the architecture, and carry the tags
 * Image Builder itself puts on what it distributes (`CreatedBy`, and `Ec2ImageBuilderArn` an
 * image of this account and region). A parameter a principal other than Image Builder wrote, or
 * the wrong key's image, is then a warning and Canonical's Ubuntu, never a failed launch.
 */
export function imageMismatch(image: DescribedImage, key: string, architecture: Architecture, where: { account: string; region: string }, t: Translate): string | undefined {
    const tag = (name: string): string => JSON.stringify(image.tags[name] ?? "");
    if (image.tags[nodeImageTag] !== key) return t("nodeImage.why.key", { tag: nodeImageTag, value: tag(nodeImageTag), key });
    if (image.architecture !== ec2Architecture[architecture]) return t("nodeImage.why.architecture", { found: image.architecture, wanted: ec2Architecture[architecture] });
    if (image.tags.CreatedBy !== "EC2 Image Builder") return t("nodeImage.why.createdBy", { value: tag("CreatedBy") });
    const arn = new RegExp(`^arn:aws[a-z-]*:imagebuilder:${where.region}:${where.account}:image/`);
    if (!arn.test(image.tags.Ec2ImageBuilderArn ?? "")) return t("nodeImage.why.builderArn", { value: tag("Ec2ImageBuilderArn"), account: where.account, region: where.region });
    return undefined;
}

/**
 * The prepared image of `key`, if any: the image the CI stack's parameter for the key names (the
 * only source trusted: Image Builder writes it, the deploy role cannot), when the account owns it,
 * it is available and it is what Image Builder built for the key (imageMismatch, else a warning).
 * No parameter, its placeholder, or an image gone is no error: the lab then boots Canonical's
 * Ubuntu and its user data installs everything.
 */
async function preparedImage(key: string, architecture: Architecture, region: string, t: Translate, opts: pulumi.InvokeOptions): Promise<string | undefined> {
    const parameter = nodeImageParameter(key);
    const named = await aws.ssm.getParameter({ name: parameter }, opts).then(
        (found) => found.insecureValue,
        async (err: Error) => {
            // Not built yet, or a role without the read (a CI stack not updated): fall back, and say why when it is not the first.
            if (!/ParameterNotFound/.test(err.message)) await pulumi.log.warn(t("nodeImage.unreadable", { parameter, reason: err.message }));
            return undefined;
        },
    );
    if (named === undefined || !/^ami-[0-9a-z]+$/.test(named)) return undefined;
    const filters = [{ name: "image-id", values: [named] }, { name: "state", values: ["available"] }];
    const found = await aws.ec2.getAmiIds({ owners: ["self"], filters }, opts);
    if (!found.ids.includes(named)) return undefined;
    const [image, identity] = await Promise.all([aws.ec2.getAmi({ owners: ["self"], filters }, opts), aws.getCallerIdentity({}, opts)]);
    const mismatch = imageMismatch({ architecture: image.architecture, tags: image.tags ?? {} }, key, architecture, { account: identity.accountId, region }, t);
    if (mismatch === undefined) return named;
    await pulumi.log.warn(t("nodeImage.untrusted", { parameter, ami: named, reason: mismatch }));
    return undefined;
}

/** `kubernetes`: the minor of a Kubernetes node, which may boot a prepared image; none for the NAT instance. */
async function nodeType(instanceType: string, key: string, region: string, t: Translate, opts: pulumi.InvokeOptions, kubernetes?: KubernetesMinor): Promise<NodeType> {
    const info = await aws.ec2.getInstanceType({ instanceType }, opts).catch((err: Error) => {
        throw new pulumi.RunError(t("instance.lookupFailed", { key, instanceType, region, reason: err.message }));
    });
    const architecture: Architecture = info.supportedArchitectures.includes("arm64") ? "arm64" : "amd64";
    const type = { instanceType, architecture, memoryGiB: info.memorySize / 1024 };
    const imageKey = kubernetes === undefined ? undefined : nodeImageKey(kubernetes, architecture);
    const prepared = imageKey === undefined ? undefined : await preparedImage(imageKey, architecture, region, t, opts);
    if (imageKey !== undefined && prepared !== undefined) return { ...type, ami: prepared, nodeImage: imageKey };
    // insecureValue: an AMI id is no secret, and a secret id would hide every image diff.
    const ami = (await aws.ssm.getParameter({ name: ubuntuAmiParameter(architecture) }, opts)).insecureValue;
    return { ...type, ami };
}

/** What each Kubernetes role boots, as the `nodeImage` output says it: the prepared image's key and id, or Canonical's Ubuntu. */
export function bootedImages(plan: NodePlan): BootedImages {
    const booted = (type: NodeType): BootedImages["worker"] => (type.nodeImage === undefined ? "ubuntu" : { key: type.nodeImage, ami: type.ami });
    return { controlPlane: booted(plan.controlPlane), worker: booted(plan.worker) };
}

/** Reads the node plan and warns when an instance type is short of memory for its role. */
export async function preflight(config: LabConfig, t: Translate, opts: pulumi.InvokeOptions): Promise<NodePlan> {
    const [controlPlane, worker, nat] = await Promise.all([
        nodeType(config.controlPlaneInstanceType, "controlPlaneInstanceType", config.region, t, opts, config.kubernetesVersion),
        nodeType(config.workerInstanceType, "workerInstanceType", config.region, t, opts, config.kubernetesVersion),
        config.egress === "natInstance" ? nodeType(config.natInstanceType, "natInstanceType", config.region, t, opts) : undefined,
    ]);
    for (const [type, role] of [[controlPlane, "controlPlane"], [worker, "worker"]] as const) {
        const roleText = t(role === "controlPlane" ? "role.controlPlane" : "role.worker");
        if (type.memoryGiB < minimumMemoryGiB[role]) {
            await pulumi.log.warn(t("instance.memoryLow", { instanceType: type.instanceType, memoryGiB: type.memoryGiB, role: roleText, minimumGiB: minimumMemoryGiB[role] }));
        }
        // What each role boots, in every preview and up: the prepared image or the fallback.
        const key = nodeImageKey(config.kubernetesVersion, type.architecture);
        await pulumi.log.info(t(type.nodeImage === undefined ? "nodeImage.fallback" : "nodeImage.prepared", { role: roleText, ami: type.ami, key }));
    }

    let availabilityZone = config.availabilityZone;
    if (availabilityZone === "") {
        const wanted = [...new Set([controlPlane.instanceType, worker.instanceType, ...(nat ? [nat.instanceType] : [])])];
        const offerings = await aws.ec2.getInstanceTypeOfferings({ locationType: "availability-zone", filters: [{ name: "instance-type", values: wanted }] }, opts);
        const zone = zoneOffering(offerings, wanted);
        if (zone === undefined) {
            throw new pulumi.RunError(t("instance.noZone", { region: config.region, controlPlaneType: controlPlane.instanceType, workerType: worker.instanceType }));
        }
        availabilityZone = zone;
    }
    return { availabilityZone, controlPlane, worker, ...(nat ? { nat } : {}) };
}
