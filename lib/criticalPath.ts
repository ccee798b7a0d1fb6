/**
 * A model of how long an `up` of a new lab takes: each step (a resource the engine creates)
 * starts once everything it waits for is done and lasts its duration from a table; the longest
 * chain of waits is the critical path. Pure: the graph comes from the program's registrations
 * (tools/criticalPath.ts), the durations from lib/durations.ts.
 */

/** A step: `type::name`, what it waits for (`type::name` each), and whether it is a component (no work of its own unless the table says so). */
export interface Step {
    id: string;
    waitsFor: string[];
    component: boolean;
    /** Takes no time whatever the table says: at `destroy`, a resource a deletedWith covers (only dropped from the state). */
    skipped?: boolean;
}

/** Seconds per step: keys are a type (`aws:ec2/instance:Instance`), a `type::name`, or a `type::name-prefix*`. */
export interface DurationTable {
    seconds: Record<string, number>;
    /** For a custom resource the table does not name. */
    defaultSeconds: number;
}

/** The step's duration: its exact name, else the longest matching prefix, else its type, else the default (0 for a component). */
export function durationOf(step: Pick<Step, "id" | "component" | "skipped">, table: DurationTable): number {
    if (step.skipped === true) return 0;
    const exact = table.seconds[step.id];
    if (exact !== undefined) return exact;
    const prefix = Object.keys(table.seconds)
        .filter((key) => key.endsWith("*") && step.id.startsWith(key.slice(0, -1)))
        .sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) return table.seconds[prefix];
    const byType = table.seconds[step.id.split("::")[0]];
    if (byType !== undefined) return byType;
    return step.component ? 0 : table.defaultSeconds;
}

export interface TimedStep {
    id: string;
    seconds: number;
    /** Seconds from the start of the `up` when it is done. */
    doneAt: number;
}

/** The longest chain of waits, first step first, and when its last step is done. */
export interface CriticalPath {
    seconds: number;
    steps: TimedStep[];
}

/**
 * The critical path of `steps` with `table`'s durations. A wait for something that is not a
 * step (a default provider) costs nothing; a cycle is an error naming a step on it.
 */
export function criticalPath(steps: Step[], table: DurationTable): CriticalPath {
    const byId = new Map(steps.map((step) => [step.id, step]));
    const done = new Map<string, { doneAt: number; after?: string }>();
    const visiting = new Set<string>();
    const finish = (id: string): number => {
        const known = done.get(id);
        if (known !== undefined) return known.doneAt;
        const step = byId.get(id);
        if (step === undefined) return 0;
        if (visiting.has(id)) throw new Error(`the steps wait for each other in a cycle through ${id}`);
        visiting.add(id);
        let start = 0;
        let after: string | undefined;
        for (const dependency of step.waitsFor) {
            const at = finish(dependency);
            if (byId.has(dependency) && (after === undefined || at > start)) [start, after] = [at, dependency];
        }
        visiting.delete(id);
        const doneAt = start + durationOf(step, table);
        done.set(id, { doneAt, after });
        return doneAt;
    };
    let last: string | undefined;
    for (const step of steps) {
        const doneAt = finish(step.id);
        if (last === undefined || doneAt > finish(last)) last = step.id;
    }
    const path: TimedStep[] = [];
    for (let id = last; id !== undefined; id = done.get(id)?.after) {
        const step = byId.get(id) as Step;
        path.unshift({ id, seconds: durationOf(step, table), doneAt: finish(id) });
    }
    return { seconds: last === undefined ? 0 : finish(last), steps: path };
}

/** A registered resource: what the SDK tells the engine (the harness records it under mocks). */
export interface Registration {
    type: string;
    name: string;
    custom: boolean;
    /** `type::name` of everything it waits for, explicit or through its inputs. */
    dependencies: string[];
    /** Its provider's reference, `urn::id`: the engine creates the provider first. */
    provider?: string;
}

/** `urn:pulumi:stack::project::parent$type::name::id` → `type::name`. */
function providerStep(reference: string): string {
    const parts = reference.split("::");
    parts.pop();
    const name = parts.pop();
    return `${parts.pop()?.split("$").pop()}::${name}`;
}

/** The steps of an `up` from the program's registrations. */
export function stepsOf(registrations: Registration[]): Step[] {
    return registrations.map((r) => ({
        id: `${r.type}::${r.name}`,
        component: !r.custom,
        waitsFor: [...r.dependencies, ...(r.provider === undefined || r.provider === "" ? [] : [providerStep(r.provider)])],
    }));
}

/**
 * The steps of a `destroy` of the lab: the engine deletes a resource once everything that waited
 * for it at `up` is deleted, so each step waits for its dependents; a resource in `skipped` (one a
 * deletedWith covers) is only dropped from the state and takes no time.
 */
export function destroySteps(steps: Step[], skipped: ReadonlySet<string>): Step[] {
    const dependents = new Map<string, string[]>(steps.map((step) => [step.id, []]));
    for (const step of steps) for (const id of step.waitsFor) dependents.get(id)?.push(step.id);
    return steps.map((step) => ({ id: step.id, component: step.component, waitsFor: dependents.get(step.id) ?? [], skipped: skipped.has(step.id) }));
}

/** `m:ss`, for the printed table. */
export const minutes = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;

/** The two variants of a new lab's `up`: nodes from the prepared node image, or from Canonical's Ubuntu (the user data installs everything). */
export interface Variants {
    prepared: DurationTable;
    fallback: DurationTable;
}

/** A path as printed: its title, then each step, how long it takes and when it is done. */
export function pathTable(title: string, path: CriticalPath): string[] {
    const width = Math.max(4, ...path.steps.map((step) => step.id.length));
    return [
        title,
        `${"step".padEnd(width)}  takes  done at`,
        ...path.steps.map((step) => `${step.id.padEnd(width)}  ${minutes(step.seconds).padStart(5)}  ${minutes(step.doneAt).padStart(7)}`),
    ];
}

/**
 * Both critical paths, each as a table of its steps, and the lines `npm run critical-path` prints:
 * the prepared image's path against the budget, the fallback's for the record.
 */
export function criticalPathReport(steps: Step[], tables: Variants, budgetSeconds: number): { prepared: CriticalPath; fallback: CriticalPath; lines: string[] } {
    const prepared = criticalPath(steps, tables.prepared);
    const fallback = criticalPath(steps, tables.fallback);
    const lines = [
        ...pathTable("On the prepared node image:", prepared),
        "",
        ...pathTable("On Canonical's Ubuntu (no prepared image yet: the user data installs everything):", fallback),
        "",
        `critical path on the prepared node image: ${minutes(prepared.seconds)} (budget ${minutes(budgetSeconds)})`,
        `critical path on Canonical's Ubuntu (the fallback): ${minutes(fallback.seconds)} (not held to the budget)`,
        "durations from lib/durations.ts",
    ];
    return { prepared, fallback, lines };
}
