/**
 * The existingCluster target's kubeconfig, read by the program before any resource: found as
 * kubectl finds it, checked, and cut down to the one context the lab deploys into. Pure: the
 * caller passes what it reads of this machine.
 */
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, loopbackHost } from "./config";
import { Translate } from "./messages";

/** What the program reads of the machine it runs on. */
export interface Machine {
    env: Readonly<Record<string, string | undefined>>;
    home: string;
    /** The project folder, where pulumi runs the program: a relative path starts there. */
    cwd: string;
    /** A file's text, or undefined when there is no file at that path. */
    read: (file: string) => string | undefined;
}

/** The cluster the lab deploys to: the minified kubeconfig (a secret) and its API server's host[:port] (no userinfo, no path), as messages show it. */
export interface ClusterAccess {
    kubeconfig: string;
    server: string;
}

/**
 * Whether a value that names no file is rather a kubeconfig's content (given without --secret),
 * which no message may then show: JSON, several lines, a kubeconfig's words, or too long for a path.
 */
export function looksLikeContent(value: string): boolean {
    return /^\s*[{[]/.test(value) || /[\r\n]/.test(value) || /apiVersion|token|-data/i.test(value) || value.length > 256;
}

type Named<K extends string> = { name?: unknown } & Partial<Record<K, Record<string, unknown>>>;
interface Kubeconfig {
    contexts?: Named<"context">[];
    clusters?: Named<"cluster">[];
    users?: Named<"user">[];
}

export { loopbackHost };

/**
 * The kubeconfig's text and where it came from: the value itself when it is a secret (the
 * content), else the file it names (`~` is the home folder; relative to the project folder);
 * empty, the first file of KUBECONFIG, else ~/.kube/config, as kubectl finds it.
 */
function kubeconfigText(value: string, secret: boolean, machine: Machine, key: string, t: Translate): { text: string; where: string; dir?: string } {
    if (secret && value !== "") return { text: value, where: t("kubeconfig.fromSecret", { key }) };
    const first = (machine.env.KUBECONFIG ?? "").split(path.delimiter).find((entry) => entry !== "");
    const named = value !== "" ? value : (first ?? path.join("~", ".kube", "config"));
    const file = path.resolve(machine.cwd, named === "~" || named.startsWith("~/") ? path.join(machine.home, named.slice(1)) : named);
    const text = named.includes("\n") ? undefined : machine.read(file);
    if (text === undefined) throw new ConfigError("kubeconfig", looksLikeContent(named) ? t("kubeconfig.looksLikeContent", { key }) : t("kubeconfig.noFile", { key, file }));
    return { text, where: file, dir: path.dirname(file) };
}

/** A file a kubeconfig names (certificates, keys) as the `-data` field kubectl's --flatten writes, so that no path of this machine is kept. */
function flatten(entry: Record<string, unknown>, dir: string | undefined, machine: Machine, key: string, t: Translate): Record<string, unknown> {
    return Object.fromEntries(Object.entries(entry).map(([field, value]) => {
        if (!["certificate-authority", "client-certificate", "client-key"].includes(field) || typeof value !== "string") return [field, value];
        const file = path.resolve(dir ?? machine.cwd, value);
        const text = machine.read(file);
        if (text === undefined) throw new ConfigError("kubeconfig", t("kubeconfig.noFile", { key, file }));
        return [`${field}-data`, Buffer.from(text).toString("base64")];
    }));
}

/**
 * The kubeconfig of the lab's context alone (that context, its cluster and its user, as the
 * current context), and its API server, which must be on this machine unless `allowRemote`.
 * Each problem is one sentence that never shows the kubeconfig's content.
 */
export function clusterAccess(
    config: { kubeconfig: string; kubeContext: string; allowRemoteCluster: boolean },
    secret: boolean,
    machine: Machine,
    project: string,
    t: Translate,
): ClusterAccess {
    const key = `${project}:kubeconfig`;
    const { text, where, dir } = kubeconfigText(config.kubeconfig, secret, machine, key, t);
    let parsed: Kubeconfig;
    try {
        // Errors thrown, warnings not printed: neither may show a line of a secret.
        parsed = YAML.parse(text, { logLevel: "error" }) as Kubeconfig;
    } catch {
        throw new ConfigError("kubeconfig", t("kubeconfig.notYaml", { where }));
    }
    const list = <K extends string>(entries: unknown): Named<K>[] => (Array.isArray(entries) ? (entries as Named<K>[]) : []);
    const contexts = list<"context">(parsed?.contexts);
    const context = contexts.find((c) => c.name === config.kubeContext)?.context;
    if (context === undefined) {
        // A secret kubeconfig's context names are its content too: counted, not named.
        const names = secret ? t("kubeconfig.contextsNotNamed", { count: contexts.length }) : contexts.map((c) => String(c.name)).join(", ");
        const has = contexts.length === 0 ? t("kubeconfig.noContexts") : names;
        throw new ConfigError("kubeContext", t("kubeconfig.noContext", { key: `${project}:kubeContext`, context: config.kubeContext, where, contexts: has }));
    }
    const cluster = list<"cluster">(parsed.clusters).find((c) => c.name === context.cluster);
    const user = list<"user">(parsed.users).find((u) => u.name === context.user);
    const server = cluster?.cluster?.server;
    if (cluster?.cluster === undefined || typeof server !== "string" || user === undefined) {
        throw new ConfigError("kubeContext", t("kubeconfig.incomplete", { context: config.kubeContext, where }));
    }
    // Shown as host[:port] only: a URL's userinfo or path may hold a credential.
    let url: URL | undefined;
    try {
        url = new URL(server);
    } catch {
        url = undefined;
    }
    const shown = url?.host || t("kubeconfig.notUrl");
    if (!config.allowRemoteCluster && !loopbackHost(url?.hostname ?? "")) {
        throw new ConfigError("kubeContext", t("kubeconfig.remote", { context: config.kubeContext, server: shown, key: `${project}:allowRemoteCluster` }));
    }
    const minified = {
        apiVersion: "v1",
        kind: "Config",
        "current-context": config.kubeContext,
        contexts: [{ name: config.kubeContext, context }],
        clusters: [{ name: cluster.name, cluster: flatten(cluster.cluster, dir, machine, key, t) }],
        users: [{ name: user.name, user: flatten(user.user ?? {}, dir, machine, key, t) }],
    };
    return { kubeconfig: YAML.stringify(minified), server: shown };
}

/** Whether an executable named `name` is in one of PATH's folders. */
export function onPath(name: string, env: Readonly<Record<string, string | undefined>>, executable: (file: string) => boolean): boolean {
    return (env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && executable(path.join(dir, name)));
}
