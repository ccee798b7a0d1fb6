/**
 * Mocha's first `require`, in its main process and in each worker, and the one file of the
 * harness in JavaScript: it is what makes TypeScript loadable. The main process loads TypeScript
 * through ts-node, for build.ts (next in .mocharc.json), which transpiles the project once per
 * run into HARNESS_BUILD. A worker, started after that, loads each .ts file as the build's
 * JavaScript, under the .ts file's name and with Node's own source maps, so that a failure names
 * the TypeScript file and line; it starts ts-node only for a file the build lacks, so that a
 * worker neither loads TypeScript nor compiles it.
 */
"use strict";
/* global require, process, __dirname -- CommonJS in Node */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded before any TypeScript can be */
const fs = require("fs");
const path = require("path");

const build = process.env.HARNESS_BUILD;
if (build === undefined) {
    require("ts-node/register/transpile-only");
} else {
    const root = path.join(__dirname, "..", "..");
    let tsNode;
    const fromBuild = (module, filename) => {
        const built = path.join(build, path.relative(root, filename).replace(/\.ts$/, ".js"));
        if (fs.existsSync(built)) return module._compile(fs.readFileSync(built, "utf8"), filename);
        if (tsNode === undefined) {
            require("ts-node/register/transpile-only");
            tsNode = require.extensions[".ts"];
            require.extensions[".ts"] = fromBuild;
            // Node's own source maps, not ts-node's (which knows only what it compiled).
            Reflect.deleteProperty(Error, "prepareStackTrace");
        }
        return tsNode(module, filename);
    };
    require.extensions[".ts"] = fromBuild;
    process.setSourceMapsEnabled(true);
}
