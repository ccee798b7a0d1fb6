/**
 * `npm run cost [-- [--language en|ko] [Pulumi.STACK.yaml]]`: the cost table of a stack, from
 * Pulumi.yaml's defaults and the given stack file's values, the daily workflow's schedule and
 * lib/prices.ts. Without a stack file: the default stack, as the READMEs show it.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, parseConfig } from "../lib/config";
import { costTable, renderCostTable, scheduleFromWorkflow } from "../lib/cost";
import { Language, terminalLanguage, translator } from "../lib/messages";

const root = path.join(__dirname, "..");

/** What the command line asks for, or the one sentence saying what is wrong with it. */
type Args = { help: boolean; language?: string; stackFile?: string } | { error: "cost.unknownArgument" | "cost.badLanguage"; value: string };

function parseArgs(argv: readonly string[]): Args {
    const args: { help: boolean; language?: string; stackFile?: string } = { help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") args.help = true;
        else if (arg === "--language") {
            const value = argv[++i] ?? "";
            if (value !== "en" && value !== "ko") return { error: "cost.badLanguage", value };
            args.language = value;
        } else if (arg.startsWith("-") || args.stackFile !== undefined) return { error: "cost.unknownArgument", value: arg };
        else args.stackFile = arg;
    }
    return args;
}

/** The raw config the CLI would hand the program: the declared defaults, then the stack file's values. */
function rawConfig(stackFile: string | undefined): { project: string; get: (key: string) => string | undefined } {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { default?: unknown }> };
    const stack = stackFile === undefined ? {} : ((YAML.parse(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {});
    const values = new Map<string, unknown>(Object.entries(project.config).map(([key, d]) => [key, d.default]));
    for (const [key, value] of Object.entries(stack)) values.set(key.replace(`${project.name}:`, ""), value);
    const raw = (value: unknown) => (value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value));
    return { project: project.name, get: (key) => raw(values.get(key)) };
}

/** Where the tool prints, and the environment its terminal language comes from: the process's own when run. */
export interface Terminal {
    out(text: string): void;
    err(text: string): void;
    env: Readonly<Record<string, string | undefined>>;
}

const processTerminal: Terminal = { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text), env: process.env };

/** Prints the cost table, or what is wrong; returns the exit code. */
export function main(argv: readonly string[], terminal: Terminal = processTerminal): number {
    const { env } = terminal;
    const args = parseArgs(argv);
    if ("error" in args) {
        terminal.err(`${translator(terminalLanguage(undefined, env))(args.error, { value: JSON.stringify(args.value) })}\n`);
        return 2;
    }
    if (args.help) {
        terminal.out(`${translator(terminalLanguage(args.language, env))("cost.usage")}\n`);
        return 0;
    }
    if (args.stackFile !== undefined && !fs.existsSync(args.stackFile)) {
        terminal.err(`${translator(terminalLanguage(args.language, env))("cost.noStackFile", { file: args.stackFile })}\n`);
        return 2;
    }
    const { project, get: stackGet } = rawConfig(args.stackFile);
    // --language stands for the stack's setting, for the table and any config error alike.
    const get = (key: string) => (key === "language" && args.language !== undefined ? args.language : stackGet(key));
    const language: Language = terminalLanguage(get("language"), env);
    try {
        const config = parseConfig(get, project, env);
        const schedule = scheduleFromWorkflow(fs.readFileSync(path.join(root, ".github", "workflows", "daily.yml"), "utf8"));
        const table = costTable(config, schedule, language);
        terminal.out(renderCostTable(table, language));
        return table.kind === "priced" ? 0 : 1;
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        terminal.err(`${error.message}\n`);
        return 1;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
