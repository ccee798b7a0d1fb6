/**
 * The policies of the pack, importable by the tests without starting the pack.
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import * as rules from "./rules";

export type { ResourceValidationArgs };

/** A policy whose validation is one function, as the tests call it. */
export type LabPolicy = ResourceValidationPolicy & { validateResource: (args: ResourceValidationArgs, report: ReportViolation) => void };

type Rule = (r: rules.CheckedResource, config: rules.PackConfig) => string[];

const configSchema = {
    properties: {
        allowedPorts: { type: "array" as const, items: { type: "integer" as const }, default: rules.defaults.allowedPorts },
        allowedInstanceTypes: { type: "array" as const, items: { type: "string" as const }, default: rules.defaults.allowedInstanceTypes },
        requiredTags: { type: "array" as const, items: { type: "string" as const }, default: rules.defaults.requiredTags },
    },
};

function policy(name: string, description: string, rule: Rule): LabPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = { ...rules.defaults, ...args.getConfig<Partial<rules.PackConfig>>() };
            const resource = { type: args.type, name: args.name, props: args.props, provider: args.provider && { type: args.provider.type, props: args.provider.props } };
            for (const violation of rule(resource, config)) reportViolation(violation);
        },
    };
}

export const policies: LabPolicy[] = [
    policy("no-world-ingress-except-public-ports", "No ingress from 0.0.0.0/0 or ::/0 except on the allowed public ports.", rules.worldIngress),
    policy("no-world-ssh-or-api", "SSH (22) and the Kubernetes API (6443) are never open to the world.", rules.worldAdmin),
    policy("imdsv2-required", "Every instance requires IMDSv2.", rules.imdsv2),
    policy("encrypted-volumes", "Every volume is encrypted.", rules.encryptedVolumes),
    policy("instance-type-allow-list", "Instances use an allowed type (cost).", rules.instanceType),
    policy("required-tags", "Every taggable AWS resource carries the required tags, its own or its provider's defaults.", rules.requiredTags),
    policy("no-loadbalancer-services", "No Kubernetes Service of type LoadBalancer: destroy would leave the AWS load balancer behind.", rules.noLoadBalancer),
];
