/**
 * What the mocked cloud answers: plausible outputs for the resources and data sources the
 * program uses, so that the program's own logic runs as it would against AWS.
 */
import { createHash } from "crypto";
import type { ExtensionName } from "./extensions";
import { ConfigValue } from "./stackConfig";
import { types } from "./types";

export interface HarnessOptions {
    /** The program's folder: the lab (default) or `ci-stack`. */
    program?: string;
    stack?: string;
    /** Config overrides, typed as in a stack file; `undefined` deletes a key. */
    config?: Record<string, ConfigValue>;
    /** Environment of the program (LANG, for instance). */
    env?: Record<string, string>;
    /** Working directory of the program's process: the transpiled build's folder by default. */
    cwd?: string;
    /** The public IP the detection service answers, or null for a failing service. */
    publicIp?: string | null;
    /** Zones of the region and the instance types each offers. Default: a, b, c offer all. */
    zones?: Record<string, string[] | "all">;
    /**
     * Objects to run through the transforms of a resource (`type::name`) and its ancestors, as
     * the engine would for a packaged component's children, which the mocks never see: while
     * that resource registers, before it returns. Default: what the charts usually render
     * (`renderedByDefault` in charts.ts).
     */
    probes?: { resource: string; objects: { type: string; name: string; props: Record<string, unknown> }[] }[];
    /** Endpoints, with their workloads, the program is given beyond the lab's own (extensions.ts); none by default, as under Pulumi. */
    extension?: ExtensionName;
    /** IAM roles the account already has, by name, with their path and description; default: none. */
    iamRoles?: Record<string, { path: string; description: string }>;
    /** The stack's outputs in its state before this run (what a StackReference to itself reads); none: a new lab. */
    previousOutputs?: Record<string, unknown>;
    /** What a command resource (by name) prints, over `commandStdout`'s defaults. */
    stdout?: Record<string, string>;
    /** The CI stack's node image parameters' values, by key (absent: no parameter); default: none. */
    nodeImages?: Record<string, string>;
    /** The available images the account owns; default: every value of nodeImages. */
    ownImages?: string[];
    /**
     * How EC2 describes an image the account owns, by id, over the default: the tags Image Builder
     * and the CI stack's distribution put on the image of the nodeImages key it is under, x86_64.
     */
    images?: Record<string, { architecture?: string; tags?: Record<string, string> }>;
    /** The error reading a node image parameter answers with (a role without the read); default: none. */
    nodeImageParameterError?: string;
    /** The addresses of an instance (by name), over `instanceAddresses`' defaults. */
    addresses?: Record<string, Addresses>;
}

export interface Addresses {
    privateIp: string;
    /** Given to the instance only when it asks for a public address. */
    publicIp: string;
}

export interface RecordedResource {
    type: string;
    name: string;
    /** Inputs as the provider would receive them, after the resource's transforms. */
    inputs: Record<string, unknown>;
    custom: boolean;
    provider?: string;
    /** `type::name` of the parent component. */
    parent?: string;
    /** `type::name` of each explicit dependency. */
    dependsOn: string[];
    /**
     * `type::name` of every resource it waits for, as the SDK sends them to the engine: the explicit
     * ones and those of the outputs among its inputs (a component stands for its custom and packaged
     * descendants; a packaged component, such as a chart, is one). Its provider is `provider`.
     */
    dependencies: string[];
    /** Resource options that matter to behaviour: deleteBeforeReplace, retainOnDelete, ignoreChanges, additionalSecretOutputs, deletedWith (`type::name`), replacementTrigger. */
    options: { deleteBeforeReplace?: boolean; retainOnDelete?: boolean; ignoreChanges?: string[]; additionalSecretOutputs?: string[]; deletedWith?: string; replacementTrigger?: unknown };
    /** Paths of the inputs given as secrets, e.g. `connection` (unwrapped in `inputs`). */
    secretInputs: string[];
}

export interface ProgramRun {
    resources: RecordedResource[];
    outputs: Record<string, { value: unknown; secret: boolean }>;
    /** Warnings the program logged. */
    warnings: string[];
    /** What the program logged as information. */
    infos: string[];
    /** The probed objects after the transforms, in the order of `HarnessOptions.probes`. */
    probes?: Record<string, unknown>[][];
    /** The aliases the transforms gave each probed object (URNs, or alias specs), likewise. */
    probeAliases?: unknown[][][];
    error?: { name: string; message: string };
}

