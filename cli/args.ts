/**
 * The command line, parsed by Node's util.parseArgs: each command's options and arguments, and
 * the help. Unknown options, missing values and extra arguments are usage errors (one sentence,
 * exit 2); `-h` and `--help` are help wherever they stand, never an argument.
 */
import { parseArgs, ParseArgsConfig } from "util";
import type { MessageKey } from "../lib/messages";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec {
    /** The help's catalogue key. */
    help: MessageKey;
    options: Options;
    /** How many arguments it takes at most. */
    maxArgs: number;
    /** Whether it prints one JSON document with --json. */
    json: boolean;
}

const common: Options = { help: { type: "boolean", short: "h" }, stack: { type: "string", short: "s" } };
const json: Options = { json: { type: "boolean" } };

export const commands: Record<string, CommandSpec> = {
    up: { help: "help.up", options: { ...json, "policy-pack": { type: "string" }, retry: { type: "string" } }, maxArgs: 0, json: true },
    verify: { help: "help.verify", options: { ...json, retry: { type: "string" } }, maxArgs: 0, json: true },
    status: { help: "help.status", options: json, maxArgs: 0, json: true },
    urls: { help: "help.urls", options: json, maxArgs: 0, json: true },
    ssh: { help: "help.ssh", options: {}, maxArgs: 1, json: false },
    kubeconfig: { help: "help.kubeconfig", options: json, maxArgs: 1, json: true },
    "port-forward": { help: "help.portForward", options: json, maxArgs: 1, json: true },
    diagnose: { help: "help.diagnose", options: json, maxArgs: 1, json: true },
    sweep: { help: "help.sweep", options: { ...json, delete: { type: "boolean" } }, maxArgs: 0, json: true },
    destroy: { help: "help.destroy", options: json, maxArgs: 0, json: true },
    env: { help: "help.env", options: json, maxArgs: 0, json: true },
    timings: { help: "help.timings", options: json, maxArgs: 0, json: true },
    version: { help: "help.version", options: json, maxArgs: 0, json: true },
};

export type Parsed =
    | { kind: "help"; command?: string }
    | { kind: "run"; command: string; values: Record<string, string | boolean | undefined>; args: string[] }
    | { kind: "usage"; key: "cli.unknownCommand" | "cli.unknownOption" | "cli.extraArgument" | "cli.optionValue" | "cli.optionNoValue" | "cli.noJson"; params: Record<string, string>; json: boolean };

/** The options every command takes, also before the command (`k8s-lab -s lab up`); --stack and -s take a value. */
const leading = (argv: string[]): number => {
    let i = 0;
    while (i < argv.length && argv[i].startsWith("-") && !["--help", "-h", "--version", "-V"].includes(argv[i])) i += argv[i] === "--stack" || argv[i] === "-s" ? 2 : 1;
    return i;
};

export function parse(argv: string[]): Parsed {
    const at = Math.min(leading(argv), argv.length);
    const [first, ...after] = argv.slice(at);
    const rest = [...argv.slice(0, at), ...after];
    const wantsJson = argv.includes("--json");
    if (first === "--version" || first === "-V") return parse(["version", ...rest]);
    if (first === undefined || first === "--help" || first === "-h") return { kind: "help" };
    if (first === "help") {
        if (rest.length === 0) return { kind: "help" };
        if (rest.length === 1 && commands[rest[0]] !== undefined) return { kind: "help", command: rest[0] };
        return { kind: "usage", key: "cli.unknownCommand", params: { command: rest.join(" ") }, json: wantsJson };
    }
    const spec = commands[first];
    if (spec === undefined) return { kind: "usage", key: "cli.unknownCommand", params: { command: first }, json: wantsJson };
    // Help wins wherever it stands: `up -h` never runs anything.
    if (rest.includes("--help") || rest.includes("-h")) return { kind: "help", command: first };
    if (!spec.json && rest.includes("--json")) return { kind: "usage", key: "cli.noJson", params: { command: first }, json: true };
    try {
        const { values, positionals } = parseArgs({ args: rest, options: { ...common, ...spec.options }, allowPositionals: true, strict: true });
        if (positionals.length > spec.maxArgs) return { kind: "usage", key: "cli.extraArgument", params: { command: first, argument: positionals[spec.maxArgs] }, json: wantsJson };
        const dashed = positionals.find((p) => p.startsWith("-"));
        if (dashed !== undefined) return { kind: "usage", key: "cli.unknownOption", params: { command: first, option: dashed }, json: wantsJson };
        return { kind: "run", command: first, values: { ...values } as Record<string, string | boolean | undefined>, args: positionals };
    } catch (err) {
        const code = (err as { code?: string }).code;
        const text = (err as Error).message;
        // "Option '-s, --stack <value>' argument missing", "Option '--json' does not take an argument": the long name.
        const named = /'([^']+)'/.exec(text)?.[1] ?? text;
        const option = /--[\w-]+/.exec(named)?.[0] ?? named.split(/[\s,]/)[0];
        if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return { kind: "usage", key: /does not take/.test(text) ? "cli.optionNoValue" : "cli.optionValue", params: { command: first, option }, json: wantsJson };
        return { kind: "usage", key: "cli.unknownOption", params: { command: first, option }, json: wantsJson };
    }
}
