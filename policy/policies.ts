/**
 * The policies of the pack: each reads the resource once through `snapshot`, reports every
 * violation it knows, and only then, if an unknown value kept it from deciding the rest, lets
 * the engine say so (an advisory "can't run during preview").
 */
import { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as rules from "./rules";

type Json = Record<string, unknown>;
type Rule = (r: rules.CheckedResource, config: rules.PackConfig) => rules.Finding[];
type Setting = keyof rules.PackConfig;

/** The settings, as `--policy-pack-config` gives them per policy; the pack still applies its limits (rules.effectiveConfig). */
const settingSchemas = {
    allowedPorts: { type: "array" as const, items: { type: "integer" as const, minimum: rules.nodePortRange.min, maximum: rules.nodePortRange.max }, default: rules.defaults.allowedPorts },
    allowedInstanceTypes: { type: "array" as const, items: { type: "string" as const }, default: rules.defaults.allowedInstanceTypes },
    requiredTags: { type: "array" as const, items: { type: "string" as const }, default: rules.defaults.requiredTags },
};

const configSchema = (settings: Setting[]) => (settings.length === 0 ? undefined : { properties: Object.fromEntries(settings.map((s) => [s, settingSchemas[s]])) });

function report(findings: rules.Finding[], reportViolation: ReportViolation): void {
    for (const finding of findings) if (typeof finding === "string") reportViolation(finding);
    const unknown = findings.find((f): f is rules.Unknown => f instanceof rules.Unknown);
    if (unknown) throw unknown.error;
}

function checked(r: { type: string; name: string; props: Json; provider?: { type: string; props: Json } }): rules.CheckedResource {
    return {
        type: r.type,
        name: r.name,
        props: rules.snapshot(r.props) as Json,
        provider: r.provider && { type: r.provider.type, props: rules.snapshot(r.provider.props) as Json },
    };
}

function resourcePolicy(name: string, description: string, settings: Setting[], rule: Rule, enforcementLevel: "mandatory" | "advisory" = "mandatory"): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        configSchema: configSchema(settings),
        validateResource: async (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const resource = checked(args);
            await rules.readFiles(resource.props);
            report(rule(resource, rules.effectiveConfig(args.getConfig<Partial<rules.PackConfig>>())), reportViolation);
        },
    };
}

const stackResource = (r: PolicyResource): rules.StackResource => ({
    ...checked(r),
    urn: r.urn,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => ({ urn: d.urn }))])),
});

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    resourcePolicy("no-world-ingress-except-public-ports", "No ingress from the world (any IPv4 source wider than /8, IPv6 wider than /64) except TCP on the allowed public ports, within the NodePort range.", ["allowedPorts"], rules.worldIngress),
    resourcePolicy("no-world-ssh-or-api", "SSH (22) and the Kubernetes API (6443) are never open to the world, whatever the settings.", [], rules.worldAdmin),
    {
        name: "no-world-ingress-across-rules",
        description: "The rules that reach one security group (with the prefix lists of the stack) do not together open anything but the allowed public ports to more addresses than a /8 holds (IPv6: a /64).",
        enforcementLevel: "mandatory",
        configSchema: configSchema(["allowedPorts"]),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) =>
            report(rules.worldTogether(args.resources.map(stackResource), rules.effectiveConfig(args.getConfig<Partial<rules.PackConfig>>())), reportViolation),
    },
    resourcePolicy("imdsv2-required", "Every instance, launch template and fleet requires IMDSv2 (or turns the metadata service off).", [], rules.imdsv2),
    resourcePolicy("encrypted-volumes", "Every EBS volume, standalone or launched with an instance, is encrypted.", [], rules.encryptedVolumes),
    resourcePolicy("instance-type-allow-list", "Instances, templates, fleets, groups, EKS node groups and capacity reservations use allowed instance types (cost).", ["allowedInstanceTypes"], rules.instanceType),
    resourcePolicy("required-tags", "Every taggable AWS resource carries the required tags, its own or its provider's defaults.", ["requiredTags"], rules.requiredTags),
    resourcePolicy("no-loadbalancer-services", "No Kubernetes Service of type LoadBalancer, in a Service, a patch, chart values or values files: destroy would leave the AWS load balancer behind.", [], rules.noLoadBalancer),
    resourcePolicy("chart-values-files-readable", "Advice: chart values files the pack cannot read (a path, a URL, an archive) are not judged for LoadBalancer Services.", [], rules.unreadValuesFiles, "advisory"),
];
