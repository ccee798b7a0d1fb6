/**
 * The k8s-lab bin as `npm ci` leaves it (prepare: `npm run build`), built again only when a
 * source of it is newer than the build: CI's fresh clone has just built it, and a full type
 * check per test run would cost more than the tests that use it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { root } from "./stackConfig";

export const cli = path.join(root, "dist", "cli", "lab.js");
const sources = ["cli", "lib", "tsconfig.json", "tsconfig.cli.json", "package.json"];

function newest(entry: string): number {
    const stat = fs.statSync(entry);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

/** The bin's path, after building it if it is missing or older than its sources. */
export function builtCli(): string {
    const built = fs.existsSync(cli) && fs.existsSync(path.join(root, "dist", "scripts")) ? fs.statSync(cli).mtimeMs : -1;
    if (sources.some((entry) => newest(path.join(root, entry)) > built)) execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
    return cli;
}
