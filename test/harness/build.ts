/**
 * Mocha's global setup: transpiles the program, the CLI, the tests, the tools and the policy
 * pack once, into a temporary folder that mirrors the project, so that the scenario processes,
 * the tools' and the pack's processes and the mocha workers run plain JavaScript instead of
 * compiling TypeScript again (most of a run's time otherwise); register.js has the workers load
 * it. Type checking is `npm run typecheck`. The node processes the run starts share a compile
 * cache in that folder (NODE_COMPILE_CACHE), filled with the shared packages while the setup
 * transpiles, so that their code compiles once per run rather than once per process.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { root } from "./stackConfig";

const sources = ["index.ts", "components", "lib", "cli", "ci-stack", "test", "tools", "policy"];
const linked = [
    "node_modules", "scripts", "dashboards", ".github", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.kind.yaml", "ci-stack/Pulumi.yaml", "ci-stack/Pulumi.ci.yaml",
    "policy/node_modules", "policy/package.json", "policy/PulumiPolicy.yaml",
];

function typescriptFiles(entry: string): string[] {
    const full = path.join(root, entry);
    if (fs.statSync(full).isFile()) return [entry];
    return fs.readdirSync(full).flatMap((name) =>
        name !== "node_modules" && (name.endsWith(".ts") || fs.statSync(path.join(full, name)).isDirectory()) ? typescriptFiles(path.join(entry, name)) : [],
    );
}

/**
 * The packages most of the run's processes load (the workers, the CLI's and the pack's; not the
 * scenario processes, which run without the cache), loaded once by a process of their own while
 * the setup transpiles, so that the compile cache has their code before any of those starts.
 */
const sharedPackages = [
    "@pulumi/pulumi", "@pulumi/pulumi/automation", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/command", "@pulumi/tls", "@pulumi/random", "yaml", "zod",
    "./policy/node_modules/@pulumi/policy", "./policy/node_modules/@pulumi/pulumi",
];

/**
 * Fills the cache, with this process's V8 flags (the cache's folder depends on them, and the
 * workers inherit them). A package that does not load, or a loader still running after 30 s,
 * only costs time: the run goes on either way.
 */
function warmCompileCache(cache: string): { done: Promise<void>; stop(): void } {
    const script = `for (const name of ${JSON.stringify(sharedPackages)}) try { require(name); } catch {}`;
    const flags = process.execArgv.filter((arg) => !arg.startsWith("--inspect"));
    const loader = spawn(process.execPath, [...flags, "-e", script], { cwd: root, env: { ...process.env, NODE_COMPILE_CACHE: cache }, stdio: "ignore" });
    const timer = setTimeout(() => loader.kill("SIGKILL"), 30_000);
    const done = new Promise<void>((resolve) => loader.on("close", () => resolve()).on("error", () => resolve())).finally(() => clearTimeout(timer));
    return { done, stop: () => loader.kill("SIGKILL") };
}

export async function mochaGlobalSetup(): Promise<void> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-build-"));
    const warm = warmCompileCache(path.join(out, "compile-cache"));
    try {
        // Each file's JavaScript, with its source map inline, at the same path under `out`.
        const ts = await import("typescript");
        for (const file of sources.flatMap(typescriptFiles)) {
            const { outputText } = ts.transpileModule(fs.readFileSync(path.join(root, file), "utf8"), {
                fileName: file,
                compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
            });
            const target = path.join(out, file.replace(/\.ts$/, ".js"));
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, outputText);
        }
        for (const name of linked) fs.symlinkSync(path.join(root, name), path.join(out, name));
        await warm.done;
    } catch (err) {
        warm.stop();
        await warm.done;
        fs.rmSync(out, { recursive: true, force: true });
        throw err;
    }
    process.env.HARNESS_BUILD = out;
    process.env.NODE_COMPILE_CACHE = path.join(out, "compile-cache");
}

/**
 * How node runs a TypeScript file of the project (`tools/cost.ts`): its JavaScript in the
 * mocha run's build, or the file itself through ts-node when there is no build.
 */
export function nodeArgs(file: string): string[] {
    const build = process.env.HARNESS_BUILD;
    return build ? [path.join(build, file.replace(/\.ts$/, ".js"))] : ["-r", "ts-node/register/transpile-only", path.join(root, file)];
}

export function mochaGlobalTeardown(): void {
    // Again while a process that is ending still writes its compile cache.
    if (process.env.HARNESS_BUILD) fs.rmSync(process.env.HARNESS_BUILD, { recursive: true, force: true, maxRetries: 5 });
}
