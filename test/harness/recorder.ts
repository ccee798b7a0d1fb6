/**
 * What the engine would see of a deployment under Pulumi's mocks: each resource's type, name,
 * inputs after its transforms, parent, explicit dependencies, options and secret input paths.
 * Shared by the whole-program run (child.ts, in the scenario process) and the in-process build
 * of one component (component.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { answerCall, answerResource, HarnessOptions, RecordedResource } from "./mocks";

/** Pulumi's wire form of a secret, which the mocks pass on as it is. */
const secretSig = "4dabf18193072939515e22adb298388d";

/** Replaces each secret envelope in `value` by its content, noting the path of each. */
function unwrapSecrets(value: unknown, path: string, secrets: string[]): unknown {
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[secretSig] === "1b47061264138c4ac30d75fd1eb44270") {
        secrets.push(path);
        return unwrapSecrets(record.value, path, []);
    }
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, path === "" ? String(i) : `${path}.${i}`, secrets));
    return Object.fromEntries(Object.entries(record).map(([key, v]) => [key, unwrapSecrets(v, path === "" ? key : `${path}.${key}`, secrets)]));
}

type Transformed = { props: Record<string, unknown>; opts: pulumi.ResourceOptions };

async function applyTransforms(transforms: pulumi.ResourceTransform[], type: string, name: string, custom: boolean, props: Record<string, unknown>): Promise<Transformed> {
    let current: Transformed = { props, opts: {} };
    for (const transform of transforms) {
        const result = await transform({ type, name, custom, ...current });
        if (result !== undefined) current = { props: result.props as Record<string, unknown>, opts: result.opts ?? {} };
    }
    return current;
}

/** The value of an output, once known (`Output.promise` is internal to the SDK). */
export function valueOf<T>(input: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
    return new Promise((resolve) => pulumi.output(input).apply((value) => resolve(value)));
}

/** `urn:pulumi:stack::project::a$b$type::name` → `type::name`. */
function nameOfUrn(urn: string): string {
    const parts = urn.split("::");
    const name = parts.pop();
    return `${parts.pop()?.split("$").pop()}::${name}`;
}

// URNs as the engine makes them, which aliases and pulumi.createUrn rely on: the parent's whole
// qualified type, the root stack's left out (the mocks keep only the parent's last type, the stack's too).
(MockMonitor.prototype as unknown as { newUrn(parent: string, type: string, name: string): string }).newUrn = (parent, type, name) => {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
};

/** What each resource (`type::name`) waits for, as its registration tells the engine; the mocks do not pass it on. */
const dependenciesOf = new Map<string, string[]>();
const register = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: { getType(): string; getName(): string; getDependenciesList(): string[] }, callback) {
    dependenciesOf.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList().map(nameOfUrn));
    return register.call(this, req, callback);
};

export type Probe = NonNullable<HarnessOptions["probes"]>[number];

export class Recorder {
    readonly resources: RecordedResource[] = [];
    /** The probed objects after the transforms, by index in `probes`. */
    readonly probed: Record<string, unknown>[][] = [];
    /** The aliases the transforms gave each probed object, resolved, likewise. */
    readonly probedAliases: unknown[][][] = [];
    private readonly byKey = new Map<string, RecordedResource>();
    private readonly stackTransforms: pulumi.ResourceTransform[] = [];
    private readonly pending: Promise<void>[] = [];
    /** The transforms each resource (`type::name`) was declared with; the mocks hand them over without running them. */
    private readonly ownTransforms = new Map<string, pulumi.ResourceTransform[]>();
    /** The parent each resource was declared with, known before it registers. */
    private readonly parentOf = new Map<string, pulumi.Resource | undefined>();

    constructor(private readonly options: HarnessOptions, private readonly probes: Probe[] = []) {}

