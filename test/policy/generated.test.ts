import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { allowedInstanceTypes } from "../../lib/allowList";
import { labTagKeys } from "../../lib/tags";
import { catalogue, languageFromEnv, terminalLanguage } from "../../lib/messages";
import { generatedFiles } from "../../policy/generate";
import * as allowList from "../../policy/allowList";
import * as generated from "../../policy/messages";
import * as tags from "../../policy/tags";
import * as publicPorts from "../../policy/publicPorts";
import * as rules from "../../policy/rules";
import { root } from "../harness/stackConfig";

describe("the policy pack's generated modules", () => {
    it("are what policy/generate.ts writes from the program's catalogue and allow-list (run it after changing either)", () => {
        const files = generatedFiles();
        assert.deepStrictEqual(Object.keys(files), ["policy/messages.ts", "policy/allowList.ts", "policy/tags.ts", "policy/publicPorts.ts"]);
        for (const [file, text] of Object.entries(files)) assert.strictEqual(fs.readFileSync(path.join(root, file), "utf8"), text, file);
    });

    it("carry every policy message of the catalogue, in both languages, and the same allow-list", () => {
        for (const language of ["en", "ko"] as const) {
            const policyEntries = Object.entries(catalogue[language]).filter(([key]) => key.startsWith("policy."));
            assert.deepStrictEqual(Object.entries(generated.policyCatalogue[language]), policyEntries);
        }
        assert.deepStrictEqual(allowList.allowedInstanceTypes, allowedInstanceTypes);
        assert.deepStrictEqual(tags.labTagKeys, labTagKeys);
    });

    it("allow by default the public ports of the lab's endpoints at Pulumi.yaml's defaults, and follow a changed default", () => {
        assert.deepStrictEqual(publicPorts.defaultPublicPorts, [30080, 30300]);
        assert.deepStrictEqual(rules.defaults.allowedPorts, [30080, 30300]);
        const project = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
        const moved = generatedFiles(project.replace(/(grafanaPort:\n(?: {4}.*\n)*? {4}default: )30300/, "$131300"))["policy/publicPorts.ts"];
        assert.match(moved, /^export const defaultPublicPorts: readonly number\[\] = \[30080, 31300\];$/m);
    });

    it("read the operator's language as the CLI does", () => {
        const envs = [{}, { LANG: "ko_KR.UTF-8" }, { LANG: "C.UTF-8", LC_ALL: "ko_KR.UTF-8" }, { LC_MESSAGES: "POSIX", LANG: "ko" }, { LANG: "en_US.UTF-8" }];
        assert.deepStrictEqual(envs.map((env) => generated.languageFromEnv(env)), envs.map((env) => languageFromEnv(env)));
        for (const setting of [undefined, "auto", "ko", "en"]) {
            assert.deepStrictEqual(envs.map((env) => generated.terminalLanguage(setting, env)), envs.map((env) => terminalLanguage(setting, env)));
        }
    });
});
