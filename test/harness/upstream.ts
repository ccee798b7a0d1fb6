/**
 * The publishers' default values.yaml of the pinned charts, kept beside the project in
 * ../shared/upstream (reference data, not copied into the project), and a check that every
 * value we set is a real key of its chart: Helm ignores a misspelt key without a word.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { root } from "./stackConfig";

export const upstreamDir = path.join(root, "..", "shared", "upstream");

export function upstreamValues(file: string): Record<string, unknown> | undefined {
    const full = path.join(upstreamDir, file);
    return fs.existsSync(full) ? (YAML.parse(fs.readFileSync(full, "utf8")) as Record<string, unknown>) : undefined;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Deep merge, for a chart's own values over a sub-chart's. */
export function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const result = { ...base };
    for (const [key, value] of Object.entries(over)) result[key] = isMap(value) && isMap(result[key]) ? merge(result[key] as Record<string, unknown>, value) : value;
    return result;
}

/**
 * The dotted paths of `values` that the chart does not have. Below a key whose default is an
 * empty map, a list or null (labels, annotations, free-form settings) anything goes.
 */
export function unknownKeys(values: Record<string, unknown>, upstream: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(values).flatMap(([key, value]) => {
        const where = prefix === "" ? key : `${prefix}.${key}`;
        if (!(key in upstream)) return [where];
        const known = upstream[key];
        if (isMap(value) && isMap(known) && Object.keys(known).length > 0) return unknownKeys(value, known, where);
        return [];
    });
}
