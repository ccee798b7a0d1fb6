import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderScript, scriptParameters, scriptsDir, shellQuote } from "../../lib/scripts";

describe("scripts", () => {
    it("quotes any value so that the shell reads it back unchanged", () => {
        for (const value of ["plain", "it's", "$(touch /tmp/pwned)", "a b\tc", "`id`", "\"double\"", "", "back\\slash", "line\nbreak"]) {
            assert.strictEqual(execFileSync("bash", ["-c", `printf %s ${shellQuote(value)}`], { encoding: "utf8" }), value);
        }
    });

    it("sets every declared parameter and runs as rendered", () => {
        const rendered = renderScript("wait-ready.sh", { EXPECTED_NODES: "control-plane worker-0", TIMEOUT_SECONDS: 5, MSG_NOT_READY: "it's {nodes}" });
        assert.match(rendered, /^#!\/usr\/bin\/env bash\n/);
        assert.deepStrictEqual(scriptParameters(rendered).sort(), ["EXPECTED_NODES", "MSG_NOT_READY", "TIMEOUT_SECONDS"]);
        // The rendered header alone satisfies the script's own `${NAME:?}` checks, values intact.
        const header = rendered.split("\n").filter((line) => /^[A-Z_]+=/.test(line)).join("\n");
        const out = execFileSync("bash", ["-c", `set -eu; ${header}\n: "\${EXPECTED_NODES:?}" "\${MSG_NOT_READY:?}"; echo "$EXPECTED_NODES|$MSG_NOT_READY"`], { encoding: "utf8" });
        assert.strictEqual(out, "control-plane worker-0|it's {nodes}\n");
    });

    it("refuses a missing or an unknown parameter", () => {
        const params = { EXPECTED_NODES: "a", TIMEOUT_SECONDS: 1, MSG_NOT_READY: "m" };
        assert.throws(() => renderScript("wait-ready.sh", { EXPECTED_NODES: "a", TIMEOUT_SECONDS: 1 }), /missing parameters \[MSG_NOT_READY\]/);
        assert.throws(() => renderScript("wait-ready.sh", { ...params, EXTRA: "y" }), /unknown parameters \[EXTRA\]/);
    });

    it("inlines the shared functions, so that a script stands alone", () => {
        const rendered = renderScript("join-token.sh", { NODE_NAME: "worker-0", INSTANCE_ID: "i-0abc", TOKEN: "abcdef.0123456789abcdef", TOKEN_TTL: "24h" });
        assert.doesNotMatch(rendered, /k8s-lab:include|BASH_SOURCE/);
        assert.match(rendered, /^KUBERNETES_DIR="\$\{KUBERNETES_DIR:-\/etc\/kubernetes\}"$/m);
        assert.strictEqual(rendered.match(/^#!/gm)?.length, 1, "one shebang");
    });

    it("keeps every script under scripts/ strict (common.sh and retry.sh are libraries they include)", () => {
        for (const file of fs.readdirSync(scriptsDir).filter((f) => f !== "common.sh" && f !== "retry.sh")) {
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
