import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { root } from "./harness/stackConfig";

type Job = { if?: string; needs?: string; steps: { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown> }[]; permissions?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; concurrency?: { group: string; "cancel-in-progress": boolean }; jobs: Record<string, Job> };
const workflow = (name: string) => YAML.parse(fs.readFileSync(path.join(root, ".github", "workflows", name), "utf8")) as Workflow;

/** KST is UTC+9: a cron's hour and weekdays in Korea. */
function kst(cron: string): { hour: number; days: number[] } {
    const [minute, hour, , , days] = cron.split(" ");
    assert.strictEqual(minute, "0");
    const [from, to] = days.split("-").map(Number);
    const shift = Number(hour) + 9 >= 24 ? 1 : 0;
    return { hour: (Number(hour) + 9) % 24, days: Array.from({ length: to - from + 1 }, (_, i) => (from + i + shift) % 7) };
}

describe("GitHub workflows", () => {
    const daily = workflow("daily.yml");
    const crons = (daily.on.schedule as { cron: string }[]).map((s) => s.cron);

    it("bring the lab up at 08:00 and destroy it at 19:00 Korea time, Monday to Friday", () => {
        assert.deepStrictEqual(kst(crons[0]), { hour: 8, days: [1, 2, 3, 4, 5] });
        assert.deepStrictEqual(kst(crons[1]), { hour: 19, days: [1, 2, 3, 4, 5] });
        assert.ok(daily.jobs.up.if?.includes(crons[0]) && daily.jobs.destroy.if?.includes(crons[1]));
    });

    it("never let up and destroy overlap, destroy even after a failed up, and honour keep-it-up", () => {
        assert.deepStrictEqual(daily.concurrency, { group: "k8s-lab-dev", "cancel-in-progress": false });
        assert.match(daily.jobs.destroy.if ?? "", /^always\(\) &&/);
        assert.match(daily.jobs.destroy.if ?? "", /vars\.KEEP_UP_TONIGHT != 'true' && !inputs\.keep_up/);
        assert.ok("workflow_dispatch" in daily.on);
    });

    it("report the URLs, keep the diagnosis of a failed up, and sweep after destroy", () => {
        const up = daily.jobs.up.steps;
        assert.ok(up.some((s) => s.run?.includes("lab -- up --json")));
        assert.ok(up.some((s) => s.if === "always()" && s.run?.includes("GITHUB_STEP_SUMMARY")));
        assert.ok(up.some((s) => s.if === "failure()" && s.run?.includes("lab -- diagnose")));
        assert.ok(up.some((s) => s.if === "failure()" && s.uses?.startsWith("actions/upload-artifact")));
        assert.ok(daily.jobs.destroy.steps.some((s) => s.run?.includes("lab -- sweep --delete")));
    });

    it("preview pull requests with the policy pack, skipping the cloud for forks", () => {
        const pr = workflow("pull-request.yml");
        assert.ok(pr.jobs.test.steps.some((s) => s.run === "bash .ci/run"));
        assert.strictEqual(pr.jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
        assert.strictEqual(pr.jobs.preview.permissions?.["id-token"], "write");
        const preview = pr.jobs.preview.steps.find((s) => s.uses?.startsWith("pulumi/actions"));
        assert.deepStrictEqual([preview?.with?.command, preview?.with?.policyPacks, preview?.with?.["comment-on-pr"]], ["preview", "policy", true]);
    });
});
