/**
 * Builds one component from fake inputs in this process, under the same mocks and recording
 * as a whole-program run (as pulumi-awsx's tests do: set the mocks, construct, await the
 * outputs). For what a component makes of its arguments; how index.ts wires the components
 * together stays with `runProgram`.
 */
import * as pulumi from "@pulumi/pulumi";
import { HarnessOptions, RecordedResource } from "./mocks";
import { captureInfo, captureWarnings, Recorder, valueOf } from "./recorder";
import { Resources } from "./resources";
import { projectFile } from "./stackConfig";

export class Built<T extends pulumi.Resource> extends Resources {
    constructor(readonly component: T, resources: RecordedResource[], readonly warnings: string[]) {
        super(resources);
    }

    /** The value of one of the component's outputs. */
    value<U>(output: pulumi.Input<U>): Promise<pulumi.Unwrap<U>> {
        return valueOf(output);
    }
}

/**
 * Calls `build` with the options to construct the component with (pass them on as its `opts`),
 * then waits until it and every child have registered. `options` as for a program run: the
 * mocks' answers (zones, addresses, stdout…); its config does not apply, the arguments do.
 */
export async function buildComponent<T extends pulumi.Resource>(build: (opts: pulumi.ComponentResourceOptions) => T, options: HarnessOptions = {}): Promise<Built<T>> {
    const recorder = new Recorder(options);
    recorder.install(projectFile(options.program).name);
    const warnings: string[] = [];
    const restore = captureWarnings(warnings);
    try {
        const component = build({ transformations: [recorder.recordOptions] });
        await valueOf(component.urn);
        await recorder.settled();
        return new Built(component, recorder.resources, warnings);
    } finally {
        restore();
    }
}

/** What `call` returned under the mocks, and what it said meanwhile. */
export interface Called<T> {
    value?: T;
    error?: Error;
    warnings: string[];
    infos: string[];
}

/**
 * Calls `call` (a function of `lib/` that invokes the provider, such as preflight) in this
 * process under the mocks `options` answer with, as a program run would call it; a thrown error
 * is returned, as a run records it.
 */
export async function callWithMocks<T>(call: () => Promise<T>, options: HarnessOptions = {}): Promise<Called<T>> {
    new Recorder(options).install(projectFile(options.program).name);
    const said: Called<T> = { warnings: [], infos: [] };
    const restoreWarnings = captureWarnings(said.warnings);
    const restoreInfo = captureInfo(said.infos);
    try {
        return { ...said, value: await call() };
    } catch (err) {
        return { ...said, error: err as Error };
    } finally {
        restoreInfo();
        restoreWarnings();
    }
}
