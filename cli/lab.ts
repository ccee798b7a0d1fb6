#!/usr/bin/env node
/**
 * The operator's command line, `k8s-lab <command>` (the package's bin, compiled to
 * dist/cli/lab.js by `npm run build`). It parses its arguments before loading anything heavy:
 * help, usage errors and the exit-code table need neither the Automation API nor the AWS SDK.
 * Each command is one module in commands/, loaded when it runs. Exit codes (types.ts, README):
 * 0 done, 1 unhealthy, 2 usage, 3 prerequisite missing, 4 remote failure, 5 cloud failure,
 * 6 internal error. Nothing prints a stack trace; everything printed goes through `redact`.
 */
import { catalogue, Language, translator } from "../lib/messages";
import { redact } from "../lib/redact";
import { commands, parse } from "./args";
import { cliLanguage, Context } from "./context";
import { CliError, Deps, exitCodes } from "./types";

export { exitCodes } from "./types";

type Command = { run(ctx: Context): Promise<number> };

/** Each command's module, loaded only when it runs. */
const modules: Record<string, () => Command> = {
    /* eslint-disable @typescript-eslint/no-require-imports */
    up: () => require("./commands/up") as Command,
    verify: () => require("./commands/verify") as Command,
    status: () => require("./commands/status") as Command,
    urls: () => require("./commands/urls") as Command,
    ssh: () => require("./commands/ssh") as Command,
    kubeconfig: () => require("./commands/kubeconfig") as Command,
    "port-forward": () => require("./commands/portForward") as Command,
    diagnose: () => require("./commands/diagnose") as Command,
    sweep: () => require("./commands/sweep") as Command,
    destroy: () => require("./commands/destroy") as Command,
    env: () => require("./commands/env") as Command,
    timings: () => require("./commands/timings") as Command,
    version: () => require("./commands/version") as Command,
    /* eslint-enable @typescript-eslint/no-require-imports */
};

/** Runs one command line; `deps` is the connections, or what makes them for a stack. */
export async function main(argv: string[], deps: Deps | ((stack: string | undefined) => Deps)): Promise<number> {
    const parsed = parse(argv);
    const stack = parsed.kind === "run" && typeof parsed.values.stack === "string" ? parsed.values.stack : undefined;
    const d = typeof deps === "function" ? deps(stack) : deps;
    const language: Language = cliLanguage(d);
    const t = translator(language);
    if (parsed.kind === "help") {
        d.out(catalogue[language][parsed.command === undefined ? "help.main" : commands[parsed.command].help]);
        return exitCodes.ok;
    }
    if (parsed.kind === "usage") {
        const sentence = parsed.key === "cli.unknownCommand" ? `${t("cli.unknownCommand", { command: parsed.params.command })} ${t("cli.usage")}` : (t as (key: string, params: Record<string, string>) => string)(parsed.key, parsed.params);
        d.err(sentence);
        if (parsed.json) d.out(JSON.stringify({ ok: false, exitCode: exitCodes.usage, error: sentence }, null, 2));
        return exitCodes.usage;
    }
    const json = parsed.values.json === true;
    const ctx = new Context(d, language, json, parsed.values, parsed.args);
    try {
        return await modules[parsed.command]().run(ctx);
    } catch (err) {
        const failure = err instanceof CliError ? err : new CliError(exitCodes.internal, t("cli.internal", { reason: redact(err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err), ctx.secrets) }));
        ctx.err(failure.message);
        if (json) ctx.out(JSON.stringify({ ok: false, exitCode: failure.code, error: redact(failure.message, ctx.secrets) }, null, 2));
        return failure.code;
    }
}

if (require.main === module) {
    const internal = (err: unknown): void => {
        process.stderr.write(`${translator("en")("cli.internal", { reason: redact(err instanceof Error ? err.message.split("\n")[0] : String(err)) })}\n`);
        process.exit(exitCodes.internal);
    };
    process.on("uncaughtException", internal);
    process.on("unhandledRejection", internal);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { realDeps } = require("./deps") as typeof import("./deps");
    main(process.argv.slice(2), (stack) => realDeps(process.env, stack)).then((code) => process.exit(code), internal);
}
