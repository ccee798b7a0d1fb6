import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectFile, root } from "./harness/stackConfig";

/** `| \`key\` | type | \`default\` | meaning |` rows of a README's configuration table. */
function configRows(file: string): Map<string, string> {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    return new Map([...text.matchAll(/^\| `(\w+)` \| [^|]+ \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]));
}

describe("READMEs", () => {
    for (const file of ["README.md", "README.ko.md"]) {
        it(`${file} documents every config key with its default from Pulumi.yaml`, () => {
            const rows = configRows(file);
            const declared = projectFile().config;
            assert.deepStrictEqual([...rows.keys()].sort(), Object.keys(declared).sort());
            for (const [key, { default: value }] of Object.entries(declared)) {
                const expected = typeof value === "string" ? (value === "" ? '""' : value) : JSON.stringify(value);
                assert.strictEqual(rows.get(key), expected, `${file}: default of ${key}`);
            }
        });

        it(`${file} gives the test command that CI runs`, () => {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
            assert.match(text, /npm ci && npm test/);
            assert.match(ci, /^npm ci\b/m);
            assert.match(ci, /^npm test$/m);
        });
    }
});
