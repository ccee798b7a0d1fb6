/**
 * The policy pack's settings for a stack, from its Pulumi.yaml and Pulumi.<stack>.yaml:
 * `lab up` writes them for its own run, and a workflow runs
 * `npx ts-node --transpile-only cli/policyConfig.ts <stack> <file>` (from the base branch's
 * checkout, in the project folder) to pass `--policy-pack-config <file>` to `pulumi preview`.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../lib/config";
import { policyPackConfig, PolicyPackConfig, rawStackConfig } from "../lib/policyConfig";

/** The settings of `stack`, whose files are in `projectDir`; throws a ConfigError for a bad config. */
export function stackPolicyPackConfig(projectDir: string, stack: string, env: Readonly<Record<string, string | undefined>> = process.env): PolicyPackConfig {
    const read = (file: string): string | undefined => (fs.existsSync(path.join(projectDir, file)) ? fs.readFileSync(path.join(projectDir, file), "utf8") : undefined);
    const { project, get } = rawStackConfig(read("Pulumi.yaml") ?? "", read(`Pulumi.${stack}.yaml`));
    return policyPackConfig(parseConfig(get, project, env));
}

/** Writes the settings as JSON to `file`; returns the file. */
export function writePolicyPackConfig(projectDir: string, stack: string, file: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
    fs.writeFileSync(file, `${JSON.stringify(stackPolicyPackConfig(projectDir, stack, env), null, 2)}\n`);
    return file;
}

if (require.main === module) {
    const [stack, file] = process.argv.slice(2);
    if (stack === undefined || file === undefined) {
        process.stderr.write("usage: ts-node --transpile-only cli/policyConfig.ts <stack> <file>\n");
        process.exit(2);
    }
    try {
        writePolicyPackConfig(process.cwd(), stack, file);
    } catch (e) {
        // A config error is one sentence for the operator, no stack trace.
        process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
        process.exit(2);
    }
}
