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
        const rendered = renderScript("user-data.sh", { NODE_ROLE: "worker", LAB_NAME: "k8s-lab-dev" });
        assert.match(rendered, /^#!\/usr\/bin\/env bash\n/);
        const declared = scriptParameters(rendered);
        assert.deepStrictEqual(declared.sort(), ["LAB_NAME", "NODE_ROLE"]);
        // The rendered header alone must satisfy the script's own `${NAME:?}` checks.
        const header = rendered.split("\n").filter((line) => /^[A-Z_]+=/.test(line)).join("\n");
        const out = execFileSync("bash", ["-c", `set -eu; ${header}\n: "\${NODE_ROLE:?}" "\${LAB_NAME:?}"; echo "$NODE_ROLE $LAB_NAME"`], { encoding: "utf8" });
        assert.strictEqual(out, "worker k8s-lab-dev\n");
    });

    it("refuses a missing or an unknown parameter", () => {
        assert.throws(() => renderScript("user-data.sh", { NODE_ROLE: "worker" }), /missing parameters \[LAB_NAME\]/);
        assert.throws(() => renderScript("user-data.sh", { NODE_ROLE: "worker", LAB_NAME: "x", EXTRA: "y" }), /unknown parameters \[EXTRA\]/);
    });

    it("keeps every script under scripts/ executable and strict", () => {
        for (const file of fs.readdirSync(scriptsDir)) {
            const source = fs.readFileSync(path.join(scriptsDir, file), "utf8");
            assert.match(source, /^#!\/usr\/bin\/env bash\n/, file);
            assert.match(source, /^set -euo pipefail$/m, file);
        }
    });
});
