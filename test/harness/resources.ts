import { stepsOf } from "../../lib/criticalPath";
import { RecordedResource } from "./mocks";

/** The resources a run declared, looked up by type token (see types.ts) and name. */
export class Resources {
    constructor(readonly resources: RecordedResource[]) {}

    /** Resources of a type token, e.g. `types.instance`. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource of a type and name; throws if there is not exactly one. */
    get(type: string, name: string): RecordedResource {
        const found = this.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) throw new Error(`${found.length} resources ${type}::${name}`);
        return found[0];
    }

    /**
     * The deletedWith the engine applies to a resource: its own, else its nearest ancestor's. The
     * SDK sends only a resource's own option; the engine inherits it from the parent when unset
     * (pulumi/pulumi#12572), so a component's reaches all of its children, a chart's objects too.
     */
    deletedWith(resource: RecordedResource): string | undefined {
        for (let r: RecordedResource | undefined = resource; r !== undefined; r = r.parent === undefined ? undefined : this.resources.find((p) => `${p.type}::${p.name}` === r?.parent)) {
            if (r.options.deletedWith !== undefined) return r.options.deletedWith;
        }
        return undefined;
    }

    /** `type::name` of everything a resource waits for, directly or through what it waits for, providers included (as the model sees it). */
    waitsFor(resource: RecordedResource): Set<string> {
        const steps = new Map(stepsOf(this.resources).map((step) => [step.id, step]));
        const seen = new Set<string>();
        const visit = (id: string): void => {
            for (const next of steps.get(id)?.waitsFor ?? []) {
                if (seen.has(next)) continue;
                seen.add(next);
                visit(next);
            }
        };
        visit(`${resource.type}::${resource.name}`);
        return seen;
    }
}
