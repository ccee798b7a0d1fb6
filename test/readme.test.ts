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

describe("docs", () => {
    const files = ["README.md", "README.ko.md", "docs/operations.md", "docs/operations.ko.md", "docs/troubleshooting.md", "docs/troubleshooting.ko.md"];
    for (const file of files) {
        it(`${file} links only to files that exist`, () => {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const links = [...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^https?:/.test(href));
            for (const href of links) assert.ok(fs.existsSync(path.join(root, path.dirname(file), href)), `${file} -> ${href}`);
        });
    }

    it("each troubleshooting guide covers the field reports' four failures and the ss misread", () => {
        for (const file of ["docs/troubleshooting.md", "docs/troubleshooting.ko.md"]) {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            for (const needle of ["NodePort", "tcpdump -ni ens5 udp port 4789", "api/datasources/uid/prometheus/health", "CrashLoopBackOff", "ss -tlnp", "1.24"]) {
                assert.ok(text.includes(needle), `${file}: ${needle}`);
            }
        }
    });
});
