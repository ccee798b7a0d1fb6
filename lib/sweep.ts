/**
 * Nothing left behind: after `pulumi destroy`, list the resources of the known types still
 * tagged with this lab's identity (project, stack and LabId), and delete them in dependency
 * order when asked. A lab of another backend that shares the stack name has another LabId and
 * is never touched.
 */

/** EC2 resource types the lab creates, in the order they can be deleted. */
export const deleteOrder = ["instance", "natgateway", "elastic-ip", "security-group", "internet-gateway", "subnet", "route-table", "key-pair", "volume", "vpc"] as const;
export type LeftoverType = (typeof deleteOrder)[number];

export interface Leftover {
    type: LeftoverType;
    id: string;
    arn: string;
}

/** Which lab: every tag must match. */
export interface LabIdentity {
    Project: string;
    Stack: string;
    LabId: string;
}

/** A rule of one security group that names a security group (the two groups name each other). */
export interface GroupRule {
    groupId: string;
    ruleId: string;
    egress: boolean;
    referencedGroupId: string;
}

/** What the sweep asks of AWS; the real one is in cli/awsSweep.ts, the tests pass a fake. */
export interface SweepClient {
    /** ARNs of the live resources carrying every one of the tags. */
    tagged(tags: Record<string, string>): Promise<string[]>;
    /** The rules of these groups that reference a security group. */
    groupReferences(groupIds: string[]): Promise<GroupRule[]>;
    revoke(rule: GroupRule): Promise<void>;
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
    /** Cross-references revoked so that the groups could be deleted. */
    revoked: GroupRule[];
    deleted: Leftover[];
    failed: { resource: Leftover; reason: string }[];
}

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * EC2's answer for something that is not there (InvalidInstanceID.NotFound,
 * InvalidGroup.NotFound, InvalidAllocationID.NotFound, NatGatewayNotFound, …): what the sweep
 * wanted gone is gone. The SDK puts the code in the error's name (and Code).
 */
export function isNotFound(err: unknown): boolean {
    if (typeof err !== "object" || err === null) return false;
    const { name, Code } = err as { name?: unknown; Code?: unknown };
    return [name, Code].some((code) => typeof code === "string" && /NotFound$/.test(code));
}

/**
 * The ids among these that are going or gone, by `describe` (which returns those of them it
 * finds going). One unknown id fails a whole EC2 Describe with NotFound (the tagging API still
 * lists a purged instance for a while): then each is described on its own, and an unknown one
 * is gone.
 */
export async function goneAmong(ids: string[], describe: (ids: string[]) => Promise<string[]>): Promise<string[]> {
    if (ids.length === 0) return [];
    try {
        return await describe(ids);
    } catch (err) {
        if (!isNotFound(err)) throw err;
        if (ids.length === 1) return ids;
        return (await Promise.all(ids.map((id) => goneAmong([id], describe)))).flat();
    }
}

export async function sweep(client: SweepClient, identity: LabIdentity, remove: boolean): Promise<SweepResult> {
    if (identity.LabId === "") throw new Error("a sweep needs the lab's LabId");
    const found = (await client.tagged({ Project: identity.Project, Stack: identity.Stack, LabId: identity.LabId }))
        .map(parseArn)
        .filter((r): r is Leftover => r !== undefined)
        .sort((a, b) => deleteOrder.indexOf(a.type) - deleteOrder.indexOf(b.type));
    const result: SweepResult = { found, revoked: [], deleted: [], failed: [] };
    if (!remove) return result;
    const groups = found.filter((r) => r.type === "security-group");
    for (const resource of found) {
        // A group that another group's rule names cannot be deleted: revoke those rules first.
        if (resource === groups[0]) {
            const rules = await client.groupReferences(groups.map((g) => g.id)).catch((err: unknown) => {
                result.failed.push({ resource, reason: reason(err) });
                return [];
            });
            for (const rule of rules) {
                try {
                    await client.revoke(rule).catch((err: unknown) => {
                        if (!isNotFound(err)) throw err;
                    });
                    result.revoked.push(rule);
                } catch (err) {
                    result.failed.push({ resource: groups.find((g) => g.id === rule.groupId) ?? resource, reason: reason(err) });
                }
            }
        }
        try {
            // Already gone (deleted by the destroy a moment ago, or by hand): as good as deleted.
            await client.remove(resource).catch((err: unknown) => {
                if (!isNotFound(err)) throw err;
            });
            result.deleted.push(resource);
        } catch (err) {
            result.failed.push({ resource, reason: reason(err) });
        }
    }
    return result;
}