    /** Installs the mocks: from now on every resource this process declares is recorded. */
    install(project: string): void {
        // The SDK reads each resource's stack trace for its source position, which only the engine
        // shows and mocks drop: most of a resource's registration time when source maps are on.
        (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites = () => [];
        pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    const secretInputs: string[] = [];
                    const key = `${args.type}::${args.name}`;
                    const custom = args.custom ?? false;
                    // As the engine does: the transforms run before the resource registers, and a packaged
                    // component's children (the probes) are transformed while it is built, before it returns.
                    this.ownTransforms.set(key, args.transforms ?? []);
                    const transforms = await this.effectiveTransforms(key);
                    const { props: inputs } = await applyTransforms(transforms, args.type, args.name, custom, unwrapSecrets(args.inputs, "", secretInputs) as Record<string, unknown>);
                    const recorded: RecordedResource = { type: args.type, name: args.name, inputs, custom, provider: args.provider, dependsOn: [], dependencies: dependenciesOf.get(key) ?? [], secretInputs, options: {} };
                    this.resources.push(recorded);
                    this.byKey.set(key, recorded);
                    for (const [index, probe] of this.probes.entries()) {
                        if (probe.resource !== key) continue;
                        const children = await Promise.all(probe.objects.map((o) => applyTransforms(transforms, o.type, o.name, true, o.props)));
                        this.probed[index] = children.map((child) => child.props);
                        this.probedAliases[index] = await Promise.all(children.map((child) => Promise.all((child.opts.aliases ?? []).map((alias) => valueOf(alias)))));
                    }
                    return answerResource(args.type, args.name, inputs, this.options);
                },
                call: (args) => answerCall(args.token, args.inputs as Record<string, unknown>, this.options),
                registerTransform: (transform) => void this.stackTransforms.push(transform),
            },
            project,
            this.options.stack ?? "dev",
            false,
            "organization",
        );
    }

    /**
     * The transforms the engine runs on a resource as it registers it: its own, then each
     * ancestor's, walking up to the stack, then the stack's.
     */
    private async effectiveTransforms(key: string): Promise<pulumi.ResourceTransform[]> {
        const chain: pulumi.ResourceTransform[] = [];
        for (let k: string | undefined = key; k !== undefined;) {
            chain.push(...(this.ownTransforms.get(k) ?? []));
            const parent = this.parentOf.get(k);
            k = parent === undefined ? undefined : nameOfUrn(await valueOf(parent.urn));
        }
        return [...chain, ...this.stackTransforms];
    }

    /**
     * A (legacy) transformation that records each resource's parent, explicit dependencies and
     * options, which the mocks do not see. Given to the stack or to the component under test.
     */
    readonly recordOptions = (args: pulumi.ResourceTransformationArgs): undefined => {
        const key = `${args.type}::${args.name}`;
        const { parent, dependsOn, deleteBeforeReplace, retainOnDelete, ignoreChanges, additionalSecretOutputs, deletedWith, replacementTrigger } = args.opts as pulumi.CustomResourceOptions;
        this.parentOf.set(key, parent);
        this.pending.push(
            (async () => {
                await new Promise(setImmediate); // the constructor has not set the urn yet
                await valueOf(args.resource.urn); // registered: the mocks have seen it
                const resolved: unknown = await valueOf(dependsOn as pulumi.Input<unknown>);
                const list = (Array.isArray(resolved) ? resolved : resolved === undefined ? [] : [resolved]) as pulumi.Resource[];
                const urns = await Promise.all(list.map((r) => valueOf(r.urn)));
                const recorded = this.byKey.get(key);
                if (recorded === undefined) throw new Error(`no resource ${key} reached the mocks`);
                recorded.dependsOn = urns.map(nameOfUrn);
                recorded.parent = parent === undefined ? undefined : nameOfUrn(await valueOf(parent.urn));
                recorded.options = {
                    deleteBeforeReplace,
                    retainOnDelete,
                    ignoreChanges,
                    additionalSecretOutputs,
                    deletedWith: deletedWith === undefined ? undefined : nameOfUrn(await valueOf(deletedWith.urn)),
                    replacementTrigger: replacementTrigger === undefined ? undefined : await valueOf(replacementTrigger as pulumi.Input<unknown>),
                };
            })(),
        );
        return undefined;
    };

    /** Resolves once every resource declared so far, and any declared meanwhile, is recorded. */
    async settled(): Promise<void> {
        for (let seen = -1; seen !== this.pending.length;) {
            seen = this.pending.length;
            await Promise.all(this.pending);
            await new Promise(setImmediate);
        }
    }
}

/** Collects the warnings the program logs (`pulumi.log.warn` without an engine) into `into`; returns the undo. */
export function captureWarnings(into: string[]): () => void {
    const warn = console.warn;
    console.warn = (...args: unknown[]): void => {
        const text = args.map(String).join(" ");
        if (text.startsWith("warning: ")) into.push(text.replace(/^warning: (\[runtime\] )?/, ""));
        else warn(...args);
    };
    return () => void (console.warn = warn);
}

/** Collects what the program says as information (`pulumi.log.info` without an engine) into `into`; returns the undo. */
export function captureInfo(into: string[]): () => void {
    const log = console.log;
    console.log = (...args: unknown[]): void => {
        const text = args.map(String).join(" ");
        if (text.startsWith("info: ")) into.push(text.replace(/^info: (\[runtime\] )?/, ""));
        else log(...args);
    };
    return () => void (console.log = log);
}
