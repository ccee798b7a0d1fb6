/**
 * Runs the real program (index.ts) under Pulumi's mocks in this process, as the engine would,
 * and writes what it declared to the file named by HARNESS_RESULT. Started by `runProgram`,
 * one process per scenario, because the Pulumi runtime's state is global to a process.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { renderedByDefault } from "./charts";
import { answerCall, answerResource, HarnessOptions, ProgramRun, RecordedResource } from "./mocks";
import { projectFile, root } from "./stackConfig";

const options = JSON.parse(process.env.HARNESS_OPTIONS ?? "{}") as HarnessOptions;
/** The objects a packaged component renders: the scenario's, or the charts' usual objects. */
const probes = options.probes ?? renderedByDefault;
const resultFile = process.env.HARNESS_RESULT ?? "";

const run: ProgramRun = { resources: [], outputs: {}, warnings: [] };
const byUrnName = new Map<string, RecordedResource>();
const stackTransforms: pulumi.ResourceTransform[] = [];
const pending: Promise<void>[] = [];
/** The transforms each resource (`type::name`) was declared with; the mocks hand them over without running them. */
const ownTransforms = new Map<string, pulumi.ResourceTransform[]>();
/** The parent each resource was declared with, known before it registers. */
const parentOf = new Map<string, pulumi.Resource | undefined>();
const probed: Record<string, unknown>[][] = [];

/**
 * The transforms the engine runs on a resource as it registers it: its own, then each
 * ancestor's, walking up to the stack, then the stack's.
 */
async function effectiveTransforms(key: string): Promise<pulumi.ResourceTransform[]> {
    const chain: pulumi.ResourceTransform[] = [];
    for (let k: string | undefined = key; k !== undefined;) {
        chain.push(...(ownTransforms.get(k) ?? []));
        const parent = parentOf.get(k);
        k = parent === undefined ? undefined : nameOfUrn(await valueOf(parent.urn));
    }
    return [...chain, ...stackTransforms];
}

// The machine's public IP is asked of a web service: answer from the scenario, never the network.
globalThis.fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    if (options.publicIp === null || options.publicIp === undefined) throw new Error(`connect ECONNREFUSED (${url})`);
    return new Response(`${options.publicIp}\n`, { status: 200 });
};
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
    const text = args.map(String).join(" ");
    if (text.startsWith("warning: ")) run.warnings.push(text.replace(/^warning: (\[runtime\] )?/, ""));
    else warn(...args);
};

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

async function applyTransforms(transforms: pulumi.ResourceTransform[], type: string, name: string, custom: boolean, props: Record<string, unknown>): Promise<Record<string, unknown>> {
    let current = props;
    for (const transform of transforms) {
        const result = await transform({ type, name, custom, props: current, opts: {} });
        if (result !== undefined) current = result.props as Record<string, unknown>;
    }
    return current;
}

/** What each resource (`type::name`) waits for, as its registration tells the engine; the mocks do not pass it on. */
const dependenciesOf = new Map<string, string[]>();
const register = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: { getType(): string; getName(): string; getDependenciesList(): string[] }, callback) {
    dependenciesOf.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList().map(nameOfUrn));
    return register.call(this, req, callback);
};

pulumi.runtime.setMocks(
    {
        async newResource(args) {
            const secretInputs: string[] = [];
            const key = `${args.type}::${args.name}`;
            const custom = args.custom ?? false;
            // As the engine does: the transforms run before the resource registers, and a packaged
            // component's children (the probes) are transformed while it is built, before it returns.
            ownTransforms.set(key, args.transforms ?? []);
            const transforms = await effectiveTransforms(key);
            const inputs = await applyTransforms(transforms, args.type, args.name, custom, unwrapSecrets(args.inputs, "", secretInputs) as Record<string, unknown>);
            const recorded: RecordedResource = { type: args.type, name: args.name, inputs, custom, provider: args.provider, dependsOn: [], dependencies: dependenciesOf.get(key) ?? [], secretInputs, options: {} };
            run.resources.push(recorded);
            byUrnName.set(key, recorded);
            for (const [index, probe] of probes.entries()) {
                if (probe.resource === key) probed[index] = await Promise.all(probe.objects.map((o) => applyTransforms(transforms, o.type, o.name, true, o.props)));
            }
            return answerResource(args.type, args.name, inputs, run.resources, options);
        },
        call: (args) => answerCall(args.token, args.inputs as Record<string, unknown>, options),
        registerTransform: (transform) => void stackTransforms.push(transform),
    },
    projectFile(options.program).name,
    options.stack ?? "dev",
    false,
    "organization",
);

