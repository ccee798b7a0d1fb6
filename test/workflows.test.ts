import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { deployPolicy, sessionSeconds } from "../ci-stack/policy";
import { runProgram, types } from "./harness";
import { Sandbox } from "./harness/shell";
import { root } from "./harness/stackConfig";

type Step = { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string>; "timeout-minutes"?: number };
type Job = { if?: string; needs?: string; environment?: string; "timeout-minutes"?: number; "runs-on": string; steps: Step[]; permissions?: Record<string, string>; env?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; concurrency?: { group: string; "cancel-in-progress": boolean }; env?: Record<string, string>; jobs: Record<string, Job> };
const files = ["daily.yml", "pull-request.yml"];
const text = (name: string) => fs.readFileSync(path.join(root, ".github", "workflows", name), "utf8");
const workflow = (name: string) => YAML.parse(text(name)) as Workflow;

/** KST is UTC+9: a cron's hour and weekdays in Korea. */
function kst(cron: string): { hour: number; days: number[] } {
    const [minute, hour, , , days] = cron.split(" ");
    assert.strictEqual(minute, "0");
    const [from, to] = days.split("-").map(Number);
    const shift = Number(hour) + 9 >= 24 ? 1 : 0;
    return { hour: (Number(hour) + 9) % 24, days: Array.from({ length: to - from + 1 }, (_, i) => (from + i + shift) % 7) };
}

/**
 * GitHub's expression language, as far as the job conditions use it: contexts, string
 * literals, ==, !=, !, &&, ||, parentheses and always(); a missing value is null, and null ==
 * '' is false, as on GitHub.
 */
function evaluate(expression: string, contexts: Record<string, string | undefined>): boolean {
    const tokens = expression.match(/'[^']*'|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*|==|!=|&&|\|\||[()!]/g) ?? [];
    let i = 0;
    type Value = string | boolean | null;
    const truthy = (v: Value) => v !== null && v !== false && v !== "";
    const primary = (): Value => {
        const token = tokens[i++];
        if (token === "(") {
            const value = or();
            assert.strictEqual(tokens[i++], ")");
            return value;
        }
        if (token === "!") return !truthy(primary());
        if (token === "always()") return true;
        if (token.startsWith("'")) return token.slice(1, -1);
        if (!(token in contexts)) throw new Error(`the test's evaluator has no value for ${token}`);
        return contexts[token] ?? null;
    };
    const comparison = (): Value => {
        const left = primary();
        if (tokens[i] === "==" || tokens[i] === "!=") {
            const operator = tokens[i++];
            const right = primary();
            return operator === "==" ? left === right : left !== right;
        }
        return left;
    };
    const and = (): Value => {
        let value = comparison();
        while (tokens[i] === "&&") {
            i++;
            const right = comparison();
            value = truthy(value) ? right : value;
        }
        return value;
    };
    const or = (): Value => {
        let value = and();
        while (tokens[i] === "||") {
            i++;
            const right = and();
            value = truthy(value) ? value : right;
        }
        return value;
    };
    const value = or();
    assert.strictEqual(i, tokens.length, `unparsed: ${tokens.slice(i).join(" ")}`);
    return truthy(value);
}

/** A fake Pulumi state: what `pulumi stack export` prints. */
const stateExport = (resources: { urn: string; type: string; outputs?: Record<string, unknown> }[]) => JSON.stringify({ version: 3, deployment: { resources } });
const jqAvailable = spawnSync("jq", ["--version"]).status === 0;

/** A fake `aws` for S3 as a folder: `aws s3 cp` between a file (or - for stdout) and s3://…, 404 when absent. */
const s3Folder = (bucket: string) => `[ "$1 $2" = "s3 cp" ] || exit 2
to_path() { printf '%s/%s' "${bucket}" "\${1#s3://}"; }
if [[ "$3" == s3://* ]]; then
  f="$(to_path "$3")"; [ -f "$f" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation" >&2; exit 1; }
  if [ "$4" = - ]; then cat "$f"; else cat "$f" > "$4"; fi
else
  f="$(to_path "$4")"; mkdir -p "$(dirname "$f")"; cat "$3" > "$f"
fi`;

