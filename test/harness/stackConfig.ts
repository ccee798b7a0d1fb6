/**
 * Stack configuration as the Pulumi CLI hands it to the program: the defaults declared in
 * Pulumi.yaml, then the stack file's values, then the test's overrides; every value a string
 * (lists as JSON), keyed `project:key`.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const root = path.join(__dirname, "..", "..");

interface ProjectFile {
    name: string;
    config: Record<string, { type: string; default?: unknown; description?: string; items?: { type: string } }>;
}

/** The project file of the program in `dir` (the lab by default; `ci-stack` for the CI stack). */
export function projectFile(dir = "."): ProjectFile {
    return YAML.parse(fs.readFileSync(path.join(root, dir, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

export type ConfigValue = string | number | boolean | string[] | undefined;

/** How the CLI passes a typed value to the program. */
function raw(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** `overrides` values of `undefined` remove the key, as if the user had deleted it. */
export function stackConfig(stack: string | undefined, overrides: Record<string, ConfigValue> = {}, dir = "."): Record<string, string> {
    const project = projectFile(dir);
    const values: Record<string, string | undefined> = {};
    for (const [key, declaration] of Object.entries(project.config)) {
        if (declaration.default !== undefined) values[`${project.name}:${key}`] = raw(declaration.default);
    }
    if (stack !== undefined) {
        const file = YAML.parse(fs.readFileSync(path.join(root, dir, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
        for (const [key, value] of Object.entries(file.config ?? {})) values[key] = raw(value);
    }
    for (const [key, value] of Object.entries(overrides)) {
        values[`${project.name}:${key}`] = value === undefined ? undefined : raw(value);
    }
    return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The same configuration as a getter for `parseConfig`. */
export function rawConfig(stack: string | undefined, overrides: Record<string, ConfigValue> = {}): (key: string) => string | undefined {
    const values = stackConfig(stack, overrides);
    const project = projectFile().name;
    return (key) => values[`${project}:${key}`];
}

/**
 * The dev stack on an existing cluster (as a kind stack would be): its AWS keys (region, tags)
 * removed, a context named, the kubeconfig given as its content (a secret).
 */
export const existingClusterConfig: Record<string, ConfigValue> = {
    target: "existingCluster",
    kubeContext: "kind-k8s-lab",
    kubeconfig: "apiVersion: v1\nkind: Config\ncurrent-context: kind-k8s-lab\n",
    region: undefined,
    tags: undefined,
};