/** The value of an output, once known (`Output.promise` is internal to the SDK). */
function valueOf<T>(input: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
    return new Promise((resolve) => pulumi.output(input).apply((value) => resolve(value)));
}

/** Records each resource's parent and explicit dependencies, which the mocks do not see. */
function recordOptions(args: pulumi.ResourceTransformationArgs): undefined {
    const key = `${args.type}::${args.name}`;
    const { parent, dependsOn, deleteBeforeReplace, ignoreChanges, additionalSecretOutputs, deletedWith, replacementTrigger } = args.opts as pulumi.CustomResourceOptions;
    parentOf.set(key, parent);
    pending.push(
        (async () => {
            await new Promise(setImmediate); // the constructor has not set the urn yet
            await valueOf(args.resource.urn); // registered: the mocks have seen it
            const resolved: unknown = await valueOf(dependsOn as pulumi.Input<unknown>);
            const list = (Array.isArray(resolved) ? resolved : resolved === undefined ? [] : [resolved]) as pulumi.Resource[];
            const urns = await Promise.all(list.map((r) => valueOf(r.urn)));
            const recorded = byUrnName.get(key);
            if (recorded === undefined) throw new Error(`no resource ${key} reached the mocks`);
            recorded.dependsOn = urns.map(nameOfUrn);
            recorded.parent = parent === undefined ? undefined : nameOfUrn(await valueOf(parent.urn));
            recorded.options = {
                deleteBeforeReplace,
                ignoreChanges,
                additionalSecretOutputs,
                deletedWith: deletedWith === undefined ? undefined : nameOfUrn(await valueOf(deletedWith.urn)),
                replacementTrigger: replacementTrigger === undefined ? undefined : await valueOf(replacementTrigger as pulumi.Input<unknown>),
            };
        })(),
    );
    return undefined;
}

/** `urn:pulumi:stack::project::a$b$type::name` → `type::name`. */
function nameOfUrn(urn: string): string {
    const parts = urn.split("::");
    const name = parts.pop();
    return `${parts.pop()?.split("$").pop()}::${name}`;
}

async function main(): Promise<void> {
    try {
        let returned: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation(recordOptions);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const program = require(path.join(root, options.program ?? ".", "index")) as () => Promise<Record<string, unknown>>;
            returned = await program();
            return returned;
        });
        for (const [key, value] of Object.entries(returned)) {
            const output = pulumi.output(value);
            run.outputs[key] = { value: await valueOf(output), secret: await pulumi.isSecret(output) };
        }
        await Promise.all(pending);
        await new Promise(setImmediate); // a failure after the last registration is reported first
        const missing = (options.probes ?? []).find((_, index) => probed[index] === undefined);
        if (missing !== undefined && run.error === undefined) throw new Error(`probe: no resource ${missing.resource}`);
        run.probes = probes.map((_, index) => probed[index] ?? []);
    } catch (err) {
        recordError(err);
    }
    fs.writeFileSync(resultFile, JSON.stringify(run));
}

/**
 * The program's first error; as under the Pulumi CLI, a failure in an output or a registration
 * fails the run. A plain RunError, which the CLI prints without a stack trace, is named so.
 */
function recordError(err: unknown): void {
    const name = err instanceof Error ? (pulumi.RunError.isInstance(err) && err.name === "Error" ? "RunError" : err.name) : "unknown";
    run.error ??= { name, message: err instanceof Error ? err.message : String(err) };
}
process.on("unhandledRejection", recordError);

void main();
