import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scriptsDir } from "../../lib/scripts";

/** Runs say.sh's message() in bash with MESSAGES and the arguments given. */
const message = (messages: string, ...args: string[]): string =>
    spawnSync("bash", ["-c", `${fs.readFileSync(path.join(scriptsDir, "say.sh"), "utf8")}\nmessage "$@"`, "bash", ...args], { encoding: "utf8", env: { PATH: process.env.PATH, MESSAGES: messages } }).stdout;

/**
 * The message filling of the scripts that run on the operator's machine (macOS's bash 3.2
 * among them): plain prefix and suffix expansions, with no quoted replacement, which bash 3.2
 * would print with its quotes.
 */
describe("say.sh's message filling", () => {
    const messages = "a.one=Jobs {job} of {count}: {job} again\nb.two={x}{x} and {y}";

    it("replaces every placeholder, each time it appears, with the value as it is: no quotes, no pattern characters read", () => {
        assert.strictEqual(message(messages, "a.one", "job=ch*k [1] \"q\" 'q' \\ & ~", "count=3"), "Jobs ch*k [1] \"q\" 'q' \\ & ~ of 3: ch*k [1] \"q\" 'q' \\ & ~ again\n");
        assert.strictEqual(message(messages, "b.two", "x={y}", "y=1"), "11 and 1\n");
        assert.strictEqual(message(messages, "b.two", "x=", "y=a=b"), " and a=b\n");
    });

    it("leaves a placeholder with no value, and says the key of a message it does not have", () => {
        assert.strictEqual(message(messages, "a.one", "count=3"), "Jobs {job} of 3: {job} again\n");
        assert.strictEqual(message(messages, "c.none"), "c.none\n");
    });
});
