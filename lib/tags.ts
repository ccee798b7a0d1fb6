import * as pulumi from "@pulumi/pulumi";

/** The lab's own tags, which the policy pack requires on every taggable resource. */
export const labTagKeys = ["Project", "Stack", "LabId", "ManagedBy"] as const;

/**
 * Tags on every AWS resource (through the provider's default tags): the user's, then ours.
 * Project and Stack say which lab; LabId (generated once per stack and kept in its state) says
 * which copy of it, so that a laptop stack that shares the stack name is never taken for it.
 */
export function labTags(
    userTags: Record<string, string>,
    lab: { project: string; stack: string },
    labId: pulumi.Input<string>,
): Record<string, pulumi.Input<string>> {
    const own: Record<(typeof labTagKeys)[number], pulumi.Input<string>> = { Project: lab.project, Stack: lab.stack, LabId: labId, ManagedBy: "pulumi" };
    return { ...userTags, ...own };
}

/** A Name tag that tells in the AWS console which lab (`project-stack`) and which part a resource is. */
export function nameTag(labName: string, part: string): { Name: string } {
    return { Name: `${labName}-${part}` };
}
