/**
 * Nothing left behind: after `pulumi destroy`, list the resources of the known types still
 * tagged with the lab's project and stack, and delete them in dependency order when asked.
 */

/** EC2 resource types the lab creates, in the order they can be deleted. */
export const deleteOrder = ["instance", "natgateway", "elastic-ip", "security-group", "internet-gateway", "subnet", "route-table", "key-pair", "volume", "vpc"] as const;
export type LeftoverType = (typeof deleteOrder)[number];

export interface Leftover {
    type: LeftoverType;
    id: string;
    arn: string;
}

/** What the sweep asks of AWS; the real one is in cli/deps.ts, the tests pass a fake. */
export interface SweepClient {
    /** ARNs of the live resources carrying every one of the tags. */
    tagged(tags: Record<string, string>): Promise<string[]>;
    remove(resource: Leftover): Promise<void>;
}

/** arn:aws:ec2:ap-northeast-2:123456789012:instance/i-0abc → { type: "instance", id: "i-0abc" }. */
export function parseArn(arn: string): Leftover | undefined {
    const match = /^arn:aws[\w-]*:ec2:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(arn);
    if (match === null) return undefined;
    const type = deleteOrder.find((t) => t === match[1]);
    return type === undefined ? undefined : { type, id: match[2], arn };
}

export interface SweepResult {
    found: Leftover[];
    deleted: Leftover[];
    failed: { resource: Leftover; reason: string }[];
}

export async function sweep(client: SweepClient, tags: Record<string, string>, remove: boolean): Promise<SweepResult> {
    const found = (await client.tagged(tags))
        .map(parseArn)
        .filter((r): r is Leftover => r !== undefined)
        .sort((a, b) => deleteOrder.indexOf(a.type) - deleteOrder.indexOf(b.type));
    const result: SweepResult = { found, deleted: [], failed: [] };
    if (!remove) return result;
    for (const resource of found) {
        try {
            await client.remove(resource);
            result.deleted.push(resource);
        } catch (err) {
            result.failed.push({ resource, reason: err instanceof Error ? err.message : String(err) });
        }
    }
    return result;
}
