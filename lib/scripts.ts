/**
 * Scripts that run on the nodes are real files under scripts/, linted by shellcheck.
 * A script declares each parameter it needs as `: "${NAME:?}"`; rendering puts the values
 * right after the shebang, single-quoted, and refuses a missing or unknown parameter. A line
 * `. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include` is replaced by that file (and
 * its own includes), so that the rendered script stands alone (it runs from user data or from
 * SSH's stdin). `scriptInputs` declares what each script is given, typed; a test holds it and the
 * headers together.
 */
import * as fs from "fs";
import * as path from "path";
import { catalogue, Language, MessageKey } from "./messages";

export const scriptsDir = path.join(__dirname, "..", "scripts");

/** How an input is written into a script: text, a number, or a node's role; `?`: the script has a default. */
type InputKind = "text" | "number" | "role";
type Value<K> = K extends `number${string}` ? number : K extends `role${string}` ? "control-plane" | "worker" : string;
type Optional<K> = K extends `${string}?` ? true : false;

/**
 * The inputs of every script a component or the CLI runs, one per `: "${NAME:?}"` line of its
 * header (MESSAGES aside: rendering fills it from the catalogue). bookinfo-traffic.sh runs in a
 * pod from a ConfigMap: its inputs are the pod's environment, including the settings it defaults.
 */
export const scriptInputs = {
    "node-prep.sh": { NODE_ROLE: "role", LAB_NAME: "text", KUBERNETES_MINOR: "text", KUBERNETES_PACKAGE_VERSION: "text" },
    "node-image.sh": { KUBERNETES_MINOR: "text", KUBERNETES_PACKAGE_VERSION: "text", KUBERNETES_VERSION: "text", OPERATOR_MANIFEST: "text", IMAGES: "text" },
    "nat-instance.sh": { PRIVATE_CIDR: "text" },
    "control-plane-init.sh": { KUBEADM_CONFIG: "text", NODE_NAME: "text" },
    "calico.sh": { CRDS_MANIFEST: "text", OPERATOR_MANIFEST: "text", INSTALLATION: "text", NODE_NAME: "text", TIMEOUT_SECONDS: "number" },
    "join-token.sh": { NODE_NAME: "text", INSTANCE_ID: "text", TOKEN: "text", TOKEN_TTL: "text" },
    "worker-join.sh": { API_ENDPOINT: "text", TOKEN: "text", CA_HASH: "text", NODE_NAME: "text", NODE_IP: "text", INSTANCE_ID: "text" },
    "wait-ready.sh": { EXPECTED_NODES: "text", TIMEOUT_SECONDS: "number" },
    "port-forward-install.sh": { UNIT_NAME: "text", UNIT: "text", CREDENTIAL_FILE: "text", API_SERVER: "text", TOKEN_NAMESPACE: "text", TOKEN_SECRET: "text" },
    "bookinfo-traffic-check.sh": {
        NAMESPACE: "text", JOB_LABEL: "text", JOB_MANIFEST: "text", ATTEMPTS: "number", WAIT_SECONDS: "number",
        DEPLOYMENTS: "text", ROLLOUT_SECONDS: "number", INJECTOR: "text", KUBE_ACCESS: "text",
    },
    "diagnose.sh": { NODE_ROLE: "role" },
    "bookinfo-traffic.sh": {
        URL: "text", COUNT: "number", INTERVAL: "number", REQUEST_SECONDS: "number",
        WARMUP_PAGES: "number?", WARMUP_SECONDS: "number?", WARMUP_PAUSE: "number?",
    },
} as const satisfies Record<string, Record<string, InputKind | `${InputKind}?`>>;

export type ScriptName = keyof typeof scriptInputs;
/** The scripts that run in a pod from a ConfigMap, given their inputs as its environment; the others are rendered. */
type PodScript = "bookinfo-traffic.sh";
type Kinds<N extends ScriptName> = (typeof scriptInputs)[N];
/** The typed inputs of scripts/<N>. */
export type ScriptInput<N extends ScriptName> =
    { [K in keyof Kinds<N> as Optional<Kinds<N>[K]> extends true ? never : K]: Value<Kinds<N>[K]> } &
    { [K in keyof Kinds<N> as Optional<Kinds<N>[K]> extends true ? K : never]?: Value<Kinds<N>[K]> };