describe("GitHub workflows", () => {
    const daily = workflow("daily.yml");
    const pr = workflow("pull-request.yml");
    const crons = (daily.on.schedule as { cron: string }[]).map((s) => s.cron);

    it("bring the lab up at 08:00 and destroy it at 19:00 Korea time, Monday to Friday", () => {
        assert.deepStrictEqual(kst(crons[0]), { hour: 8, days: [1, 2, 3, 4, 5] });
        assert.deepStrictEqual(kst(crons[1]), { hour: 19, days: [1, 2, 3, 4, 5] });
        assert.deepStrictEqual(daily.concurrency, { group: "k8s-lab-dev", "cancel-in-progress": false });
    });

    it("run up, destroy and keep-up as the docs say: the evening honours KEEP_UP_TONIGHT, a destroy by hand always destroys", () => {
        const jobs = ["up", "destroy", "kept-up"] as const;
        const runs = (event: string, schedule: string | undefined, action: string | undefined, keepUp: string | undefined) =>
            jobs.filter((job) => evaluate(daily.jobs[job].if ?? "true", {
                "github.event_name": event, "github.event.schedule": schedule, "inputs.action": action, "vars.KEEP_UP_TONIGHT": keepUp,
            }));
        assert.deepStrictEqual(
            [
                runs("schedule", crons[0], undefined, undefined),
                runs("schedule", crons[0], undefined, "true"),
                runs("schedule", crons[1], undefined, undefined),
                runs("schedule", crons[1], undefined, "false"),
                runs("schedule", crons[1], undefined, "true"),
                runs("workflow_dispatch", undefined, "up", undefined),
                runs("workflow_dispatch", undefined, "up", "true"),
                runs("workflow_dispatch", undefined, "destroy", undefined),
                runs("workflow_dispatch", undefined, "destroy", "true"),
            ],
            [["up"], ["up"], ["destroy"], ["destroy"], ["kept-up"], ["up"], ["up"], ["destroy"], ["destroy"]],
        );
        assert.deepStrictEqual(Object.keys((daily.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs), ["action"]);
    });

    it("pin every action by commit, with its release in a comment, and the Pulumi CLI to the SDK's version", () => {
        const pins = new Map<string, string>();
        for (const file of files) {
            const lines = text(file).split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
            assert.ok(lines.length >= 5, file);
            for (const line of lines) {
                const match = /^\s*(?:- )?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) {2}# v\d+\.\d+\.\d+$/.exec(line);
                assert.ok(match, `${file}: ${line.trim()}`);
                assert.strictEqual(pins.get(match[1]) ?? match[2], match[2], `${match[1]} pinned to two commits`);
                pins.set(match[1], match[2]);
            }
        }
        assert.deepStrictEqual([...pins.keys()].sort(), ["actions/checkout", "actions/setup-node", "actions/upload-artifact", "aws-actions/configure-aws-credentials", "pulumi/actions"]);
        const sdk = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
        const pulumiSteps = files.flatMap((f) => Object.values(workflow(f).jobs).flatMap((j) => j.steps)).filter((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.deepStrictEqual(pulumiSteps.map((s) => s.with?.["pulumi-version"]), pulumiSteps.map(() => sdk));
        assert.strictEqual(sdk, "3.270.0");
    });

    it("assume the deploy role only in the lab environment and the preview role only in pull requests, for longer than the job may run", () => {
        const assuming = files.flatMap((file) => Object.entries(workflow(file).jobs).map(([name, job]) => ({ file, name, job, credentials: job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")) })))
            .filter((j) => j.credentials !== undefined);
        assert.deepStrictEqual(
            assuming.map(({ file, name, job, credentials }) => [file, name, job.environment, credentials?.with?.["role-to-assume"], job["timeout-minutes"], credentials?.with?.["role-duration-seconds"]]),
            [
                ["daily.yml", "up", "lab", "${{ vars.AWS_ROLE_ARN }}", 90, sessionSeconds.deploy],
                ["daily.yml", "destroy", "lab", "${{ vars.AWS_ROLE_ARN }}", 60, sessionSeconds.deploy],
                ["pull-request.yml", "preview", undefined, "${{ vars.AWS_PREVIEW_ROLE_ARN }}", 30, sessionSeconds.preview],
            ],
        );
        for (const { job, credentials } of assuming) assert.ok(Number(credentials?.with?.["role-duration-seconds"]) >= (job["timeout-minutes"] ?? 360) * 60);
        // The preview never sees the daily stack's backend or key.
        assert.deepStrictEqual(pr.jobs.preview.env, {
            PULUMI_BACKEND_URL: "${{ vars.PULUMI_PREVIEW_BACKEND_URL }}",
            PREVIEW_SECRETS_PROVIDER: "${{ vars.PULUMI_PREVIEW_SECRETS_PROVIDER }}",
            PREVIEW_STACK: "pr-${{ github.event.pull_request.number }}-${{ github.run_id }}-${{ github.run_attempt }}",
            AWS_REGION: "ap-northeast-2",
        });
        assert.doesNotMatch(text("pull-request.yml"), /vars\.(PULUMI_BACKEND_URL|PULUMI_SECRETS_PROVIDER|AWS_ROLE_ARN)\b/);
        for (const job of Object.values(daily.jobs)) for (const step of job.steps) if (step.uses?.startsWith("actions/checkout@")) assert.strictEqual(step.with?.["persist-credentials"], false);
    });

    it("preview pull requests on a throwaway stack, judged by the base branch's policy pack", () => {
        assert.ok(pr.jobs.test.steps.some((s) => s.run === "bash .ci/run"));
        assert.strictEqual(pr.jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
        assert.strictEqual(pr.jobs.preview.permissions?.["id-token"], "write");
        const steps = pr.jobs.preview.steps;
        const base = steps.find((s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref !== undefined);
        assert.deepStrictEqual(base?.with, { ref: "${{ github.base_ref }}", path: ".base", "persist-credentials": false });
        // The pull request's packages install without their scripts, before the base's pack (which
        // runs its own); nothing of the pull request installs with scripts in the cloud job.
        assert.deepStrictEqual(steps.filter((s) => s.run?.includes("npm ")).map((s) => s.run), ["npm ci --ignore-scripts && npm ci --prefix .base/policy && npm ci --ignore-scripts --prefix .base"]);
        const preview = steps.find((s) => s.with?.command === "preview");
        assert.deepStrictEqual(
            [preview?.with?.["stack-name"], preview?.with?.policyPacks, preview?.with?.policyPackConfigs, preview?.with?.["comment-on-pr"]],
            ["${{ env.PREVIEW_STACK }}", ".base/policy", "policy-config.json", true],
        );
        const init = steps.findIndex((s) => s.run?.includes('pulumi stack init "$PREVIEW_STACK" --secrets-provider "$PREVIEW_SECRETS_PROVIDER"'));
        // The pack's settings come from the throwaway stack's config, by the base branch's tooling and packages.
        const settings = steps.findIndex((s) => s.run === '.base/node_modules/.bin/ts-node --transpile-only .base/cli/policyConfig.ts "$PREVIEW_STACK" policy-config.json');
        assert.ok(init > 0 && init < settings && settings < steps.indexOf(preview as Step), `${init} ${settings}`);
        assert.deepStrictEqual(steps[steps.length - 1], { name: "Remove the throwaway stack", if: "always()", run: 'pulumi stack rm "$PREVIEW_STACK" --yes --force || true' });
    });

    it("pass the policy pack to the daily up, report, keep the diagnosis of a failed up", () => {
        const up = daily.jobs.up.steps;
        assert.ok(up.some((s) => s.run === "npm ci && npm ci --prefix policy"));
        const labUp = up.find((s) => s.run === "npm run --silent lab -- up --json --policy-pack policy > up-report.json");
        // Its own limit inside the job's, so that the report and the closing steps still run.
        assert.ok(labUp !== undefined && (labUp["timeout-minutes"] ?? Infinity) <= (daily.jobs.up["timeout-minutes"] ?? 0) - 10);
        assert.ok(up.some((s) => s.if === "always()" && s.run?.includes("GITHUB_STEP_SUMMARY")));
        assert.ok(up.some((s) => s.if === "failure()" && s.run?.includes("lab -- diagnose")));
        assert.ok(up.some((s) => s.if === "failure()" && s.uses?.startsWith("actions/upload-artifact@")));
    });

    it("put the phase timings of today's run and the earlier ones in the up job's summary, and keep their history next to the state, the last 90 runs", () => {
        const up = daily.jobs.up.steps;
        const restore = up.findIndex((s) => s.name === "The timings of the earlier runs, from next to the state");
        const labUp = up.findIndex((s) => s.run?.startsWith("npm run --silent lab -- up "));
        const keep = up.findIndex((s) => s.name === "Phase timings in the summary, and their history kept next to the state");
        // Read before the up, kept after it whatever happened, and before the closing step.
        assert.deepStrictEqual([restore >= 0 && restore < labUp, labUp < keep && keep < up.length - 1, up[keep].if], [true, true, "always()"]);
        // lab up adds its run to the file the steps read and write.
        assert.strictEqual(daily.jobs.up.env?.K8S_LAB_TIMINGS_FILE, "${{ github.workspace }}/.k8s-lab/timings.jsonl");
        const sandbox = new Sandbox();
        try {
            const bucket = path.join(sandbox.dir, "s3");
            const kept = path.join(bucket, "k8s-lab-state-1", "k8s-lab", "dev", "timings.jsonl");
            const file = path.join(sandbox.dir, "workspace", ".k8s-lab", "timings.jsonl");
            const github = { PULUMI_BACKEND_URL: "s3://k8s-lab-state-1?region=ap-northeast-2", RUNNER_TEMP: sandbox.dir, GITHUB_ENV: path.join(sandbox.dir, "github-env"), GITHUB_STEP_SUMMARY: path.join(sandbox.dir, "summary"), K8S_LAB_TIMINGS_FILE: file };
            sandbox.fake("aws", s3Folder(bucket));
            sandbox.fake("npm", `[ "$*" = "run --silent lab -- timings" ] && echo "$(wc -l < "$K8S_LAB_TIMINGS_FILE") runs"`);
            const run = (index: number, env: Record<string, string> = {}) => {
                const result = sandbox.run(up[index].run ?? "", { ...github, ...env });
                assert.strictEqual(result.status, 0, result.stderr);
            };
            const runs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `{"run":${from + i}}\n`).join("");
            // The first day: no history yet; the up adds its run; the summary shows it, the history keeps it.
            run(restore);
            assert.strictEqual(fs.readFileSync(file, "utf8"), "");
            fs.appendFileSync(file, runs(1, 1));
            run(keep);
            assert.strictEqual(fs.readFileSync(github.GITHUB_STEP_SUMMARY, "utf8"), "## Timings\n```text\n1 runs\n```\n");
            assert.strictEqual(fs.readFileSync(kept, "utf8"), runs(1, 1));
            // Months later: the history read back, today's added, the last 90 kept.
            fs.writeFileSync(kept, runs(1, 95));
            fs.rmSync(file);
            run(restore);
            fs.appendFileSync(file, runs(96, 96));
            run(keep);
            assert.strictEqual(fs.readFileSync(kept, "utf8"), runs(7, 96));
            // A history that cannot be read is not overwritten; an up that never started keeps it as it is.
            sandbox.fake("aws", 'echo "fatal error: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied" >&2; exit 1');
            fs.writeFileSync(file, runs(97, 97));
            run(restore);
            run(keep, { TIMINGS_UNREAD: fs.readFileSync(github.GITHUB_ENV, "utf8").includes("TIMINGS_UNREAD=true") ? "true" : "" });
            assert.strictEqual(fs.readFileSync(kept, "utf8"), runs(7, 96));
            sandbox.fake("aws", s3Folder(bucket));
            fs.rmSync(file);
            run(keep);
            assert.strictEqual(fs.readFileSync(kept, "utf8"), runs(7, 96));
        } finally {
            sandbox.remove();
        }
    });

    it("close SSH and the API to the runner at the end of every up job, removing exactly the detected-address rules, after this runner's own stale lock", async function () {
        if (!jqAvailable && process.env.CI) throw new Error("jq is missing: .ci/run installs it");
        if (!jqAvailable) this.skip();
        const up = daily.jobs.up.steps;
        const close = up[up.length - 1];
        assert.strictEqual(close.if, "always()");
        // The rules as the program names them, with the runner's address detected.
        const program = await runProgram();
        const rules = program.ofType(types.ingressRule)
            .map((r) => ({ urn: `urn:pulumi:dev::k8s-lab::k8slab:index:ClusterSecurityGroups$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::${r.name}`, type: r.type, cidr: r.inputs.cidrIpv4 }));
        const detected = rules.filter((r) => r.cidr === "198.51.100.23/32").map((r) => r.urn);
        assert.strictEqual(detected.length, 2);
        const sandbox = new Sandbox();
        try {
            const stateFile = path.join(sandbox.dir, "state.json");
            fs.writeFileSync(stateFile, stateExport(rules));
            sandbox.fake("pulumi", `[ "$1 $2" = "stack export" ] && cat "${stateFile}"; exit 0`);
            // Two locks: the one this runner's cancelled up left, and a laptop's.
            const prefix = ".pulumi/locks/organization/k8s-lab/dev/";
            sandbox.fake("hostname", "echo runner-7");
            sandbox.fake("aws", `case "$1 $2" in
  "s3api list-objects-v2") echo '{"Contents":[{"Key":"${prefix}a.json"},{"Key":"${prefix}b.json"}]}' ;;
  "s3 cp") case "$3" in *a.json) echo '{"hostname":"runner-7"}' ;; *) echo '{"hostname":"laptop"}' ;; esac ;;
esac`);
            const env = { ...close.env, PULUMI_BACKEND_URL: "s3://k8s-lab-state-1?region=ap-northeast-2" };
            const result = sandbox.run(close.run ?? "", env);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(sandbox.calls().filter((c) => !c.startsWith("hostname")), [
                `aws s3api list-objects-v2 --bucket k8s-lab-state-1 --prefix ${prefix} --output json`,
                `aws s3 cp s3://k8s-lab-state-1/${prefix}a.json -`,
                `aws s3 rm s3://k8s-lab-state-1/${prefix}a.json`,
                `aws s3 cp s3://k8s-lab-state-1/${prefix}b.json -`,
                "pulumi stack export --stack dev",
                `pulumi destroy --stack dev --yes --skip-preview ${detected.map((u) => `--target=${u}`).join(" ")}`,
            ]);

            // Nothing detected (or no state yet): nothing to destroy, and no failure.
            fs.writeFileSync(stateFile, stateExport(rules.filter((r) => !detected.includes(r.urn))));
            const calls = sandbox.calls().length;
            assert.strictEqual(sandbox.run(close.run ?? "", env).status, 0);
            assert.deepStrictEqual(sandbox.calls().slice(calls).filter((c) => c.startsWith("pulumi")), ["pulumi stack export --stack dev"]);
        } finally {
            sandbox.remove();
        }
    });

    it("read the lab's identity from the state before the destroy, keep it with the LabIds not yet swept clean, and sweep them all even after a failed destroy", function () {
        if (!jqAvailable && process.env.CI) throw new Error("jq is missing: .ci/run installs it");
        if (!jqAvailable) this.skip();
        const steps = daily.jobs.destroy.steps;
        const read = steps.findIndex((s) => s.name === "The lab's identity, for the sweep");
        const destroy = steps.findIndex((s) => s.run === "pulumi destroy --stack dev --yes --skip-preview");
        const sweepStep = steps[steps.length - 1];
        assert.ok(read >= 0 && read < destroy);
        assert.deepStrictEqual([sweepStep.name, sweepStep.if], ["Sweep what the destroy left behind, and what earlier sweeps could not delete", "always()"]);
        const sandbox = new Sandbox();
        try {
            const bucket = path.join(sandbox.dir, "s3");
            const historyFile = path.join(bucket, "k8s-lab-state-1", "k8s-lab", "dev", "lab-ids");
            const swept = path.join(sandbox.dir, "swept");
            const env = path.join(sandbox.dir, "github-env");
            const stateFile = path.join(sandbox.dir, "state.json");
            const labState = (hex: string) => stateExport([
                { urn: "urn:pulumi:dev::k8s-lab::pulumi:pulumi:Stack::k8s-lab-dev", type: types.stack },
                { urn: "urn:pulumi:dev::k8s-lab::random:index/randomId:RandomId::lab-id", type: types.randomId, outputs: { hex, byteLength: 8 } },
            ]);
            sandbox.fake("aws", s3Folder(bucket));
            // The sweep of one LabId fails (FAILING), the others succeed.
            sandbox.fake("npm", `echo "$LAB_ID" >> "${swept}"; [ "$LAB_ID" != "\${FAILING:-}" ]`);
            const github = { PULUMI_BACKEND_URL: "s3://k8s-lab-state-1?region=ap-northeast-2", RUNNER_TEMP: sandbox.dir, GITHUB_ENV: env, GITHUB_STEP_SUMMARY: path.join(sandbox.dir, "summary") };
            const identity = (hex: string) => {
                fs.writeFileSync(stateFile, labState(hex));
                sandbox.fake("pulumi", `cat "${stateFile}"`);
                const result = sandbox.run(steps[read].run ?? "", { ...steps[read].env, ...github });
                assert.strictEqual(result.status, 0, result.stderr);
                return fs.readFileSync(env, "utf8").trim().split("\n").pop()?.replace(/^LAB_ID=/, "") ?? "";
            };
            const sweep = (labId: string, failing = "") => {
                fs.rmSync(swept, { force: true });
                const status = sandbox.run(sweepStep.run ?? "", { ...github, LAB_ID: labId, FAILING: failing }).status;
                return { status, swept: fs.existsSync(swept) ? fs.readFileSync(swept, "utf8").trim().split("\n") : [], history: fs.readFileSync(historyFile, "utf8") };
            };

            // Monday: the LabId is on the list before the destroy; its sweep fails, so it stays.
            assert.strictEqual(identity("0a1b2c3d4e5f6789"), "0a1b2c3d4e5f6789");
            assert.strictEqual(fs.readFileSync(historyFile, "utf8"), "0a1b2c3d4e5f6789\n");
            assert.deepStrictEqual(sweep("0a1b2c3d4e5f6789", "0a1b2c3d4e5f6789"), { status: 1, swept: ["0a1b2c3d4e5f6789"], history: "0a1b2c3d4e5f6789\n" });
            // Tuesday: a new LabId; Monday's is swept again, both clean, the list empties.
            assert.strictEqual(identity("1111222233334444"), "1111222233334444");
            assert.strictEqual(fs.readFileSync(historyFile, "utf8"), "0a1b2c3d4e5f6789\n1111222233334444\n");
            assert.deepStrictEqual(sweep("1111222233334444"), { status: 0, swept: ["0a1b2c3d4e5f6789", "1111222233334444"], history: "" });
            // Wednesday: no state (nothing was up), nothing on the list: nothing to sweep, no failure.
            sandbox.fake("pulumi", "echo 'error: no stack named dev found' >&2; exit 255");
            assert.strictEqual(sandbox.run(steps[read].run ?? "", { ...steps[read].env, ...github }).status, 0);
            assert.strictEqual(fs.readFileSync(env, "utf8").trim().split("\n").pop(), "LAB_ID=");
            assert.deepStrictEqual(sweep(""), { status: 0, swept: [], history: "" });
            // What is not a LabId on the list is never passed on; a repeated one is swept once.
            fs.writeFileSync(historyFile, "feedfacecafebeef\n$(reboot)\nFEEDFACECAFEBEEF\nfeedfacecafebeef\n");
            assert.deepStrictEqual(sweep("feedfacecafebeef"), { status: 0, swept: ["feedfacecafebeef"], history: "" });
            // No list yet in a new bucket: today's LabId alone.
            fs.rmSync(historyFile);
            assert.deepStrictEqual(sweep("2222333344445555", "2222333344445555"), { status: 1, swept: ["2222333344445555"], history: "2222333344445555\n" });
        } finally {
            sandbox.remove();
        }
    });

    it("remove a lock left by a cancelled or timed-out run before up and destroy touch the stack, with a right the deploy role has", () => {
        const project = (YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name;
        for (const job of ["up", "destroy"] as const) {
            const steps = daily.jobs[job].steps;
            const credentials = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            const unlock = steps.findIndex((s) => s.name === "Remove a lock left by a cancelled or timed-out run");
            const firstPulumi = steps.findIndex((s) => /\bpulumi |lab -- /.test(s.run ?? ""));
            assert.deepStrictEqual([credentials + 1, unlock < firstPulumi], [unlock, true], job);
            const sandbox = new Sandbox();
            try {
                // A lock left three hours ago, and one a laptop's run took a minute ago.
                const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString().replace(/\.\d+Z$/, "+00:00");
                const prefix = `.pulumi/locks/organization/${project}/dev/`;
                const listing = { Contents: [{ Key: `${prefix}old.json`, LastModified: at(3) }, { Key: `${prefix}young.json`, LastModified: at(0.02) }] };
                sandbox.fake("aws", `case "$1 $2" in "s3api list-objects-v2") echo '${JSON.stringify(listing)}' ;; esac`);
                const result = sandbox.run(steps[unlock].run ?? "", { PULUMI_BACKEND_URL: "s3://k8s-lab-state-1?region=ap-northeast-2" });
                assert.strictEqual(result.status, 0, result.stderr);
                assert.deepStrictEqual(sandbox.calls(), [
                    `aws s3api list-objects-v2 --bucket k8s-lab-state-1 --prefix ${prefix} --output json`,
                    `aws s3 rm s3://k8s-lab-state-1/${prefix}old.json`,
                ]);
            } finally {
                sandbox.remove();
            }
        }
        // The concurrency group is what makes it safe: no other run of the workflow can hold the lock.
        assert.deepStrictEqual(daily.concurrency, { group: "k8s-lab-dev", "cancel-in-progress": false });
        // The step lists, then deletes: the deploy role may do both in its bucket, and nothing else there is needed.
        const statements = (deployPolicy({ region: "ap-northeast-2", account: "111122223333", labStack: "dev", instanceTypes: ["t3.large"], bucketArn: "arn:aws:s3:::b", keyArn: "arn:aws:kms:k" }) as { Statement: { Sid?: string; Action: string[]; Resource: string }[] }).Statement;
        assert.deepStrictEqual(
            statements.filter((st) => st.Sid === "StateBucket" || st.Sid === "StateObjects").map((st) => [st.Action, st.Resource]),
            [[["s3:ListBucket", "s3:GetBucketLocation"], "arn:aws:s3:::b"], [["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "arn:aws:s3:::b/*"]],
        );
    });

    it("take the daily stack's secrets key from its state, never from a variable the CLI does not read nor from a tracked stack file", function () {
        if (!jqAvailable && process.env.CI) throw new Error("jq is missing: .ci/run installs it");
        if (!jqAvailable) this.skip();
        // The CLI reads PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER; it never read PULUMI_SECRETS_PROVIDER.
        assert.strictEqual(daily.env?.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, "true");
        const envNames = files.flatMap((f) => {
            const w = workflow(f);
            return [w.env, ...Object.values(w.jobs).flatMap((j) => [j.env, ...j.steps.map((st) => st.env)])].flatMap((e) => Object.keys(e ?? {}));
        });
        assert.deepStrictEqual(envNames.filter((n) => n === "PULUMI_SECRETS_PROVIDER" || n === "PULUMI_CONFIG_PASSPHRASE"), []);
        // Laptops share Pulumi.dev.yaml with their own backend: it names no secrets provider or key.
        const stackFile = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(stackFile).filter((k) => ["secretsprovider", "encryptedkey", "encryptionsalt"].includes(k)), []);

        const steps = daily.jobs.up.steps;
        const ensure = steps.findIndex((st) => st.name === "The daily stack, on the daily key");
        const up = steps.findIndex((st) => st.run?.includes("lab -- up"));
        const unlock = steps.findIndex((st) => st.name === "Remove a lock left by a cancelled or timed-out run");
        assert.ok(unlock < ensure && ensure < up && steps.slice(0, ensure).every((st) => !/\bpulumi |lab -- /.test(st.run ?? "")));
        const kms = "awskms://alias/k8s-lab-pulumi?region=ap-northeast-2";
        const sandbox = new Sandbox();
        try {
            const stateFile = path.join(sandbox.dir, "state.json");
            sandbox.fake("pulumi", `[ "$1 $2" = "stack export" ] && cat "${stateFile}"; exit 0`);
            const run = (deployment: Record<string, unknown>) => {
                fs.writeFileSync(stateFile, JSON.stringify({ version: 3, deployment }));
                const before = sandbox.calls().length;
                const result = sandbox.run(steps[ensure].run ?? "", { ...daily.env, DAILY_SECRETS_PROVIDER: kms });
                assert.strictEqual(result.status, 0, result.stderr);
                return sandbox.calls().slice(before);
            };
            const select = `pulumi stack select dev --create --secrets-provider ${kms}`;
            const change = `pulumi stack change-secrets-provider --stack dev ${kms}`;
            // Every morning after the first: the key is in the state; nothing changes.
            assert.deepStrictEqual(run({ secrets_providers: { type: "cloud", state: { url: kms, encryptedkey: "AQICAHg" } }, resources: [] }), [select, "pulumi stack export --stack dev"]);
            // The first morning (a stack just created, no state yet), or a stack made on a passphrase: onto the key.
            assert.deepStrictEqual(run({}), [select, "pulumi stack export --stack dev", change]);
            assert.deepStrictEqual(run({ secrets_providers: { type: "passphrase", state: { salt: "v1:x" } } }), [select, "pulumi stack export --stack dev", change]);
        } finally {
            sandbox.remove();
        }
    });

    it("ask the code owners to review the pack and what it imports, the CI stack, the workflows and what they run or install", () => {
        const lines = fs.readFileSync(path.join(root, ".github", "CODEOWNERS"), "utf8").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => l.split(/\s+/));
        assert.deepStrictEqual(lines.map((l) => l[0]), [
            "/policy/", "/ci-stack/", "/.github/", "/.ci/",
            "/lib/allowList.ts", "/lib/policyConfig.ts", "/lib/fallback.ts",
            "/cli/",
            "/package.json", "/package-lock.json", "/Pulumi.yaml", "/Pulumi.dev.yaml", "/Pulumi.kind.yaml", "/kind/",
        ]);
        assert.deepStrictEqual(lines.filter((l) => l.length !== 2 || l[1] !== "@example-org/platform-leads"), []);
        // Each names something that exists: a misspelt path guards nothing.
        assert.deepStrictEqual(lines.map((l) => l[0]).filter((p) => !fs.existsSync(path.join(root, p))), []);
    });
});
