/**
 * `npm run critical-path`: builds the program under the test harness's mocks (the dev stack),
 * takes what each resource waits for from its registration, and prints the modelled critical
 * path of an `up` of a new lab with the durations of lib/durations.ts. For developers.
 */
import { criticalPath, minutes, stepsOf } from "../lib/criticalPath";
import { criticalPathBudgetSeconds, stepDurations } from "../lib/durations";
import { runProgram } from "../test/harness";

async function main(): Promise<void> {
    const program = await runProgram();
    if (program.run.error !== undefined) throw new Error(`the program failed under the mocks: ${program.run.error.message}`);
    const path = criticalPath(stepsOf(program.resources), stepDurations);
    const width = Math.max(...path.steps.map((step) => step.id.length));
    console.log(`${"step".padEnd(width)}  takes  done at`);
    for (const step of path.steps) console.log(`${step.id.padEnd(width)}  ${minutes(step.seconds).padStart(5)}  ${minutes(step.doneAt).padStart(7)}`);
    console.log(`critical path: ${minutes(path.seconds)} (budget ${minutes(criticalPathBudgetSeconds)}; durations from lib/durations.ts)`);
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});
