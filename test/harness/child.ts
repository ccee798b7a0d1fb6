/**
 * Runs the real program (index.ts) under Pulumi's mocks in this process, as the engine would,
 * and writes what it declared to the file named by HARNESS_RESULT. Started by `runProgram`,
 * one process per scenario, because the Pulumi runtime's state is global to a process.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EndpointExtension } from "../../lib/endpoints";
import { renderedByDefault } from "./charts";
import { extensions } from "./extensions";
import { HarnessOptions, ProgramRun } from "./mocks";
import { captureInfo, captureWarnings, Recorder, valueOf } from "./recorder";
import { projectFile, root } from "./stackConfig";

const options = JSON.parse(process.env.HARNESS_OPTIONS ?? "{}") as HarnessOptions;
/** The objects a packaged component renders: the scenario's, or the charts' usual objects. */
const probes = options.probes ?? renderedByDefault;
const resultFile = process.env.HARNESS_RESULT ?? "";

const recorder = new Recorder(options, probes);
const run: ProgramRun = { resources: recorder.resources, outputs: {}, warnings: [], infos: [] };

// The machine's public IP is asked of a web service: answer from the scenario, never the network.
globalThis.fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    if (options.publicIp === null || options.publicIp === undefined) throw new Error(`connect ECONNREFUSED (${url})`);
    return new Response(`${options.publicIp}\n`, { status: 200 });
};
captureWarnings(run.warnings);
captureInfo(run.infos);

recorder.install(projectFile(options.program).name);

async function main(): Promise<void> {
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
