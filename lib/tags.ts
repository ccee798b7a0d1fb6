import * as pulumi from "@pulumi/pulumi";

/** Tags on every AWS resource (through the provider's default tags): ours, then the user's. */
export function labTags(userTags: Record<string, string>): Record<string, string> {
    return { ...userTags, Project: pulumi.getProject(), Stack: pulumi.getStack(), ManagedBy: "pulumi" };
}

/** A Name tag that tells in the AWS console which lab and which part a resource is. */
export function nameTag(part: string): { Name: string } {
    return { Name: `${pulumi.getProject()}-${pulumi.getStack()}-${part}` };
}
