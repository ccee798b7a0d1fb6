import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { root } from "../harness/stackConfig";

/** `npm run cost -- ARGS` with a stack file of `config` (none when undefined), as a subprocess. */
function cost(config: Record<string, unknown> | undefined, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
    const stackFile = path.join(dir, "Pulumi.test.yaml");
    if (config !== undefined) fs.writeFileSync(stackFile, JSON.stringify({ config }));
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "tools", "cost.ts"), ...args, ...(config === undefined ? [] : [stackFile])], {
        cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", LANG: "ko_KR.UTF-8" },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("npm run cost", () => {
    it("prints the default stack's table in the terminal's language, or the one asked for", () => {
        const ko = cost(undefined);
        assert.deepStrictEqual([ko.status, ko.stdout.split("\n")[0], ko.stderr], [0, "| 리소스 | 가격 | 근무일 하루 (11시간) | 한 달 (근무일 21.7일) |", ""]);
        const en = cost({ "k8s-lab:workerCount": 3 }, "--language", "en");
        assert.deepStrictEqual([en.status, en.stdout.split("\n")[3], en.stderr], [0, "| workers, 3 × t3.medium, spot | 3 × $0.0182/h | $0.60 | $13.01 |", ""]);
    });

    it("says so and fails for a region without prices, or one sentence for a bad config value", () => {
        assert.deepStrictEqual(cost({ "k8s-lab:region": "eu-west-1" }, "--language", "en"), {
            status: 1,
            stdout: "lib/prices.ts has no prices for region eu-west-1 (it has ap-northeast-2), so there is no cost table rather than a guess.\n",
            stderr: "",
        });
        assert.deepStrictEqual(cost({ "k8s-lab:workerCount": 0 }, "--language", "en"), {
            status: 1,
            stdout: "",
            stderr: "Config key k8s-lab:workerCount has the value \"0\", which is not allowed: use a whole number from 1 to 10.\n",
        });
    });
});