/** The parameters a script declares with `: "${NAME:?...}"`. */
export function scriptParameters(source: string): string[] {
    return [...source.matchAll(/^: "\$\{([A-Z][A-Z0-9_]*):\?/gm)].map((m) => m[1]);
}

/** The settings a script defaults with `NAME="${NAME:-...}"`: optional inputs. */
export function scriptDefaults(source: string): string[] {
    return [...source.matchAll(/^([A-Z][A-Z0-9_]*)="\$\{\1:-/gm)].map((m) => m[1]);
}

/** Refuses inputs that miss a declared parameter or name one the script neither declares nor defaults. */
function checkInputs(name: string, source: string, given: string[], optional: string[] = []): void {
    const declared = scriptParameters(source);
    const missing = declared.filter((p) => !given.includes(p));
    const unknown = given.filter((p) => !declared.includes(p) && !optional.includes(p));
    if (missing.length > 0 || unknown.length > 0) {
        throw new Error(`scripts/${name}: missing parameters [${missing.join(", ")}], unknown parameters [${unknown.join(", ")}]`);
    }
}

/** Quotes a value for a POSIX shell: single quotes, each embedded quote closed and escaped. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A script's text with LF line endings whatever the checkout did: a CR would change every input and break bash. */
const readScript = (name: string): string => fs.readFileSync(path.join(scriptsDir, name), "utf8").replace(/\r\n/g, "\n");

const includeLine = /^\. "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([\w.-]+)" # k8s-lab:include$/;

function inlineIncludes(source: string): string {
    return source
        .split("\n")
        .map((line) => {
            const include = includeLine.exec(line);
            if (include === null) return line;
            const library = readScript(include[1]).replace(/^#!.*\n/, "");
            return inlineIncludes(library).replace(/\n$/, "");
        })
        .join("\n");
}

/** The catalogue keys a script says (`say key …` or `message key …`), in order of first use. */
export function scriptMessageKeys(source: string): string[] {
    return [...new Set([...source.matchAll(/\b(?:say|message) ([a-z]+\.[A-Za-z]+)\b/g)].map((m) => m[1]))];
}

/**
 * Renders scripts/<name> with its parameters set and its includes inlined. A script that says
 * messages (common.sh declares MESSAGES) gets them in `language`, the stack's language on the
 * nodes: only the templates it uses, one `key=template` line each, filled on the node.
 */
export function renderScript<N extends Exclude<ScriptName, PodScript>>(name: N, inputs: ScriptInput<N>, language?: Language): string {
    const source = inlineIncludes(readScript(name));
    const declared = scriptParameters(source);
    const all: Record<string, string | number> = { ...inputs };
    if (declared.includes("MESSAGES")) {
        if (language === undefined) throw new Error(`scripts/${name}: it says messages; give the language they are in`);
        all.MESSAGES = scriptMessageKeys(source)
            .map((key) => {
                if (!(key in catalogue.en)) throw new Error(`scripts/${name}: no message ${key} in lib/messages.ts`);
                return `${key}=${catalogue[language][key as MessageKey]}`;
            })
            .join("\n");
    }
    checkInputs(name, source, Object.keys(all));
    const [shebang, ...rest] = source.split("\n");
    const assignments = declared.map((p) => `${p}=${shellQuote(String(all[p]))}`);
    return [shebang, "# Parameters rendered by the Pulumi program.", ...assignments, ...rest].join("\n");
}

/** The environment of a pod that runs scripts/<name> from a ConfigMap, in the order of `inputs`. */
export function scriptEnvironment<N extends PodScript>(name: N, inputs: ScriptInput<N>): { name: string; value: string }[] {
    const source = readScript(name);
    checkInputs(name, source, Object.keys(inputs), scriptDefaults(source));
    return Object.entries(inputs).map(([key, value]) => ({ name: key, value: String(value) }));
}
