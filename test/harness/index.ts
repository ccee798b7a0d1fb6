/**
 * The test harness: runs the real program with a given configuration under Pulumi's mocks, in
 * a process of its own, and returns every resource it declared (type, name, inputs after
 * transforms, parent, explicit dependencies), its stack outputs with their secrecy, its
 * warnings and its error. Runs with the same options are shared by all the tests of a mocha
 * run, whichever worker asks. `buildComponent` (component.ts) builds one component in-process.
 */
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HarnessOptions, ProgramRun, RecordedResource } from "./mocks";
import { Resources } from "./resources";
import { root, stackConfig } from "./stackConfig";

export { Built, buildComponent } from "./component";
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

function spawnRun(options: HarnessOptions, resultFile: string): Promise<Program> {
    const env = {
        ...process.env,
        ...options.env,
        HARNESS_OPTIONS: JSON.stringify(options),
        HARNESS_RESULT: resultFile,
        TS_NODE_TRANSPILE_ONLY: "true",
        PULUMI_CONFIG: JSON.stringify(stackConfig(options.stack ?? "dev", options.config, options.program)),
    };
    const started = Date.now();
    return new Promise((resolve, reject) => {
        // The program as JavaScript, transpiled once by build.ts; TypeScript through ts-node otherwise.
        const build = process.env.HARNESS_BUILD;
        const args = build ? [path.join(build, "test", "harness", "child.js")] : ["-r", "ts-node/register", path.join(__dirname, "child.ts")];
        execFile(process.execPath, args, { cwd: options.cwd ?? build ?? root, env, timeout: 60_000 }, (err, _stdout, stderr) => {
            if (!fs.existsSync(resultFile)) {
                reject(new Error(`the program run wrote no result (${err?.message ?? "no error"}):\n${stderr}`));
                return;
            }
            // `bench/suite.mjs` reads where the time goes.
            if (process.env.HARNESS_TIMINGS) fs.appendFileSync(process.env.HARNESS_TIMINGS, `${Date.now() - started}\t${JSON.stringify(options)}\n`);
            resolve(new Program(JSON.parse(fs.readFileSync(resultFile, "utf8")) as ProgramRun));
        });
    });
}

/**
 * A scenario's result: from the mocha run's store in the build folder when another worker
 * has run it already, else from a run of its own, which it then stores.
 */
async function storedRun(options: HarnessOptions): Promise<Program> {
    const build = process.env.HARNESS_BUILD;
    if (build === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-harness-"));
        try {
            return await spawnRun(options, path.join(dir, "result.json"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    const stored = path.join(build, "runs", `${createHash("sha256").update(JSON.stringify(options)).digest("hex")}.json`);
    if (fs.existsSync(stored)) return new Program(JSON.parse(fs.readFileSync(stored, "utf8")) as ProgramRun);
    fs.mkdirSync(path.dirname(stored), { recursive: true });
    const own = `${stored}.${process.pid}`;
    const program = await spawnRun(options, own);
    fs.renameSync(own, stored); // whole or not at all, for a worker reading it meanwhile
    return program;
}

/** Runs index.ts under mocks with the dev stack plus `options`. */
export function runProgram(options: HarnessOptions = {}): Promise<Program> {
    const key = JSON.stringify(options);
    let run = cache.get(key);
    if (run === undefined) {
        run = storedRun({ publicIp: "198.51.100.23", ...options });
        cache.set(key, run);
    }
    return run;
}
