/**
 * `npm run cost [-- [--language en|ko] [Pulumi.STACK.yaml]]`: the cost table of a stack, from
 * Pulumi.yaml's defaults and the given stack file's values, the daily workflow's schedule and
 * lib/prices.ts. Without a stack file: the default stack, as the READMEs show it.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, parseConfig } from "../lib/config";
import { costChoices, costTable, renderCostTable, scheduleFromWorkflow } from "../lib/cost";
import { Language, terminalLanguage } from "../lib/messages";

const root = path.join(__dirname, "..");

/** The raw config the CLI would hand the program: the declared defaults, then the stack file's values. */
function rawConfig(stackFile: string | undefined): { project: string; get: (key: string) => string | undefined } {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { default?: unknown }> };
    const stack = stackFile === undefined ? {} : ((YAML.parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {});
    const values = new Map<string, unknown>(Object.entries(project.config).map(([key, d]) => [key, d.default]));
    for (const [key, value] of Object.entries(stack)) values.set(key.replace(`${project.name}:`, ""), value);
    const raw = (value: unknown) => (value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value));
    return { project: project.name, get: (key) => raw(values.get(key)) };
}

function main(argv: string[]): number {
    const languageAt = argv.indexOf("--language");
    const languageArg = languageAt >= 0 ? argv[languageAt + 1] : undefined;
    const stackFile = argv.filter((_, i) => i !== languageAt && i !== languageAt + 1)[0];
    const { project, get: stackGet } = rawConfig(stackFile);
    // --language stands for the stack's setting, for the table and any config error alike.
    const get = (key: string) => (key === "language" && languageArg !== undefined ? languageArg : stackGet(key));
    const language: Language = terminalLanguage(get("language"));
    try {
        const config = parseConfig(get, project);
        const input = { ...config, ...costChoices(get, project, language) };
        const schedule = scheduleFromWorkflow(fs.readFileSync(path.join(root, ".github", "workflows", "daily.yml"), "utf8"));
        const table = costTable(input, schedule, language);
        process.stdout.write(renderCostTable(table, language));
        return table.kind === "priced" ? 0 : 1;
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        return 1;
    }
}

process.exitCode = main(process.argv.slice(2));
