/**
 * The test harness: runs the real program with a given configuration under Pulumi's mocks, in
 * a process beside the mocha worker (child.ts, which runs the worker's scenarios one after the
 * other, each in a runtime state of its own), and returns every resource it declared (type, name, inputs after
 * transforms, parent, explicit dependencies), its stack outputs with their secrecy, its
 * warnings and its error. Runs with the same options are shared by all the tests of a mocha
 * run, whichever worker asks. `buildComponent` (component.ts) builds one component in-process.
 */
import { ChildProcess, fork, ForkOptions } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import { Socket } from "net";
import * as os from "os";
import * as path from "path";
import type { ScenarioRequest } from "./child";
import { HarnessOptions, ProgramRun, RecordedResource } from "./mocks";
import { Resources } from "./resources";
import { root, stackConfig } from "./stackConfig";

export { Built, buildComponent, Called, callWithMocks } from "./component";
export { Resources } from "./resources";
export { types } from "./types";
export { HarnessOptions, ProgramRun, RecordedResource };

const cache = new Map<string, Promise<Program>>();

export class Program extends Resources {
    constructor(readonly run: ProgramRun) {
        super(run.resources);
    }

    output(key: string): { value: unknown; secret: boolean } {
        const output = this.run.outputs[key];
        if (output === undefined) throw new Error(`no stack output ${key}; outputs: ${Object.keys(this.run.outputs).join(", ")}`);
        return output;
    }
}

/** The process that runs this mocha worker's scenarios (child.ts), started on the first, again after a crash or a hang. */
interface ScenarioServer {
    child: ChildProcess;
    stderr: string[];
    /** What to do when each pending scenario (by result file) ends: with a failure, or none, and its CPU time. */
    waiting: Map<string, (failure?: string, cpuMs?: number) => void>;
}
let server: ScenarioServer | undefined;

function scenarioServer(): ScenarioServer {
    if (server !== undefined) return server;
    // The program as JavaScript, transpiled once by build.ts; TypeScript through ts-node otherwise.
    const build = process.env.HARNESS_BUILD;
    // Without the run's compile cache (build.ts): a server outlives its worker, and would write to the cache as the run removes it.
    const options = { stdio: ["ignore", "ignore", "pipe", "ipc"], env: { ...process.env, NODE_COMPILE_CACHE: undefined } } satisfies ForkOptions;
    // A scenario makes short-lived objects by the million (the SDK's outputs and promises): a young
    // generation larger than V8's default collects them in fewer pauses, a sixth of a scenario's time.
    const young = "--max-semi-space-size=64";
    const child = build
        ? fork(path.join(build, "test", "harness", "child.js"), { ...options, cwd: build, execArgv: [young] })
        : fork(path.join(__dirname, "child.ts"), { ...options, cwd: root, execArgv: [young, "-r", "ts-node/register/transpile-only"] });
    const started: ScenarioServer = { child, stderr: [], waiting: new Map() };
    child.stderr?.on("data", (chunk: Buffer) => started.stderr.push(chunk.toString()));
    child.on("message", ({ resultFile, failure, cpuMs }: { resultFile: string; failure?: string; cpuMs?: number }) => {
        started.waiting.get(resultFile)?.(failure, cpuMs);
        started.waiting.delete(resultFile);
        if (started.waiting.size === 0) child.channel?.unref(); // an idle server keeps no mocha process alive
    });
    child.on("exit", (code, signal) => {
        if (server === started) server = undefined;
        for (const done of started.waiting.values()) done(`the scenario process ended (${signal ?? `exit code ${code}`}):\n${started.stderr.join("")}`);
        started.waiting.clear();
    });
    child.unref();
    (child.stderr as Socket | null)?.unref();
    server = started;
    return started;
}

/** The configuration the program reads in a scenario, as the CLI hands it over. */
const programConfig = (options: HarnessOptions): Record<string, string> => stackConfig(options.stack ?? "dev", options.config, options.program);

/** A scenario's options with the harness's defaults: this machine's public IP as the detection service answers it. */
const withDefaults = (options: HarnessOptions): HarnessOptions => ({ publicIp: "198.51.100.23", ...options });

function spawnRun(options: HarnessOptions, resultFile: string): Promise<Program> {
    const request: ScenarioRequest = { options, resultFile, env: { ...options.env, PULUMI_CONFIG: JSON.stringify(programConfig(options)) } };
    const started = Date.now();
    const { child, waiting } = scenarioServer();
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => child.kill(), 60_000); // a hung scenario fails, and those queued behind it
        waiting.set(resultFile, (failure, cpuMs) => {
            clearTimeout(timer);
            if (failure !== undefined || !fs.existsSync(resultFile)) {
                reject(new Error(`the program run wrote no result: ${failure ?? "no error"}`));
                return;
            }
            // `bench/suite.mjs` reads where the time goes: the wait (queued scenarios included) and the run's CPU time, in ms.
            if (process.env.HARNESS_TIMINGS) fs.appendFileSync(process.env.HARNESS_TIMINGS, `${Date.now() - started}\t${cpuMs}\t${JSON.stringify(options)}\n`);
            resolve(new Program(JSON.parse(fs.readFileSync(resultFile, "utf8")) as ProgramRun));
        });
        child.channel?.ref();
        child.send(request);
    });
}

/**
 * A scenario's result: from the mocha run's store in the build folder when another worker
 * has run it already, else from a run of its own, which it then stores.
 */
async function storedRun(options: HarnessOptions, key: string): Promise<Program> {
    const build = process.env.HARNESS_BUILD;
    if (build === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-harness-"));
        try {
            return await spawnRun(options, path.join(dir, "result.json"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    const stored = path.join(build, "runs", `${createHash("sha256").update(key).digest("hex")}.json`);
    if (fs.existsSync(stored)) return new Program(JSON.parse(fs.readFileSync(stored, "utf8")) as ProgramRun);
    fs.mkdirSync(path.dirname(stored), { recursive: true });
    const own = `${stored}.${process.pid}`;
    const program = await spawnRun(options, own);
    fs.renameSync(own, stored); // whole or not at all, for a worker reading it meanwhile
    return program;
}

/**
 * Runs the scenarios one after another in this worker's scenario process, none of them taken
 * from or kept in the run's store: for the test that a scenario leaves nothing behind for the next.
 */
export async function runInTurn(list: HarnessOptions[]): Promise<Program[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-harness-"));
    try {
        const programs: Program[] = [];
        for (const [i, options] of list.entries()) programs.push(await spawnRun(withDefaults(options), path.join(dir, `${i}.json`)));
        return programs;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Runs index.ts under mocks with the dev stack plus `options`. */
export function runProgram(options: HarnessOptions = {}): Promise<Program> {
    const full = withDefaults(options);
    // Keyed by the configuration the program reads, not by how a test spelled it: a value set to
    // what the stack has anyway is the same run.
    let key: string;
    try {
        key = JSON.stringify({ ...full, config: programConfig(full) });
    } catch (err) {
        return Promise.reject(err); // a stack file that is not there fails the run, as before, not the call
    }
    let run = cache.get(key);
    if (run === undefined) {
        run = storedRun(full, key);
        cache.set(key, run);
    }
    return run;
}