/** Instance types the mocked EC2 knows. */
export const instanceTypes: Record<string, { memorySize: number; supportedArchitectures: string[] }> = {
    "t3.small": { memorySize: 2048, supportedArchitectures: ["x86_64"] },
    "t3.medium": { memorySize: 4096, supportedArchitectures: ["x86_64"] },
    "t3.large": { memorySize: 8192, supportedArchitectures: ["x86_64"] },
    "t3.xlarge": { memorySize: 16384, supportedArchitectures: ["x86_64"] },
    "t4g.nano": { memorySize: 512, supportedArchitectures: ["arm64"] },
    "t4g.large": { memorySize: 8192, supportedArchitectures: ["arm64"] },
    "m7g.large": { memorySize: 8192, supportedArchitectures: ["arm64"] },
};

/** An invoke failure as the engine reports it: the SDK shows the error's `details`. */
function invokeError(token: string, reason: string): Error {
    return Object.assign(new Error(reason), { details: `invocation of ${token} returned an error: ${reason}` });
}

export function answerCall(token: string, inputs: Record<string, unknown>, options: HarnessOptions): Record<string, unknown> {
    switch (token) {
        case "aws:ec2/getInstanceType:getInstanceType": {
            const type = String(inputs.instanceType);
            const known = instanceTypes[type];
            if (known === undefined) throw invokeError(token, `operation error EC2: DescribeInstanceTypes, api error InvalidInstanceType: The following supplied instance types do not exist: [${type}]`);
            return { instanceType: type, ...known };
        }
        case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
            const filters = inputs.filters as { name: string; values: string[] }[];
            const wanted = filters.find((f) => f.name === "instance-type")?.values ?? [];
            const zones = options.zones ?? { "ap-northeast-2a": "all", "ap-northeast-2b": "all", "ap-northeast-2c": "all" };
            const pairs = Object.entries(zones).flatMap(([zone, offered]) =>
                wanted.filter((type) => offered === "all" || offered.includes(type)).map((type) => ({ zone, type })),
            );
            return { instanceTypes: pairs.map((p) => p.type), locations: pairs.map((p) => p.zone), locationTypes: pairs.map(() => "availability-zone") };
        }
        case "aws:ssm/getParameter:getParameter": {
            const name = String(inputs.name);
            const match = /^\/aws\/service\/canonical\/ubuntu\/server\/24\.04\/stable\/current\/(amd64|arm64)\/hvm\/ebs-gp3\/ami-id$/.exec(name);
            const prepared = /^\/imagebuilder\/k8s-lab\/node-image\/([0-9a-f]{16})$/.exec(name);
            if (prepared !== null && options.nodeImageParameterError !== undefined) throw invokeError(token, options.nodeImageParameterError);
            const value = match !== null ? `ami-ubuntu2404${match[1]}` : prepared !== null ? options.nodeImages?.[prepared[1]] : undefined;
            if (value === undefined) throw invokeError(token, `ParameterNotFound: ${name}`);
            return { name, type: "String", value, insecureValue: value };
        }
        case "aws:ec2/getAmiIds:getAmiIds": {
            // Only the lookup the lab makes: one image by id, if the account owns it and it is available.
            const filters = inputs.filters as { name: string; values: string[] }[];
            const wanted = filters.find((f) => f.name === "image-id")?.values ?? [];
            const available = filters.some((f) => f.name === "state" && JSON.stringify(f.values) === '["available"]');
            const own = options.ownImages ?? Object.values(options.nodeImages ?? {});
            const ids = JSON.stringify(inputs.owners) === JSON.stringify(["self"]) && available ? wanted.filter((id) => own.includes(id)) : [];
            return { ...inputs, ids };
        }
        case "aws:ec2/getAmi:getAmi": {
            // Only the lookup the lab makes, of an image getAmiIds found: how EC2 describes it.
            const id = (inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "image-id")?.values[0] ?? "";
            const key = Object.entries(options.nodeImages ?? {}).find(([, ami]) => ami === id)?.[0] ?? "";
            const built = { "k8s-lab:node-image": key, CreatedBy: "EC2 Image Builder", Ec2ImageBuilderArn: "arn:aws:imagebuilder:ap-northeast-2:111122223333:image/k8s-lab-node-amd64/1.0.0/1" };
            const over = options.images?.[id] ?? {};
            return { ...inputs, id, imageId: id, architecture: over.architecture ?? "x86_64", tags: over.tags ?? built };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: "111122223333", arn: "arn:aws:iam::111122223333:user/operator", userId: "AIDAOPERATOR", id: "111122223333" };
        case "aws:iam/getRoles:getRoles": {
            const roles = Object.entries(options.iamRoles ?? {});
            const names = roles.filter(([name, r]) => new RegExp(String(inputs.nameRegex ?? "")).test(name) && r.path.startsWith(String(inputs.pathPrefix ?? "/"))).map(([name]) => name);
            return { ...inputs, names, arns: names.map((name) => `arn:aws:iam::111122223333:role${options.iamRoles?.[name].path}${name}`) };
        }
        case "aws:iam/getRole:getRole": {
            const role = options.iamRoles?.[String(inputs.name)];
            if (role === undefined) throw invokeError(token, `NoSuchEntity: The role with name ${String(inputs.name)} cannot be found.`);
            return { name: inputs.name, ...role };
        }
        default:
            throw new Error(`the mocks do not answer ${token}`);
    }
}

