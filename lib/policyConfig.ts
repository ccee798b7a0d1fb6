/**
 * The policy pack's settings (`--policy-pack-config`), derived from the stack's config: a pack
 * cannot read stack config, so `lab up` and the workflows generate them. They can only narrow
 * the pack: whatever they say, the pack allows no public port outside the NodePort range, never
 * SSH or the API from the world, and no instance type off lib/allowList.ts.
 */
import * as YAML from "yaml";
import { LabConfig, RawConfig } from "./config";

/** The lab's own tags (lib/tags.ts) besides the user's. */
const labTagKeys = ["Project", "Stack", "LabId", "ManagedBy"];

/** Settings per policy name, as the Pulumi CLI reads a policy pack config file. */
export type PolicyPackConfig = Record<string, Record<string, unknown>>;

export function policyPackConfig(config: LabConfig): PolicyPackConfig {
    const allowedPorts = [...new Set([config.bookinfoPort, config.grafanaPort])].sort((a, b) => a - b);
    return {
        "no-world-ingress-except-public-ports": { allowedPorts },
        "no-world-ingress-across-rules": { allowedPorts },
        "instance-type-allow-list": { allowedInstanceTypes: [...new Set([config.controlPlaneInstanceType, config.workerInstanceType])] },
        "required-tags": { requiredTags: [...labTagKeys, ...Object.keys(config.tags)] },
    };
}

/**
 * A stack's raw config as the CLI hands it to the program: the defaults of Pulumi.yaml, then the
 * stack file's values (lists as JSON), from the two files' text.
 */
export function rawStackConfig(projectFile: string, stackFile: string | undefined): { project: string; get: RawConfig } {
    const project = (YAML.parse(projectFile) ?? {}) as { name?: string; config?: Record<string, { default?: unknown }> };
    const name = project.name ?? "k8s-lab";
    const values = new Map<string, unknown>();
    for (const [key, declaration] of Object.entries(project.config ?? {})) if (declaration?.default !== undefined) values.set(key, declaration.default);
    const stack = (YAML.parse(stackFile ?? "") ?? {}) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(stack.config ?? {})) if (key.startsWith(`${name}:`)) values.set(key.slice(name.length + 1), value);
    return {
        project: name,
        get: (key) => {
            const value = values.get(key);
            return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
        },
    };
}
