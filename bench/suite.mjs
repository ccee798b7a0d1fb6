// Where the suite's time goes: runs `npm test`'s mocha (parallel, as configured) once and
// prints its wall time, the time of each test file (the sum of its tests, hooks excluded),
// and the whole-program scenarios the harness ran, each once per mocha run, with their CPU
// time. A benchmark to run by hand on a quiet machine, not a timed test: `node bench/suite.mjs`.
// Mocha runs under the node `npm test` finds first on its PATH (the project's own,
// node_modules/.bin), not this one's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "k8s-lab-bench-"));
const report = join(dir, "report.json");
const runs = join(dir, "runs.tsv");
const started = process.hrtime.bigint();
const mocha = spawnSync(join(root, "node_modules", ".bin", "mocha"), ["--reporter", "json", "--reporter-option", `output=${report}`], {
    cwd: root,
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH}`, HARNESS_TIMINGS: runs },
    stdio: ["ignore", "ignore", "inherit"],
});
const wall = Number(process.hrtime.bigint() - started) / 1e9;
const { stats, tests, failures } = JSON.parse(readFileSync(report, "utf8"));
const byFile = new Map();
for (const test of tests) byFile.set(test.file, (byFile.get(test.file) ?? 0) + (test.duration ?? 0));
let scenarios = [];
try {
    scenarios = readFileSync(runs, "utf8").trim().split("\n").map((line) => line.split("\t").slice(0, 2).map(Number));
} catch {
    // no whole-program run
}
rmSync(dir, { recursive: true, force: true });

const seconds = (ms) => (ms / 1000).toFixed(1).padStart(6);
process.stdout.write(`npm test's mocha: ${wall.toFixed(1)} s wall, ${stats.passes} passing, ${stats.failures} failing, ${stats.pending} pending (mocha's own: ${(stats.duration / 1000).toFixed(1)} s)\n`);
const total = (column) => (scenarios.reduce((sum, run) => sum + run[column], 0) / 1000).toFixed(1);
process.stdout.write(`whole-program scenarios: ${scenarios.length} runs, ${total(1)} s of CPU in all (${total(0)} s waited for, queues included)\n`);
process.stdout.write("slowest files (sum of their tests):\n");
for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_TOP ?? 15))) {
    process.stdout.write(`${seconds(ms)} s  ${relative(root, file)}\n`);
}
for (const failure of failures) process.stdout.write(`failed: ${relative(root, failure.file ?? "")}: ${failure.fullTitle}: ${String(failure.err?.message).split("\n")[0]}\n`);
process.exit(mocha.status ?? 1);