export function answerResource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: HarnessOptions = {},
): { id: string; state: Record<string, unknown> } {
    const id = `${name}-id`;
    switch (type) {
        case types.instance: {
            const { privateIp, publicIp } = options.addresses?.[name] ?? instanceAddresses(name);
            return { id, state: { ...inputs, privateIp, publicIp: inputs.associatePublicIpAddress === true ? publicIp : "", primaryNetworkInterfaceId: `eni-${name}` } };
        }
        case types.privateKey:
            return {
                id,
                state: {
                    ...inputs,
                    privateKeyOpenssh: "-----BEGIN OPENSSH PRIVATE KEY-----\nbW9jaw==\n-----END OPENSSH PRIVATE KEY-----\n",
                    privateKeyPem: "-----BEGIN PRIVATE KEY-----\nbW9jaw==\n-----END PRIVATE KEY-----\n",
                    publicKeyOpenssh: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1vY2s= mock\n",
                },
            };
        case types.randomId:
            // index.ts: the lab's identity (LabId).
            return { id, state: { ...inputs, hex: "0a1b2c3d4e5f6789" } };
        case types.randomPassword: {
            // Of the asked length and alphabet: lower-case only when upper is false (bootstrap tokens).
            const result = "MockGrafanaPassw0rd12345";
            return { id, state: { ...inputs, result: inputs.upper === false ? mockToken(name, Number(inputs.length)) : result } };
        }
        case types.selfSignedCert:
        case types.locallySignedCert:
            return { id, state: { ...inputs, certPem: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n` } };
        case types.certRequest:
            return { id, state: { ...inputs, certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n${name}\n-----END CERTIFICATE REQUEST-----\n` } };
        case types.remoteCommand:
            return { id, state: { ...inputs, stdout: options.stdout?.[name] ?? commandStdout[name] ?? "", stderr: "" } };
        case types.dynamic:
            // components/everyUp.ts: a fixed nonce, so that two runs can be compared.
            return { id, state: { ...inputs, nonce: `${name}-nonce` } };
        case types.stackReference:
            // index.ts: the lab's own previous outputs.
            return { id: String(inputs.name), state: { ...inputs, outputs: options.previousOutputs ?? {}, secretOutputNames: [] } };
        case types.keyPair:
            return { id, state: { ...inputs, keyName: `${name}-keypair` } };
        default:
            return { id, state: { ...inputs, arn: `arn:aws:mock:::${name}` } };
    }
}

export const mockCaHash = `sha256:${"ab".repeat(32)}`;

/** A lower-case alphanumeric string of `length`, derived from the resource's name. */
function mockToken(name: string, length: number): string {
    return createHash("sha256").update(name).digest("hex").slice(0, length);
}

/**
 * The addresses of the program's instances, by name: `control-plane-N` in the public subnet
 * (10.0.1.10 first, public 203.0.113.1), `worker-N` in the private one (10.0.2.10 first), the
 * NAT instance (`…-nat`) in the public one with addresses of its own.
 */
export function instanceAddresses(name: string): Addresses {
    if (name.endsWith("-nat")) return { privateIp: "10.0.1.210", publicIp: "203.0.113.200" };
    const match = /^(control-plane|worker)-(\d+)$/.exec(name);
    if (match === null) throw new Error(`the mocks have no addresses for instance ${name}: give them in HarnessOptions.addresses`);
    const n = Number(match[2]);
    return match[1] === "control-plane" ? { privateIp: `10.0.1.${10 + n}`, publicIp: `203.0.113.${1 + n}` } : { privateIp: `10.0.2.${10 + n}`, publicIp: `203.0.113.${101 + n}` };
}

/** What the program's commands print, by resource name, as far as the program reads it; other commands print nothing. */
export const commandStdout: Record<string, string> = {
    // kubeadm init (scripts/control-plane-init.sh): the CA's hash the workers join with.
    "cluster-init": `${mockCaHash}\n`,
    // The admin kubeconfig, read back from the control-plane node.
    "cluster-kubeconfig": [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "  - name: k8s-lab-dev",
        "    cluster:",
        "      server: https://10.0.1.10:6443",
        "      certificate-authority-data: Q0E=",
        "users:",
        "  - name: kubernetes-admin",
        "    user:",
        "      client-certificate-data: Q0VSVA==",
        "      client-key-data: S0VZ",
        "contexts:",
        "  - name: kubernetes-admin@k8s-lab-dev",
        "    context: { cluster: k8s-lab-dev, user: kubernetes-admin }",
        "current-context: kubernetes-admin@k8s-lab-dev",
        "",
    ].join("\n"),
};
