/**
 * Mocha's global setup: transpiles the program and the harness once, into a temporary folder
 * that mirrors the project, so that each scenario's process runs plain JavaScript instead of
 * compiling TypeScript again (most of a run's time otherwise). Type checking is `npm run typecheck`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { root } from "./stackConfig";

const sources = ["index.ts", "components", "lib", "ci-stack", "test/harness"];
const linked = ["node_modules", "scripts", "dashboards", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.kind.yaml", "ci-stack/Pulumi.yaml", "ci-stack/Pulumi.ci.yaml"];

function typescriptFiles(entry: string): string[] {
    const full = path.join(root, entry);
    if (fs.statSync(full).isFile()) return [entry];
    return fs.readdirSync(full).flatMap((name) =>
        name !== "node_modules" && (name.endsWith(".ts") || fs.statSync(path.join(full, name)).isDirectory()) ? typescriptFiles(path.join(entry, name)) : [],
    );
}

export function mochaGlobalSetup(): void {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-build-"));
    for (const file of sources.flatMap(typescriptFiles)) {
        const { outputText } = ts.transpileModule(fs.readFileSync(path.join(root, file), "utf8"), {
            fileName: file,
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        });
        const target = path.join(out, file.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, outputText);
    }
    for (const name of linked) fs.symlinkSync(path.join(root, name), path.join(out, name));
    process.env.HARNESS_BUILD = out;
}

export function mochaGlobalTeardown(): void {
    if (process.env.HARNESS_BUILD) fs.rmSync(process.env.HARNESS_BUILD, { recursive: true, force: true });
}
