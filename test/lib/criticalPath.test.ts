import * as assert from "assert";
import { criticalPath, criticalPathReport, destroySteps, DurationTable, durationOf, minutes, Step, stepsOf } from "../../lib/criticalPath";

const table: DurationTable = {
    seconds: { "t:a": 10, "t:a::special": 99, "t:a::join-*": 20, "t:a::join-worker-*": 30, "t:chart::big": 50 },
    defaultSeconds: 1,
};
const step = (id: string, waitsFor: string[] = [], component = false): Step => ({ id, waitsFor, component });

describe("critical path model", () => {
    it("takes a step's duration by its name, else the longest matching prefix, else its type, else the default (none for a component)", () => {
        assert.deepStrictEqual(
            ["t:a::special", "t:a::join-worker-0", "t:a::join-token", "t:a::other", "t:b::x"].map((id) => durationOf({ id, component: false }, table)),
            [99, 30, 20, 10, 1],
        );
        assert.strictEqual(durationOf({ id: "t:comp::x", component: true }, table), 0);
        assert.strictEqual(durationOf({ id: "t:chart::big", component: true }, table), 50, "a chart is named");
    });

    it("finds the longest chain of waits, first step first, with when each is done", () => {
        const steps = [
            step("t:a::root"),
            step("t:a::special", ["t:a::root"]),
            step("t:b::short", ["t:a::root"]),
            step("t:b::end", ["t:b::short", "t:a::special", "t:x::default-provider"]),
        ];
        assert.deepStrictEqual(criticalPath(steps, table), {
            seconds: 110,
            steps: [
                { id: "t:a::root", seconds: 10, doneAt: 10 },
                { id: "t:a::special", seconds: 99, doneAt: 109 },
                { id: "t:b::end", seconds: 1, doneAt: 110 },
            ],
        });
        assert.deepStrictEqual(criticalPath([], table), { seconds: 0, steps: [] });
    });

    it("models a destroy: each step waits for what waited for it, and a skipped one (deletedWith) takes no time", () => {
        const steps = [step("t:a::vpc"), step("t:a::node", ["t:a::vpc"]), step("t:chart::big", ["t:a::node", "t:x::default-provider"]), step("t:b::check", ["t:a::node"])];
        const reversed = destroySteps(steps, new Set(["t:chart::big"]));
        assert.deepStrictEqual(reversed, [
            { id: "t:a::vpc", component: false, waitsFor: ["t:a::node"], skipped: false },
            { id: "t:a::node", component: false, waitsFor: ["t:chart::big", "t:b::check"], skipped: false },
            { id: "t:chart::big", component: false, waitsFor: [], skipped: true },
            { id: "t:b::check", component: false, waitsFor: [], skipped: false },
        ]);
        // Without the skip the chart's 50 s would lead; with it the check's default second does.
        assert.deepStrictEqual(criticalPath(reversed, table), {
            seconds: 21,
            steps: [
                { id: "t:b::check", seconds: 1, doneAt: 1 },
                { id: "t:a::node", seconds: 10, doneAt: 11 },
                { id: "t:a::vpc", seconds: 10, doneAt: 21 },
            ],
        });
        assert.strictEqual(criticalPath(destroySteps(steps, new Set()), table).seconds, 70);
    });

    it("names a step on a cycle", () => {
        assert.throws(() => criticalPath([step("t:b::x", ["t:b::y"]), step("t:b::y", ["t:b::x"])], table), { message: "the steps wait for each other in a cycle through t:b::x" });
    });

    it("makes steps of registrations: what each waits for, its provider too", () => {
        assert.deepStrictEqual(stepsOf([
            { type: "t:a", name: "x", custom: true, dependencies: ["t:b::y"], provider: "urn:pulumi:dev::p::k:C$pulumi:providers:kubernetes::cluster::cluster-id" },
            { type: "t:chart", name: "c", custom: false, dependencies: [], provider: "" },
        ]), [
            { id: "t:a::x", component: false, waitsFor: ["t:b::y", "pulumi:providers:kubernetes::cluster"] },
            { id: "t:chart::c", component: true, waitsFor: [] },
        ]);
    });

    it("reports both variants, the prepared image's against the budget and the fallback's for the record", () => {
        const steps = [step("t:a::root"), step("t:a::special", ["t:a::root"])];
        const report = criticalPathReport(steps, { prepared: { seconds: { "t:a": 10, "t:a::special": 20 }, defaultSeconds: 1 }, fallback: table }, 60);
        assert.deepStrictEqual([report.prepared.seconds, report.fallback.seconds], [30, 109]);
        assert.deepStrictEqual(report.lines, [
            "On the prepared node image:",
            "step          takes  done at",
            "t:a::root      0:10     0:10",
            "t:a::special   0:20     0:30",
            "",
            "On Canonical's Ubuntu (no prepared image yet: the user data installs everything):",
            "step          takes  done at",
            "t:a::root      0:10     0:10",
            "t:a::special   1:39     1:49",
            "",
            "critical path on the prepared node image: 0:30 (budget 1:00)",
            "critical path on Canonical's Ubuntu (the fallback): 1:49 (not held to the budget)",
            "durations from lib/durations.ts",
        ]);
    });

    it("prints minutes and seconds", () => {
        assert.deepStrictEqual([0, 59, 60, 529].map(minutes), ["0:00", "0:59", "1:00", "8:49"]);
    });
});
