/**
 * Scripts that run on the nodes are real files under scripts/, linted by shellcheck.
 * A script declares each parameter it needs as `: "${NAME:?}"`; rendering puts the values
 * right after the shebang, single-quoted, and refuses a missing or unknown parameter. A line
 * `. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include` is replaced by that file (and
 * its own includes), so that the rendered script stands alone (it runs from user data or from
 * SSH's stdin).
 */
import * as fs from "fs";
import * as path from "path";
import { catalogue, Language, MessageKey } from "./messages";

export const scriptsDir = path.join(__dirname, "..", "scripts");

/** The parameters a script declares with `: "${NAME:?...}"`. */
export function scriptParameters(source: string): string[] {
    return [...source.matchAll(/^: "\$\{([A-Z][A-Z0-9_]*):\?/gm)].map((m) => m[1]);
}

/** Quotes a value for a POSIX shell: single quotes, each embedded quote closed and escaped. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A script's text with LF line endings whatever the checkout did: a CR would change every input and break bash. */
const readScript = (name: string): string => fs.readFileSync(path.join(scriptsDir, name), "utf8").replace(/\r\n/g, "\n");

const includeLine = /^\. "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([\w.-]+)" # k8s-lab:include$/;

function inlineIncludes(source: string): string {
    return source
        .split("\n")
        .map((line) => {
            const include = includeLine.exec(line);
            if (include === null) return line;
            const library = readScript(include[1]).replace(/^#!.*\n/, "");
            return inlineIncludes(library).replace(/\n$/, "");
        })
        .join("\n");
}

/** The catalogue keys a script says (`say key …` or `message key …`), in order of first use. */
export function scriptMessageKeys(source: string): string[] {
    return [...new Set([...source.matchAll(/\b(?:say|message) ([a-z]+\.[A-Za-z]+)\b/g)].map((m) => m[1]))];
}

/**
 * Renders scripts/<name> with its parameters set and its includes inlined. A script that says
 * messages (common.sh declares MESSAGES) gets them in `language`, the stack's language on the
 * nodes: only the templates it uses, one `key=template` line each, filled on the node.
 */
export function renderScript(name: string, params: Readonly<Record<string, string | number>>, language?: Language): string {
    const source = inlineIncludes(readScript(name));
    const declared = scriptParameters(source);
    const all: Record<string, string | number> = { ...params };
    if (declared.includes("MESSAGES")) {
        if (language === undefined) throw new Error(`scripts/${name}: it says messages; give the language they are in`);
        all.MESSAGES = scriptMessageKeys(source)
            .map((key) => {
                if (!(key in catalogue.en)) throw new Error(`scripts/${name}: no message ${key} in lib/messages.ts`);
                return `${key}=${catalogue[language][key as MessageKey]}`;
            })
            .join("\n");
    }
    const missing = declared.filter((p) => !(p in all));
    const unknown = Object.keys(all).filter((p) => !declared.includes(p));
    if (missing.length > 0 || unknown.length > 0) {
        throw new Error(`scripts/${name}: missing parameters [${missing.join(", ")}], unknown parameters [${unknown.join(", ")}]`);
    }
    const [shebang, ...rest] = source.split("\n");
    const assignments = declared.map((p) => `${p}=${shellQuote(String(all[p]))}`);
    return [shebang, "# Parameters rendered by the Pulumi program.", ...assignments, ...rest].join("\n");
}
