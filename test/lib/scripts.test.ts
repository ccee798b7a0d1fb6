import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { catalogue, MessageKey, placeholders } from "../../lib/messages";
import { renderScript, scriptDefaults, scriptEnvironment, ScriptInput, scriptInputs, scriptMessageKeys, scriptParameters, scriptsDir, shellQuote } from "../../lib/scripts";

/** The parameter assignments a rendered script starts with (values may span lines). */
function header(rendered: string, name: string): string {
    const marker = "# Parameters rendered by the Pulumi program.\n";
    const body = fs.readFileSync(path.join(scriptsDir, name), "utf8").split("\n")[1];
    return rendered.slice(rendered.indexOf(marker) + marker.length, rendered.indexOf(`\n${body}\n`));
}

/** A function of common.sh, as its source text. */
function extractFunction(name: string): string {
    const source = fs.readFileSync(path.join(scriptsDir, "common.sh"), "utf8");
    const start = source.indexOf(`${name}() {`);
    return source.slice(start, source.indexOf("\n}\n", start) + 2);
}

describe("scripts", () => {
    it("quotes any value so that the shell reads it back unchanged", () => {
        for (const value of ["plain", "it's", "$(touch /tmp/pwned)", "a b\tc", "`id`", "\"double\"", "", "back\\slash", "line\nbreak"]) {
            assert.strictEqual(execFileSync("bash", ["-c", `printf %s ${shellQuote(value)}`], { encoding: "utf8" }), value);
        }
    });

    it("sets every declared parameter and runs as rendered", () => {
        const rendered = renderScript("calico.sh", { CRDS_MANIFEST: "it's", OPERATOR_MANIFEST: "o", INSTALLATION: "kind: {x}", NODE_NAME: "n", TIMEOUT_SECONDS: 1 }, "en");
        assert.match(rendered, /^#!\/usr\/bin\/env bash\n/);
        assert.deepStrictEqual(scriptParameters(rendered).sort(), ["CRDS_MANIFEST", "INSTALLATION", "MESSAGES", "NODE_NAME", "OPERATOR_MANIFEST", "TIMEOUT_SECONDS"]);
        // The rendered header alone satisfies the script's own `${NAME:?}` checks, values intact.
        const out = execFileSync("bash", ["-c", `set -eu; ${header(rendered, "calico.sh")}\n: "\${CRDS_MANIFEST:?}" "\${INSTALLATION:?}"; echo "$CRDS_MANIFEST|$INSTALLATION"`], { encoding: "utf8" });
        assert.strictEqual(out, "it's|kind: {x}\n");
    });

    it("refuses a missing or an unknown parameter, and a script that says messages without a language", () => {
        // The types refuse them first; a script edited without its entry in scriptInputs is refused when rendered.
        const params = { EXPECTED_NODES: "a", TIMEOUT_SECONDS: 1 };
        assert.throws(() => renderScript("wait-ready.sh", { EXPECTED_NODES: "a" } as ScriptInput<"wait-ready.sh">, "en"), /missing parameters \[TIMEOUT_SECONDS\], unknown parameters \[\]/);
        assert.throws(() => renderScript("wait-ready.sh", { ...params, EXTRA: "y" } as ScriptInput<"wait-ready.sh">, "en"), /missing parameters \[\], unknown parameters \[EXTRA\]/);
        assert.throws(() => renderScript("wait-ready.sh", params), /it says messages; give the language they are in/);
    });

    it("declares a typed input for every parameter of every script it runs, and none the script does not read", () => {
        const libraries = ["common.sh", "node-install.sh", "retry.sh", "say.sh"];
        assert.deepStrictEqual(Object.keys(scriptInputs).sort(), fs.readdirSync(scriptsDir).filter((f) => !libraries.includes(f)).sort());
        for (const [name, inputs] of Object.entries(scriptInputs)) {
            const source = fs.readFileSync(path.join(scriptsDir, name), "utf8");
            const kinds: [string, string][] = Object.entries(inputs);
            // Required: exactly the header's `: "${NAME:?}"` lines (MESSAGES, from common.sh, is filled by rendering).
            const required = kinds.filter(([, kind]) => !kind.endsWith("?")).map(([input]) => input);
            assert.deepStrictEqual(required, scriptParameters(source), name);
            // Optional: each one a setting the script defaults itself.
            const optional = kinds.filter(([, kind]) => kind.endsWith("?")).map(([input]) => input);
            assert.deepStrictEqual(optional.filter((input) => !scriptDefaults(source).includes(input)), [], name);
        }
        assert.deepStrictEqual(scriptDefaults(fs.readFileSync(path.join(scriptsDir, "bookinfo-traffic.sh"), "utf8")), ["WARMUP_PAGES", "WARMUP_SECONDS", "WARMUP_PAUSE"]);
    });

    it("gives a pod script its inputs as the environment, in the order given, defaults left to the script", () => {
        const required = { URL: "http://p/productpage", COUNT: 0, INTERVAL: 2, REQUEST_SECONDS: 10 };
        assert.deepStrictEqual(scriptEnvironment("bookinfo-traffic.sh", { ...required, WARMUP_PAUSE: 1 }), [
            { name: "URL", value: "http://p/productpage" },
            { name: "COUNT", value: "0" },
            { name: "INTERVAL", value: "2" },
            { name: "REQUEST_SECONDS", value: "10" },
            { name: "WARMUP_PAUSE", value: "1" },
        ]);
        const withoutUrl = { COUNT: 0, INTERVAL: 2, REQUEST_SECONDS: 10 } as ScriptInput<"bookinfo-traffic.sh">;
        assert.throws(() => scriptEnvironment("bookinfo-traffic.sh", withoutUrl), /^Error: scripts\/bookinfo-traffic.sh: missing parameters \[URL\], unknown parameters \[\]$/);
        assert.throws(() => scriptEnvironment("bookinfo-traffic.sh", { ...required, DEBUG: 1 } as ScriptInput<"bookinfo-traffic.sh">), /missing parameters \[\], unknown parameters \[DEBUG\]/);
    });

    it("gives a script the messages it says, in the stack's language, and nothing else", () => {
        const messages = (language: "en" | "ko") => {
            const assignments = header(renderScript("wait-ready.sh", { EXPECTED_NODES: "a", TIMEOUT_SECONDS: 1 }, language), "wait-ready.sh");
            return execFileSync("bash", ["-c", `${assignments}\nprintf %s "$MESSAGES"`], { encoding: "utf8" }).split("\n").sort();
        };
        const own = ["node.removedNode", "node.allReady", "bootstrap.notReady"];
        const shared = ["node.gaveUp", "node.cloudInitExit", "node.prepAgain", "bootstrap.prepFailed", "node.commandFailed"];
        for (const language of ["en", "ko"] as const) {
            assert.deepStrictEqual(messages(language), [...own, ...shared].map((key) => `${key}=${catalogue[language][key as MessageKey]}`).sort());
        }
        assert.deepStrictEqual(scriptMessageKeys(fs.readFileSync(path.join(scriptsDir, "wait-ready.sh"), "utf8")), own);
    });

    it("says only messages of the catalogue, each with exactly the parameters its template names", () => {
        for (const file of fs.readdirSync(scriptsDir)) {
            // A message inside another's value is checked on its own.
            const text = fs.readFileSync(path.join(scriptsDir, file), "utf8");
            const inner = [...text.matchAll(/\$\((message [^)]*)\)/g)].map((m) => m[1]);
            const source = [text.replace(/\$\(message [^)]*\)/g, "X"), ...inner].join("\n");
            for (const call of source.matchAll(/\b(?:say|message) ([a-z]+\.[A-Za-z]+)((?: [a-z]+=(?:"[^"]*"|\S+))*)/g)) {
                const key = call[1] as MessageKey;
                assert.ok(key in catalogue.en, `${file}: ${key} is not in lib/messages.ts`);
                const given = [...call[2].matchAll(/ ([a-z]+)=/g)].map((m) => m[1]).sort();
                assert.deepStrictEqual(given, [...new Set(placeholders(catalogue.en[key]))], `${file}: ${call[0]}`);
            }
        }
    });

    it("fills a message on the node, in either language, whatever its values hold", () => {
        const run = (language: "en" | "ko", node: string) => spawnSync("bash", ["-s"], {
            input: `${header(renderScript("wait-ready.sh", { EXPECTED_NODES: "a", TIMEOUT_SECONDS: 1 }, language), "wait-ready.sh")}\n${extractFunction("message")}\n${extractFunction("say")}\nsay node.removedNode node=${shellQuote(node)}\n`,
            encoding: "utf8",
        }).stderr;
        assert.strictEqual(run("en", "worker-2"), "k8s-lab: Deleting node worker-2, which the lab no longer has.\n");
        assert.strictEqual(run("ko", "worker-2"), "k8s-lab: 실습 환경에 더 이상 없는 worker-2 노드를 지웁니다.\n");
        // bash 5.2 reads & in a replacement as the match: a value is put in as it is.
        assert.strictEqual(run("en", "a&b {node} \\1"), "k8s-lab: Deleting node a&b {node} \\1, which the lab no longer has.\n");
    });

    it("inlines the shared functions, so that a script stands alone", () => {
        const rendered = renderScript("join-token.sh", { NODE_NAME: "worker-0", INSTANCE_ID: "i-0abc", TOKEN: "abcdef.0123456789abcdef", TOKEN_TTL: "1h" }, "en");
        assert.doesNotMatch(rendered, /k8s-lab:include|BASH_SOURCE/);
        assert.match(rendered, /^KUBERNETES_DIR="\$\{KUBERNETES_DIR:-\/etc\/kubernetes\}"$/m);
        assert.strictEqual(rendered.match(/^#!/gm)?.length, 1, "one shebang");
    });

    it("keeps every script under scripts/ strict (common.sh, node-install.sh, retry.sh and say.sh are libraries they include)", () => {
        for (const file of fs.readdirSync(scriptsDir).filter((f) => !["common.sh", "node-install.sh", "retry.sh", "say.sh"].includes(f))) {
            const source = fs.readFileSync(path.join(scriptsDir, file), "utf8");
            // bash on the nodes; POSIX sh in the curl image.
            if (source.startsWith("#!/bin/sh\n")) assert.match(source, /^set -eu$/m, file);
            else {
                assert.match(source, /^#!\/usr\/bin\/env bash\n/, file);
                assert.match(source, /^set -e?uo pipefail$/m, file); // diagnose.sh goes on past failures on purpose
            }
        }
    });
});
