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

/** A pinned chart, as lib/versions.ts names it. */
export interface PinnedChart {
    chart: string;
    version: string;
    repo?: string;
}

/**
 * The name of a pinned chart's values file in ../shared/upstream, from its pinned version:
 * `<chart>-<version>.values.yaml`, and for Linkerd's edge charts the release the chart version
 * stands for (2026.8.3 is edge-26.8.3).
 */
export function upstreamValuesFile(chart: PinnedChart): string {
    const edge = /^20(\d\d)\.(\d+)\.(\d+)$/.exec(chart.version);
    const version = chart.repo?.endsWith("/edge") && edge !== null ? `edge-${edge[1]}.${edge[2]}.${edge[3]}` : chart.version;
    return `${chart.chart}-${version}.values.yaml`;
}

/**
 * The publisher's values of a pinned chart; undefined only where ../shared/upstream is not beside
 * the project at all (a bare clone). A version bump without its values file there fails.
 */
export function upstreamValues(chart: PinnedChart): Record<string, unknown> | undefined {
    if (!fs.existsSync(upstreamDir)) return undefined;
    const file = path.join(upstreamDir, upstreamValuesFile(chart));
    if (!fs.existsSync(file)) {
        throw new Error(`${file} is missing: after pinning ${chart.chart} ${chart.version}, put that version's values.yaml there (see its README.md)`);
    }
    return YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
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
