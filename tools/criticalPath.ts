/**
 * `npm run critical-path`: builds the program under the test harness's mocks (the dev stack),
 * takes what each resource waits for from its registration, and prints the modelled critical
 * path of an `up` of a new lab with the durations of lib/durations.ts: on the prepared node
 * image (held to the budget) and on Canonical's Ubuntu (the fallback); then the modelled
 * `destroy` (what deletedWith covers takes no time). For developers.
 */
import { criticalPath, criticalPathReport, destroySteps, minutes, pathTable, stepsOf } from "../lib/criticalPath";
import { criticalPathBudgetSeconds, destroyBudgetSeconds, destroyDurations, preparedImageDurations, stepDurations } from "../lib/durations";
import { runProgram } from "../test/harness";

async function main(): Promise<void> {
    const program = await runProgram();
    if (program.run.error !== undefined) throw new Error(`the program failed under the mocks: ${program.run.error.message}`);
    const steps = stepsOf(program.resources);
    const report = criticalPathReport(steps, { prepared: preparedImageDurations, fallback: stepDurations }, criticalPathBudgetSeconds);
    const covered = new Set(program.resources.filter((r) => program.deletedWith(r) !== undefined).map((r) => `${r.type}::${r.name}`));
    const destroy = criticalPath(destroySteps(steps, covered), destroyDurations);
    console.log(
        [
            ...report.lines,
            "",
            ...pathTable("Destroy (what deletedWith covers is only dropped from the state):", destroy),
            "",
            `destroy: ${minutes(destroy.seconds)} (budget ${minutes(destroyBudgetSeconds)})`,
        ].join("\n"),
    );
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});
