/**
 * The test harness: runs the real program with a given configuration under Pulumi's mocks, in
 * a process of its own, and returns every resource it declared (type, name, inputs after
 * transforms, parent, explicit dependencies), its stack outputs with their secrecy, its
 * warnings and its error. Runs with the same options are shared within a test process.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stepsOf } from "../../lib/criticalPath";
import { HarnessOptions, ProgramRun, RecordedResource } from "./mocks";
import { root, stackConfig } from "./stackConfig";

export { HarnessOptions, ProgramRun, RecordedResource };

const cache = new Map<string, Promise<Program>>();

export class Program {
    constructor(readonly run: ProgramRun) {}

    get resources(): RecordedResource[] {
        return this.run.resources;
    }

    /** Resources of a type token, e.g. `aws:ec2/instance:Instance`. */
    ofType(type: string): RecordedResource[] {
        return this.run.resources.filter((r) => r.type === type);
    }

    /** The one resource of a type and name; throws if there is not exactly one. */
    get(type: string, name: string): RecordedResource {
        const found = this.run.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) throw new Error(`${found.length} resources ${type}::${name}`);
        return found[0];
    }

    /**
     * The deletedWith the engine applies to a resource: its own, else its nearest ancestor's. The
     * SDK sends only a resource's own option; the engine inherits it from the parent when unset
     * (pulumi/pulumi#12572), so a component's reaches all of its children, a chart's objects too.
     */
    deletedWith(resource: RecordedResource): string | undefined {
        for (let r: RecordedResource | undefined = resource; r !== undefined; r = r.parent === undefined ? undefined : this.resources.find((p) => `${p.type}::${p.name}` === r?.parent)) {
            if (r.options.deletedWith !== undefined) return r.options.deletedWith;
        }
        return undefined;
    }

    /** `type::name` of everything a resource waits for, directly or through what it waits for, providers included (as the model sees it). */
    waitsFor(resource: RecordedResource): Set<string> {
        const steps = new Map(stepsOf(this.resources).map((step) => [step.id, step]));
        const seen = new Set<string>();
        const visit = (id: string): void => {
            for (const next of steps.get(id)?.waitsFor ?? []) {
                if (seen.has(next)) continue;
                seen.add(next);
                visit(next);
            }
        };
        visit(`${resource.type}::${resource.name}`);
        return seen;
    }

    output(key: string): { value: unknown; secret: boolean } {
        const output = this.run.outputs[key];
        if (output === undefined) throw new Error(`no stack output ${key}; outputs: ${Object.keys(this.run.outputs).join(", ")}`);
        return output;
    }
}

function spawnRun(options: HarnessOptions): Promise<Program> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-harness-"));
    const resultFile = path.join(dir, "result.json");
    const env = {
        ...process.env,
        ...options.env,
        HARNESS_OPTIONS: JSON.stringify(options),
        HARNESS_RESULT: resultFile,
        TS_NODE_TRANSPILE_ONLY: "true",
        PULUMI_CONFIG: JSON.stringify(stackConfig(options.stack ?? "dev", options.config, options.program)),
    };
    return new Promise((resolve, reject) => {
        // The program as JavaScript, transpiled once by build.ts; TypeScript through ts-node otherwise.
        const build = process.env.HARNESS_BUILD;
        const args = build ? [path.join(build, "test", "harness", "child.js")] : ["-r", "ts-node/register", path.join(__dirname, "child.ts")];
        execFile(process.execPath, args, { cwd: options.cwd ?? build ?? root, env, timeout: 60_000 }, (err, _stdout, stderr) => {
            try {
                if (!fs.existsSync(resultFile)) {
                    reject(new Error(`the program run wrote no result (${err?.message ?? "no error"}):\n${stderr}`));
                    return;
                }
                resolve(new Program(JSON.parse(fs.readFileSync(resultFile, "utf8")) as ProgramRun));
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
}


/** Runs index.ts under mocks with the dev stack plus `options`. */
export function runProgram(options: HarnessOptions = {}): Promise<Program> {
    const key = JSON.stringify(options);
    let run = cache.get(key);
    if (run === undefined) {
        run = spawnRun({ publicIp: "198.51.100.23", ...options });
        cache.set(key, run);
    }
    return run;
}
