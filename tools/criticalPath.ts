/**
 * `npm run critical-path`: builds the program under the test harness's mocks (the dev stack),
 * takes what each resource waits for from its registration, and prints the modelled critical
 * path of an `up` of a new lab with the durations of lib/durations.ts: on the prepared node
 * image (held to the budget) and on Canonical's Ubuntu (the fallback). For developers.
 */
import { criticalPathReport, stepsOf } from "../lib/criticalPath";
import { criticalPathBudgetSeconds, preparedImageDurations, stepDurations } from "../lib/durations";
import { runProgram } from "../test/harness";

async function main(): Promise<void> {
    const program = await runProgram();
    if (program.run.error !== undefined) throw new Error(`the program failed under the mocks: ${program.run.error.message}`);
    const report = criticalPathReport(stepsOf(program.resources), { prepared: preparedImageDurations, fallback: stepDurations }, criticalPathBudgetSeconds);
    console.log(report.lines.join("\n"));
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});
