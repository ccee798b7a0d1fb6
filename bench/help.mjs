// The CLI's own start-up cost: `k8s-lab --help` against `node -e 0`, in the same run, runs
// interleaved, medians compared. Build first (`npm run bench:help` does). The target is at
// most 0.3 s of the CLI's own work on a 2-core machine; this prints the figures and exits 1
// above it. A benchmark to run by hand, not a timed test.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli", "lab.js");
if (!existsSync(cli)) {
    process.stderr.write(`${cli} does not exist: run npm run build first.\n`);
    process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? 15);
const targetMs = 300;

function timed(args) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bare = [];
const help = [];
timed(["-e", "0"]);
timed([cli, "--help"]);
for (let i = 0; i < runs; i++) {
    bare.push(timed(["-e", "0"]));
    help.push(timed([cli, "--help"]));
}
const own = median(help) - median(bare);
process.stdout.write(`node -e 0: ${median(bare).toFixed(0)} ms; k8s-lab --help: ${median(help).toFixed(0)} ms; the CLI's own work: ${own.toFixed(0)} ms (target: at most ${targetMs} ms; medians of ${runs} runs, ${process.version})\n`);
process.exit(own <= targetMs ? 0 : 1);
