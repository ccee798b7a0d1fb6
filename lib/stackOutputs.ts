/**
 * The stack-output contract: what the program exports (index.ts is checked against the type),
 * and what the verify command and the CLI read (through the schema, so that a stack from an
 * older program, or an `up` that failed before its outputs existed, is a sentence, not a crash).
 */
import type { Input } from "@pulumi/pulumi";
import { z } from "zod";
import { workerCapacities } from "./config";
import { checks, LabEndpointName, VerifyTarget } from "./endpoints";
import { exposures } from "./exposure";

const url = z.string().regex(/^https?:\/\/[^/\s]+/, "not a URL");

/** What a lab on either target exports: the platform's URLs, its exposure and Grafana's password. */
const platformOutputs = {
    /** The exposure the lab runs with: kept in the state until the lab is destroyed. */
    exposure: z.enum(exposures),
    /** The configured exposure when it last ran: a changed setting takes effect. */
    configuredExposure: z.enum(exposures),
    bookinfoUrl: url,
    grafanaUrl: url,
    /** Every public endpoint (lib/endpoints.ts): what `lab verify` checks and the port-forward units' names. */
    endpoints: z.array(z.object({ name: z.string().regex(/^[a-z][a-z0-9-]*$/), title: z.string(), url, check: z.enum(checks), publicPort: z.number().int() })),
    grafanaAdminPassword: z.string(),
};

/** A lab on AWS: its nodes, their addresses and key, the cluster's kubeconfig, the workers' capacity. */
const bootedImage = z.union([z.object({ key: z.string(), ami: z.string() }), z.literal("ubuntu")]);
export const nodeImageOutput = z.object({ controlPlane: bootedImage, worker: bootedImage });
export type BootedImages = z.infer<typeof nodeImageOutput>;

export const awsOutputsSchema = z.object({
    target: z.literal("aws"),
    availabilityZone: z.string(),
    labId: z.string(),
    adminCidrs: z.array(z.string()),
    controlPlanePublicIp: z.string(),
    controlPlanePrivateIp: z.string(),
    workerPrivateIps: z.array(z.string()),
    sshControlPlane: z.string(),
    sshWorkers: z.array(z.string()),
    sshPrivateKey: z.string(),
    kubernetesVersion: z.string(),
    nodeNames: z.array(z.string()),
    kubeconfig: z.string(),
    ...platformOutputs,
    /** The workers' capacity the lab runs with (on-demand after spot was refused): kept until the lab is destroyed. */
    workerCapacity: z.enum(workerCapacities),
    /** The configured capacity when it last ran. */
    configuredWorkerCapacity: z.enum(workerCapacities),
    /** What each Kubernetes role booted: the prepared node image (its key and id) or Canonical's Ubuntu. */
    nodeImage: nodeImageOutput,
});

/** The platform on an existing cluster: the kubeconfig context it was deployed into, and the platform's outputs. */
export const existingClusterOutputsSchema = z.object({
    target: z.literal("existingCluster"),
    kubeContext: z.string(),
    ...platformOutputs,
});

export const stackOutputsSchema = z.discriminatedUnion("target", [awsOutputsSchema, existingClusterOutputsSchema]);
export type StackOutputs = z.infer<typeof stackOutputsSchema>;

/**
 * The endpoints of a lab built before the `endpoints` output: its two URLs, named, titled and
 * checked as the components declare the lab's endpoints (components/bookinfo.ts, monitoring.ts).
 */
export function legacyEndpoints(o: { bookinfoUrl: string; grafanaUrl: string }): VerifyTarget[] {
    const target = (name: LabEndpointName, title: string, url: string, check: VerifyTarget["check"]): VerifyTarget => {
        const parsed = new URL(url);
        return { name, title, url, check, publicPort: Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80)) };
    };
    return [target("bookinfo", "Bookinfo", o.bookinfoUrl, "productPage"), target("grafana", "Grafana", o.grafanaUrl, "grafana")];
}

/** A lab built before the `target` output is on AWS. */
const withTarget = (raw: unknown): unknown => (typeof raw === "object" && raw !== null && !("target" in raw) ? { ...raw, target: "aws" } : raw);

/**
 * What the CLI's commands read (a lab built by an older program may lack the others): a lab
 * without the `endpoints` output has them derived from its two URLs; one without the workers'
 * capacity (older still) shows none; one without the `target` output is on AWS.
 */
export const cliOutputsSchema = z.preprocess(
    withTarget,
    z.discriminatedUnion("target", [
        awsOutputsSchema.pick({
            target: true,
            controlPlanePublicIp: true,
            workerPrivateIps: true,
            nodeNames: true,
            sshPrivateKey: true,
            kubeconfig: true,
            bookinfoUrl: true,
            grafanaUrl: true,
            grafanaAdminPassword: true,
            exposure: true,
        }).extend({
            endpoints: platformOutputs.endpoints.optional(),
            workerCapacity: awsOutputsSchema.shape.workerCapacity.optional(),
            configuredWorkerCapacity: awsOutputsSchema.shape.configuredWorkerCapacity.optional(),
        }),
        existingClusterOutputsSchema.pick({ target: true, kubeContext: true, bookinfoUrl: true, grafanaUrl: true, grafanaAdminPassword: true, exposure: true, endpoints: true }),
    ]).transform((o) => ({ ...o, endpoints: o.endpoints ?? legacyEndpoints(o) })),
);
export type CliOutputs = z.output<typeof cliOutputsSchema>;
/** The outputs of a lab on AWS, which the commands that reach its nodes need. */
export type AwsCliOutputs = Extract<CliOutputs, { target: "aws" }>;

/** The URLs `up` verifies after a failed access check. */
export const endpointOutputsSchema = z.object({ endpoints: platformOutputs.endpoints, grafanaAdminPassword: platformOutputs.grafanaAdminPassword });

type Inputs<T> = { [K in keyof T]: Input<T[K]> };
/** The program's outputs as it returns them, for either target: each a value or an Output of the contract's type. */
export type AwsOutputInputs = Inputs<z.infer<typeof awsOutputsSchema>>;
export type ExistingClusterOutputInputs = Inputs<z.infer<typeof existingClusterOutputsSchema>>;
export type StackOutputInputs = AwsOutputInputs | ExistingClusterOutputInputs;
