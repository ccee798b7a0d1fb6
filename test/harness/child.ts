/**
 * Runs the real program (index.ts) under Pulumi's mocks, as the engine would, for each scenario
 * `runProgram` sends, and writes what it declared to the file the request names. One process
 * serves a mocha worker's scenarios one after the other, so that the SDKs load once: each
 * scenario runs in a Pulumi runtime state of its own (the SDK's async-local store, as the
 * automation API's inline programs do), in its environment and working directory. The program's
 * modules load once per process too: they hold no state between runs (each exports functions and
 * constants; the program is the function index.ts exports), and loading them again for each
 * scenario took a fifth of its time. Only the SDK would remember something of theirs, a dynamic
 * provider's serialized code: it serializes it again for each scenario, as in a process of its own.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as state from "@pulumi/pulumi/runtime/state";
import { EndpointExtension } from "../../lib/endpoints";
import { renderedByDefault } from "./charts";
import { extensions } from "./extensions";
import { HarnessOptions, ProgramRun } from "./mocks";
import { captureInfo, captureWarnings, Recorder, valueOf } from "./recorder";
import { projectFile, root } from "./stackConfig";

/** What `runProgram` asks: a scenario, the environment it adds (its config among it), and where its result goes. */
export interface ScenarioRequest {
    options: HarnessOptions;
    env: Record<string, string>;
    resultFile: string;
}

// The SDK captures a stack trace for every promise it makes, for a leak report that a mocked run
// never prints: a fifth of a scenario's time. A scenario's result keeps an error's name and message only.
Error.stackTraceLimit = 0;
process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS = "false";

/** Runs `callback` in a fresh runtime state (internal to the SDK; its automation API runs inline programs so). */
const { withLocalStorage } = state as unknown as { withLocalStorage<T>(callback: () => T): T };

/** The scenario running now, which an unhandled rejection fails. */
let current: ProgramRun | undefined;

/**
 * The program's first error; as under the Pulumi CLI, a failure in an output or a registration
 * fails the run. A plain RunError, which the CLI prints without a stack trace, is named so.
 */
function recordError(run: ProgramRun | undefined, err: unknown): void {
    if (run === undefined) return;
    const name = err instanceof Error ? (pulumi.RunError.isInstance(err) && err.name === "Error" ? "RunError" : err.name) : "unknown";
    run.error ??= { name, message: err instanceof Error ? err.message : String(err) };
}

/** Runs the scenario in the runtime state the caller gives it, and writes its result. */
async function runScenario({ options, resultFile }: ScenarioRequest): Promise<void> {
    /** The objects a packaged component renders: the scenario's, or the charts' usual objects. */
    const probes = options.probes ?? renderedByDefault;
    const recorder = new Recorder(options, probes);
    const run: ProgramRun = { resources: recorder.resources, outputs: {}, warnings: [], infos: [] };
    current = run;
    const restoreWarnings = captureWarnings(run.warnings);
    const restoreInfo = captureInfo(run.infos);
    recorder.install(projectFile(options.program).name);
    try {
        let returned: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation(recorder.recordOptions);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const program = require(path.join(root, options.program ?? ".", "index")) as (extension?: EndpointExtension) => Promise<Record<string, unknown>>;
            returned = await program(options.extension === undefined ? undefined : extensions[options.extension]);
            return returned;
        });
        for (const [key, value] of Object.entries(returned)) {
            const output = pulumi.output(value);
            run.outputs[key] = { value: await valueOf(output), secret: await pulumi.isSecret(output) };
        }
        await recorder.settled(); // a failure after the last registration is reported first
        const missing = (options.probes ?? []).find((_, index) => recorder.probed[index] === undefined);
        if (missing !== undefined && run.error === undefined) throw new Error(`probe: no resource ${missing.resource}`);
        run.probes = probes.map((_, index) => recorder.probed[index] ?? []);
        run.probeAliases = probes.map((_, index) => recorder.probedAliases[index] ?? []);
    } catch (err) {
        recordError(run, err);
    }
    fs.writeFileSync(resultFile, JSON.stringify(run));
    restoreWarnings();
    restoreInfo();
}

/** Runs one scenario in its environment, working directory and answer of the public-IP service, and writes its result. */
async function serve(request: ScenarioRequest): Promise<void> {
    const { options } = request;
    const env = { ...process.env };
    const cwd = process.cwd();
    Object.assign(process.env, request.env);
    process.chdir(options.cwd ?? root);
    // The machine's public IP is asked of a web service: answer from the scenario, never the network.
    globalThis.fetch = async (input: string | URL | Request): Promise<Response> => {
        const url = String(input instanceof Request ? input.url : input);
        if (options.publicIp === null || options.publicIp === undefined) throw new Error(`connect ECONNREFUSED (${url})`);
        return new Response(`${options.publicIp}\n`, { status: 200 });
    };
    try {
        await withLocalStorage(() => runScenario(request));
    } finally {
        current = undefined;
        process.chdir(cwd);
        for (const key of Object.keys(process.env)) if (!(key in env)) Reflect.deleteProperty(process.env, key);
        Object.assign(process.env, env);
    }
}

process.on("unhandledRejection", (err) => recordError(current, err));

// The SDK serializes a dynamic provider's code through an inspector session, made on its first
// use: made now, so that it is there for every scenario alike (the first would otherwise wait
// for it, and register its dynamic resources later than the others do).
let queue: Promise<void> = pulumi.runtime.serializeFunction(() => undefined).then(() => undefined);
process.on("message", (request: ScenarioRequest) => {
    let start: NodeJS.CpuUsage;
    queue = queue.then(() => {
        start = process.cpuUsage();
        return serve(request);
    }).then(
        () => {
            const used = process.cpuUsage(start);
            process.send?.({ resultFile: request.resultFile, cpuMs: Math.round((used.user + used.system) / 1000) });
        },
        (err: unknown) => void process.send?.({ resultFile: request.resultFile, failure: err instanceof Error ? err.stack : String(err) }),
    );
});
