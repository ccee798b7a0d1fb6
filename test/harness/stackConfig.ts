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

const parsed = new Map<string, unknown>();

/** A project or stack file of the repository, parsed once per process (tests read them hundreds of times); a copy each time. */
function projectYaml(file: string): unknown {
    if (!parsed.has(file)) parsed.set(file, YAML.parse(fs.readFileSync(path.join(root, file), "utf8")));
    return structuredClone(parsed.get(file));
}

/** The project file of the program in `dir` (the lab by default; `ci-stack` for the CI stack). */
export function projectFile(dir = "."): ProjectFile {
    return projectYaml(path.join(dir, "Pulumi.yaml")) as ProjectFile;
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
        const file = projectYaml(path.join(dir, `Pulumi.${stack}.yaml`)) as { config?: Record<string, unknown> };
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

/** kind's kubeconfig for cluster k8s-lab (its data shortened), and another context, which the lab leaves out. */
export const kindKubeconfig = `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: kind-k8s-lab
  cluster:
    certificate-authority-data: Y2E=
    server: https://127.0.0.1:41234
- name: prod
  cluster:
    server: https://k8s.example.com
contexts:
- name: kind-k8s-lab
  context:
    cluster: kind-k8s-lab
    user: kind-k8s-lab
- name: prod
  context:
    cluster: prod
    user: prod
users:
- name: kind-k8s-lab
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
- name: prod
  user:
    token: prod-token
`;

/** The context kind-k8s-lab of kindKubeconfig alone, as the provider and the traffic check get it. */
export const kindMinified = `apiVersion: v1
kind: Config
current-context: kind-k8s-lab
contexts:
  - name: kind-k8s-lab
    context:
      cluster: kind-k8s-lab
      user: kind-k8s-lab
clusters:
  - name: kind-k8s-lab
    cluster:
      certificate-authority-data: Y2E=
      server: https://127.0.0.1:41234
users:
  - name: kind-k8s-lab
    user:
      client-certificate-data: Y2VydA==
      client-key-data: a2V5
`;

/**
 * The dev stack on an existing cluster (as a kind stack would be): its AWS keys (region, tags)
 * removed, a context named, the kubeconfig given as its content (a secret: see existingClusterEnv).
 */
export const existingClusterConfig: Record<string, ConfigValue> = {
    target: "existingCluster",
    kubeContext: "kind-k8s-lab",
    kubeconfig: kindKubeconfig,
    region: undefined,
    tags: undefined,
};

/** What the program on an existing cluster finds on its machine: the kubeconfig key secret, as `pulumi config set --secret` marks it, and kubectl on PATH. */
export const existingClusterEnv = (secretKeys = ["kubeconfig"]): Record<string, string> => ({
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys.map((key) => `${projectFile().name}:${key}`)),
    PATH: `${path.join(root, "test", "fixtures", "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
});
