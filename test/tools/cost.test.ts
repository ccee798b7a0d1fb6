import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../tools/cost";
import { nodeArgs } from "../harness/build";
import { root } from "../harness/stackConfig";

type Run = { status: number | null; stdout: string; stderr: string };

/**
 * `npm run cost -- ARGS` in a Korean terminal, with `STACK` among the arguments standing for a
 * stack file of `config` written as YAML (as `pulumi config set` writes it): the tool's `main` in
 * this process, or with `subprocess`, the tool itself as the build runs it (exit code, output).
 */
function costRun(subprocess: boolean, config: Record<string, unknown> | undefined, args: string[]): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
    const stackFile = path.join(dir, "Pulumi.test.yaml");
    if (config !== undefined) {
        const lines = Object.entries(config).map(([key, value]) => `  ${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
        fs.writeFileSync(stackFile, ["config:", ...lines, ""].join("\n"));
    }
    const argv = args.map((arg) => (arg === "STACK" ? stackFile : arg));
    try {
        if (subprocess) {
            const run = spawnSync(process.execPath, [...nodeArgs("tools/cost.ts"), ...argv], {
                cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", LANG: "ko_KR.UTF-8", NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE },
            });
            return { status: run.status, stdout: run.stdout, stderr: run.stderr };
        }
        const printed = { stdout: "", stderr: "" };
        const status = main(argv, { out: (text) => void (printed.stdout += text), err: (text) => void (printed.stderr += text), env: { LANG: "ko_KR.UTF-8" } });
        return { status, ...printed };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const cost = (config: Record<string, unknown> | undefined, ...args: string[]): Run => costRun(false, config, args);
const costProcess = (config: Record<string, unknown> | undefined, ...args: string[]): Run => costRun(true, config, args);

/** The table's rows after the header, each `resource | price | workday | month`. */
const rows = (run: Run) => run.stdout.split("\n").filter((line) => line.startsWith("| ")).slice(2);

describe("npm run cost", () => {
    it("prints the default stack's table in the terminal's language, or the one asked for (as a process: its exit code and output)", () => {
        const ko = costProcess(undefined);
        assert.deepStrictEqual(cost(undefined), ko);
        assert.deepStrictEqual([ko.status, ko.stdout.split("\n")[0], ko.stderr], [0, "| 리소스 | 가격 | 근무일 하루 (11시간) | 한 달 (근무일 21.67일) |", ""]);
        const en = costProcess(undefined, "--language", "en");
        assert.deepStrictEqual(cost(undefined, "--language", "en"), en);
        assert.deepStrictEqual([en.status, en.stdout.split("\n")[0], en.stderr], [0, "| resource | price | a workday (11 h) | a month (21.67 workdays) |", ""]);
    });

    it("prints a stack file's own table, with or without --language and on either side of it (the README's example)", () => {
        const config = { "k8s-lab:workerCapacity": "onDemand", "k8s-lab:egress": "natGateway", "k8s-lab:workerCount": 3, "k8s-lab:language": "en" };
        const expected = [
            "| control-plane node, t3.large, on-demand | $0.104/h | $1.14 | $24.70 |",
            "| workers, 3 × t3.medium, on-demand | 3 × $0.052/h | $1.72 | $37.27 |",
            "| NAT gateway | $0.059/h | $0.65 | $14.09 |",
            "| NAT gateway data processing, about 7.5 GB of packages and images | $0.059/GB | $0.44 | $9.53 |",
            "| 2 public IPv4 addresses (control-plane node, NAT gateway) | 2 × $0.005/h | $0.11 | $2.38 |",
            "| encrypted gp3 root volumes, 4 × 30 GB = 120 GB | $0.0912/GB-month | $0.16 | $3.47 |",
            "| **total** | | **$4.22** | **$91.44** |",
        ];
        const alone = cost(config, "STACK");
        assert.deepStrictEqual([alone.status, rows(alone), alone.stderr], [0, expected, ""]);
        assert.deepStrictEqual(cost(config, "STACK", "--language", "en"), alone);
        assert.deepStrictEqual(cost(config, "--language", "en", "STACK"), alone);
        // The stack file's language, or the flag over it.
        assert.strictEqual(rows(cost(config, "--language", "ko", "STACK"))[0], "| 컨트롤 플레인 노드, t3.large, 온디맨드 | $0.104/h | $1.14 | $24.70 |");
    });

    it("says so and fails for a region without prices, or one sentence for a bad config value", () => {
        assert.deepStrictEqual(cost({ "k8s-lab:region": "us-east-1" }, "--language", "en", "STACK"), {
            status: 1,
            stdout: "lib/prices.ts has no prices for region us-east-1 (it has ap-northeast-2), so there is no cost table rather than a guess.\n",
            stderr: "",
        });
        assert.deepStrictEqual(cost({ "k8s-lab:workerCount": 0 }, "--language", "en", "STACK"), {
            status: 1,
            stdout: "",
            stderr: "Config key k8s-lab:workerCount has the value \"0\", which is not allowed: use a whole number from 1 to 10.\n",
        });
    });

    it("refuses a missing stack file (as a process too), an unknown flag, a second file or a bad --language in one sentence, and prints its usage on --help", () => {
        // As a process: exit code 2 and the one sentence, no stack trace; the same in this process.
        const missing = costProcess(undefined, "nosuch.yaml");
        assert.deepStrictEqual(cost(undefined, "nosuch.yaml"), missing);
        assert.deepStrictEqual(missing, {
            status: 2,
            stdout: "",
            stderr: "스택 파일 nosuch.yaml 경로에 파일이 없습니다: Pulumi.dev.yaml 같은 Pulumi.STACK.yaml 파일의 경로를 주거나, 기본 스택이면 아무것도 주지 마세요.\n",
        });
        assert.deepStrictEqual(cost(undefined, "--language", "en", "nosuch.yaml"), {
            status: 2,
            stdout: "",
            stderr: "There is no stack file nosuch.yaml: give the path of a Pulumi.STACK.yaml file, such as Pulumi.dev.yaml, or none for the default stack.\n",
        });
        assert.deepStrictEqual(cost(undefined, "--stack", "dev"), {
            status: 2,
            stdout: "",
            stderr: "npm run cost는 인수 \"--stack\" 값을 받지 않습니다: 스택 파일은 하나까지, 언어는 --language en 또는 ko로 지정하세요(npm run cost -- --help).\n",
        });
        assert.deepStrictEqual(cost({}, "STACK", "Pulumi.other.yaml").status, 2);
        assert.deepStrictEqual(cost(undefined, "--language", "xx"), {
            status: 2,
            stdout: "",
            stderr: "npm run cost의 --language 플래그에 지정한 \"xx\" 값은 허용되지 않습니다: en 또는 ko를 사용하세요.\n",
        });
        assert.deepStrictEqual(cost(undefined, "--language"), { ...cost(undefined, "--language", "xx"), stderr: "npm run cost의 --language 플래그에 지정한 \"\" 값은 허용되지 않습니다: en 또는 ko를 사용하세요.\n" });
        assert.deepStrictEqual(cost(undefined, "--help", "--language", "en"), {
            status: 0,
            stdout: "Usage: npm run cost -- [--language en|ko] [Pulumi.STACK.yaml] (the cost table of the stack file, or of the default stack without one).\n",
            stderr: "",
        });
    });
});
