/**
 * The one place that takes secrets out of text before the CLI prints or writes it: kubeadm
 * bootstrap tokens, PEM blocks, the secret fields of kubeconfigs and Secrets, service-account
 * tokens (JWTs), AWS keys, Bearer and Basic credentials, and any value the caller knows to be
 * secret (the Grafana password, the SSH key, the kubeconfig).
 */

export const redacted = "[redacted]";

const rules: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
    // PEM blocks, whole or cut off (a key that runs to the end of the text).
    [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, "[redacted PEM block]"],
    // Fields whose value is a secret: `token: …`, `client-key-data: …`, `"password": "…"`,
    // `AWS_SECRET_ACCESS_KEY=…`, `grafanaAdminPassword: …`. A key must end in the secret word.
    [/(["']?)([A-Za-z0-9_.-]*?(?:token|password|passwd|secret|client-key-data|secret[-_]?access[-_]?key|private[-_]?key))\1(\s*[:=]\s*)(?!\[redacted)("[^"]*"|'[^']*'|[^\s"',;}]+)/gi,
        (_m, quote: string, key: string, sep: string, value: string) => `${quote}${key}${quote}${sep}${/^["']/.test(value) ? `${value[0]}${redacted}${value[0]}` : redacted}`],
    // HTTP credentials, and kubeadm's --token, --certificate-key and --password flags.
    [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${redacted}`],
    [/(--(?:token|certificate-key|password)(?:=|\s+))(?!\[redacted)\S+/g, `$1${redacted}`],
    // Shapes wherever they stand: base64 of a PEM block (kubeconfigs), kubeadm bootstrap tokens,
    // service-account tokens and other JWTs, AWS access key ids, and 40-character AWS secret keys
    // (mixed case and digits: not a hex digest).
    [/LS0tLS1CRUdJTi[A-Za-z0-9+/=]*/g, "[redacted PEM block]"],
    [/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, "[redacted bootstrap token]"],
    [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted JWT]"],
    [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, "[redacted AWS key id]"],
    [/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, (m: string) => (/[A-Z]/.test(m) && /[a-z]/.test(m) && /[0-9/+]/.test(m) ? "[redacted AWS secret key]" : m)],
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `text` with every secret shape, and every value of `known` (4 characters or more), replaced. */
export function redact(text: string, known: readonly string[] = []): string {
    let result = text;
    // Known values first, longest first.
    const values = [...new Set(known.filter((k) => k.trim().length >= 4).flatMap((k) => [k, JSON.stringify(k).slice(1, -1)]))].sort((a, b) => b.length - a.length);
    for (const value of values) result = result.replace(new RegExp(escape(value), "g"), redacted);
    for (const [pattern, replacement] of rules) result = result.replace(pattern, replacement as string);
    return result;
}

/** A JSON-like value with every string in it redacted (before JSON escapes hide a shape's edges). */
export function redactValue(value: unknown, known: readonly string[] = []): unknown {
    if (typeof value === "string") return redact(value, known);
    if (Array.isArray(value)) return value.map((v) => redactValue(v, known));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, known)]));
    return value;
}

/** Pulumi's and the terminal's colour codes. */
const colours = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m|<\\{%[a-z]+%\\}>`, "g");

/** One line for a report: the last non-empty line of `message` (where scripts say what failed), redacted, at most 300 characters. */
export function errorLine(message: string, known: readonly string[] = []): string {
    const lines = redact(message.replace(colours, ""), known).split("\n").map((l) => l.trim()).filter((l) => l !== "");
    const line = lines[lines.length - 1] ?? "";
    return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Escape sequences: CSI (7- and 8-bit), OSC (a title, a link) and the two-character ones. */
const escapes = new RegExp(`(?:${String.fromCharCode(27)}\\[|\\u009b)[0-?]*[ -/]*[@-~]?|${String.fromCharCode(27)}\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)?|${String.fromCharCode(27)}[@-_]?`, "g");
/** Every other C0 and C1 control character, CR, LF and tab included. */
const char = (code: number): string => String.fromCharCode(code);
const controlCharacters = new RegExp(`[${char(0)}-${char(0x1f)}${char(0x7f)}-${char(0x9f)}]`, "g");

/**
 * Text a server sent (a Prometheus target's or rule's lastError, Grafana's message, a query's
 * error) as one line for a report: no escape sequence or control character to move the terminal's
 * cursor or rewrite a line, redacted, at most 300 characters (errorLine).
 */
export function serverText(text: string, known: readonly string[] = []): string {
    return errorLine(text.replace(escapes, "").replace(controlCharacters, " ").replace(/ {2,}/g, " "), known);
}

/** The engine's own words in a command's output (its last `error: …`), else its last line; redacted. */
export function engineErrorLine(message: string, known: readonly string[] = []): string {
    const found = [...message.replace(colours, "").matchAll(/\berror: .*/g)].pop();
    return errorLine(found === undefined ? message : found[0], known);
}

/**
 * A stream of text (engine output, in chunks) emitted line by line, redacted. A PEM block that
 * spans lines is dropped from its BEGIN line to its END line. `end()` emits what is left.
 */
export function lineRedactor(emit: (line: string) => void, known: () => readonly string[] = () => []): { write(chunk: string): void; end(): void } {
    let pending = "";
    let inPem = false;
    const line = (text: string): void => {
        if (inPem) {
            if (/-----END [A-Z0-9 ]+-----/.test(text)) inPem = false;
            return;
        }
        const begin = /-----BEGIN [A-Z0-9 ]+-----/.exec(text);
        if (begin !== null && !/-----END [A-Z0-9 ]+-----/.test(text)) {
            inPem = true;
            emit(`${redact(text.slice(0, begin.index), known())}[redacted PEM block]`);
            return;
        }
        emit(redact(text, known()));
    };
    return {
        write(chunk: string): void {
            const lines = (pending + chunk).split("\n");
            pending = lines.pop() ?? "";
            lines.forEach(line);
        },
        end(): void {
            if (pending !== "") line(pending);
            pending = "";
        },
    };
}
