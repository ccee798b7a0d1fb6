import * as assert from "assert";
import { allowedInstanceTypes } from "../../lib/allowList";
import { catalogue, terminalLanguage as cliLanguage } from "../../lib/messages";
import { policyMessage } from "../../policy/messages";
import { taggableTypes } from "../../policy/rules";
import { PolicyEngine, Resource, unknown } from "./engine";
import { types as resourceTypes } from "../harness";

/*
 * Every case runs the way the engine runs it: the pack in its own process from its folder,
 * each resource through Analyze and whole stacks through AnalyzeStack, unknown values as the
 * engine's sentinels. Each case lists every diagnostic expected, in order.
 */

const allowed = "30080, 30300";
const types = "t4g.nano, t3.medium, t3.large, t3.xlarge, t3a.medium, t3a.large, t3a.xlarge, t4g.medium, t4g.large, t4g.xlarge, m7i.large, m7g.large";
/** What a rule of every protocol (-1) lets in, as the messages say it. */
const all = "every protocol and port";
const v = {
    world: (resource: string, traffic: string, cidr: string, ok = allowed) =>
        `no-world-ingress-except-public-ports: ${resource} opens ${traffic} to ${cidr}; only TCP ${ok} may be open to the world.`,
    worldUnknownPorts: (resource: string, cidr: string) =>
        `no-world-ingress-except-public-ports: ${resource} opens ports that are not known yet to ${cidr}; only TCP ${allowed} may be open to the world.`,
    admin: (resource: string, port: 22 | 6443, cidr: string) =>
        `no-world-ssh-or-api: ${resource} opens port ${port} (${port === 22 ? "SSH" : "Kubernetes API"}) to ${cidr}: SSH and the Kubernetes API are never open to the world, whatever the pack's settings.`,
    together: (rules: string, group: string, traffic: string, family: "IPv4" | "IPv6") =>
        `no-world-ingress-across-rules: The rules ${rules} of security group ${group} together open ${traffic} to more ${family} addresses than a ${family === "IPv4" ? "/8" : "/64"} holds, the widest source allowed; only TCP ${allowed} may be open to the world.`,
    prefixList: (rules: string, group: string, traffic: string, cidr: string, list: string) =>
        `no-world-ingress-across-rules: The rules ${rules} of security group ${group} open ${traffic} to ${cidr} through prefix list ${list}; only TCP ${allowed} may be open to the world.`,
    imdsv2: (resource: string) => `imdsv2-required: ${resource} does not require IMDSv2: set metadataOptions.httpTokens to required, or httpEndpoint to disabled.`,
    imdsv2Specs: (resource: string) =>
        `imdsv2-required: ${resource} launches instances from launchSpecifications, which cannot require IMDSv2: use launchTemplateConfigs with a launch template that does.`,
    unencrypted: (resource: string, volume: string) => `encrypted-volumes: ${resource} has an unencrypted volume (${volume}): set encrypted to true.`,
    type: (resource: string, type: string, ok = types) => `instance-type-allow-list: ${resource} uses instance type ${type}, which is not allowed (cost); allowed: ${ok}.`,
    typeMissing: (resource: string) => `instance-type-allow-list: ${resource} names no instance type, so the allow-list cannot be checked: set instanceType to one of ${types}.`,
    noType: (resource: string) =>
        `instance-type-allow-list: ${resource} cannot be checked: the pack's settings (allowedInstanceTypes) name no type of the allow-list (${types}), so no instance type is allowed.`,
    requirements: (resource: string) =>
        `instance-type-allow-list: ${resource} lets AWS pick instance types by attributes (instanceRequirements), which the allow-list cannot check: name types from ${types}.`,
    tags: (resource: string, missing = "Project, Stack, LabId, ManagedBy") =>
        `required-tags: ${resource} lacks the tags ${missing}, from its own tags or its provider's default tags.`,
    tagsOwn: (resource: string, missing: string) =>
        `required-tags: ${resource} lacks the tags ${missing} in its own tags (the provider's default tags do not reach an auto-scaling group).`,
    loadBalancer: (resource: string, where: string) =>
        `no-loadbalancer-services: ${resource} asks for a LoadBalancer Service (${where}), which would create an AWS load balancer that destroy leaves behind: use NodePort.`,
    valuesFile: (resource: string, file: string) =>
        `chart-values-files-readable: ${resource} takes chart values from ${file}, which the pack cannot read, so it cannot tell whether they ask for a LoadBalancer Service: pass them as values, or check the file yourself.`,
    advisory: (policy: string) => `${policy}: (advisory) unknown during preview`,
};

const labTags = { Project: "k8s-lab", Stack: "dev", LabId: "0a1b2c3d4e5f6789", ManagedBy: "pulumi" };
const provider = { type: resourceTypes.awsProvider, props: { region: "ap-northeast-2", defaultTags: JSON.stringify({ tags: labTags }) } };
const aws = (type: string) => (name: string, props: Record<string, unknown>, p: Resource["provider"] | null = provider): Resource => ({ type, name, props, ...(p ? { provider: p } : {}) });
const vpcRule = aws(resourceTypes.ingressRule);
const sgRule = aws("aws:ec2/securityGroupRule:SecurityGroupRule");
const sg = aws(resourceTypes.securityGroup);
const defaultSg = aws("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
const instance = (name: string, props: Record<string, unknown>, p: Resource["provider"] | null = provider) =>
    aws(resourceTypes.instance)(name, { instanceType: "t3.large", metadataOptions: { httpTokens: "required" }, rootBlockDevice: { encrypted: true }, ...props }, p);
const launchTemplate = aws("aws:ec2/launchTemplate:LaunchTemplate");
const spotRequest = aws("aws:ec2/spotInstanceRequest:SpotInstanceRequest");
const spotFleet = aws("aws:ec2/spotFleetRequest:SpotFleetRequest");
const fleet = aws("aws:ec2/fleet:Fleet");
const group = aws("aws:autoscaling/group:Group");
const launchConfiguration = aws("aws:ec2/launchConfiguration:LaunchConfiguration");
const volume = aws("aws:ebs/volume:Volume");
const k8s = (type: string) => (name: string, props: Record<string, unknown>): Resource => ({ type, name, props, provider: { type: resourceTypes.kubernetesProvider, props: {} } });
const service = k8s(resourceTypes.service);
const servicePatch = k8s("kubernetes:core/v1:ServicePatch");
const serviceList = k8s("kubernetes:core/v1:ServiceList");
const chartV3 = k8s("kubernetes:helm.sh/v3:Chart");
const chartV4 = k8s(resourceTypes.chart);
const release = k8s("kubernetes:helm.sh/v3:Release");
const tcp = (port: number, cidr: string, extra: Record<string, unknown> = {}) => ({ ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr, ...extra });
const tcp6 = (port: number, cidr: string) => ({ ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv6: cidr });
const ok = { instanceType: "t3.large", metadataOptions: { httpTokens: "required" } };
/** A string asset as the engine sends it (a chart's values file). */
const [assetSig, assetKind] = ["4dabf18193072939515e22adb298388d", "c44067f5952c0a294b673a41bacd8c17"];
const textAsset = (text: string) => ({ [assetSig]: assetKind, text });

type Case = [string, Resource, string[], Record<string, Record<string, unknown>>?];

/** One resource at a time (Analyze): the case, the resource, every diagnostic, the pack's settings. */
const resourceCases: Case[] = [
    // Address space and ports.
    ["a public port to the world", vpcRule("r", tcp(30080, "0.0.0.0/0")), []],
    ["SSH to the world: the admin policy alone", vpcRule("r", tcp(22, "0.0.0.0/0")), [v.admin("r", 22, "0.0.0.0/0")]],
    ["the API to all of IPv6", vpcRule("r", tcp6(6443, "::/0")), [v.admin("r", 6443, "::/0")]],
    ["443 to the world is not 6443", vpcRule("r", tcp(443, "0.0.0.0/0")), [v.world("r", "443/tcp", "0.0.0.0/0")]],
    ["half of IPv4", vpcRule("r", tcp(8080, "0.0.0.0/1")), [v.world("r", "8080/tcp", "0.0.0.0/1")]],
    ["IPv6 world spelled out", vpcRule("r", tcp6(443, "0:0:0:0:0:0:0:0/0")), [v.world("r", "443/tcp", "0:0:0:0:0:0:0:0/0")]],
    ["IPv6 world in mapped form", vpcRule("r", tcp6(443, "::ffff:0.0.0.0/0")), [v.world("r", "443/tcp", "::ffff:0.0.0.0/0")]],
    ["world with host bits set", vpcRule("r", tcp(8080, "10.1.2.3/0")), [v.world("r", "8080/tcp", "10.1.2.3/0")]],
    ["a /7, wider than any admin prefix", vpcRule("r", tcp(8080, "10.0.0.0/7")), [v.world("r", "8080/tcp", "10.0.0.0/7")]],
    ["a /8, the widest admin prefix, on SSH", vpcRule("r", tcp(22, "10.0.0.0/8")), []],
    ["a /9 on a random port", vpcRule("r", tcp(5432, "10.0.0.0/9")), []],
    ["IPv6: a /8 on SSH (a registry's block)", vpcRule("r", tcp6(22, "2400::/8")), [v.admin("r", 22, "2400::/8")]],
    ["IPv6: a /63 on SSH, wider than one subnet", vpcRule("r", tcp6(22, "2001:db8::/63")), [v.admin("r", 22, "2001:db8::/63")]],
    ["IPv6: a /64 on SSH, one subnet", vpcRule("r", tcp6(22, "2001:db8::/64")), []],
    ["IPv6: a /63 on a random port", vpcRule("r", tcp6(5432, "2001:db8::/63")), [v.world("r", "5432/tcp", "2001:db8::/63")]],
    ["not a CIDR: judged as the world", vpcRule("r", tcp(8080, "anywhere")), [v.world("r", "8080/tcp", "anywhere")]],
    ["protocol -1: every port", vpcRule("r", { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }), [v.world("r", all, "0.0.0.0/0"), v.admin("r", 22, "0.0.0.0/0"), v.admin("r", 6443, "0.0.0.0/0")]],
    ["protocol 6 is tcp", vpcRule("r", { ipProtocol: "6", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }), [v.admin("r", 22, "0.0.0.0/0")]],
    ["protocol 17 on a public port: only TCP is public", vpcRule("r", { ipProtocol: "17", fromPort: 30080, toPort: 30080, cidrIpv4: "0.0.0.0/0" }), [v.world("r", "30080/udp", "0.0.0.0/0")]],
    ["icmp from the world", vpcRule("r", { ipProtocol: "icmp", fromPort: 8, toPort: 0, cidrIpv4: "0.0.0.0/0" }), [v.world("r", "icmp", "0.0.0.0/0")]],
    ["protocol 50 ignores its ports", vpcRule("r", { ipProtocol: "50", fromPort: 30080, toPort: 30080, cidrIpv4: "0.0.0.0/0" }), [v.world("r", all, "0.0.0.0/0"), v.admin("r", 22, "0.0.0.0/0"), v.admin("r", 6443, "0.0.0.0/0")]],
    ["a range around a public port", sgRule("r", { type: "ingress", protocol: "tcp", fromPort: 30000, toPort: 30100, cidrBlocks: ["0.0.0.0/0"] }), [v.world("r", "30000-30100/tcp", "0.0.0.0/0")]],
    ["a range around SSH", sgRule("r", { type: "ingress", protocol: "tcp", fromPort: 20, toPort: 23, cidrBlocks: ["0.0.0.0/0"] }), [v.world("r", "20-23/tcp", "0.0.0.0/0"), v.admin("r", 22, "0.0.0.0/0")]],
    ["an egress rule to the world is not ingress", sgRule("r", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }), []],
    ["one world CIDR among admin ones", sgRule("r", { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24", "0.0.0.0/0"] }), [v.admin("r", 22, "0.0.0.0/0")]],
    [
        "inline rules, each reported; egress ignored",
        sg("sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 8080, toPort: 8080, ipv6CidrBlocks: ["::/0"] }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
        [v.world("sg ingress[1]", "8080/tcp", "::/0"), v.admin("sg ingress[0]", 22, "0.0.0.0/0")],
    ],
    ["the default security group", defaultSg("default", { ingress: [{ protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["0.0.0.0/0"] }] }), [v.world("default", "3389/tcp", "0.0.0.0/0")]],
    ["a security group with no optional field and no provider", sg("bare", {}, null), [v.tags("bare")]],
    ["aws-native: an ingress resource with SSH to the world", aws("aws-native:ec2:SecurityGroupIngress")("n", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "0.0.0.0/0", groupId: "sg-1" }, null), [v.admin("n", 22, "0.0.0.0/0")]],
    ["aws-native: an ingress resource on a public port", aws("aws-native:ec2:SecurityGroupIngress")("n", { ipProtocol: "tcp", fromPort: 30080, toPort: 30080, cidrIpv6: "::/0", groupId: "sg-1" }, null), []],
    [
        "aws-native: a group's inline rule of every protocol",
        aws("aws-native:ec2:SecurityGroup")("nsg", { groupDescription: "x", securityGroupIngress: [{ ipProtocol: "-1", cidrIp: "0.0.0.0/0" }], securityGroupEgress: [{ ipProtocol: "-1", cidrIp: "0.0.0.0/0" }] }, null),
        [v.world("nsg", all, "0.0.0.0/0"), v.admin("nsg", 22, "0.0.0.0/0"), v.admin("nsg", 6443, "0.0.0.0/0")],
    ],
    ["a rule with no ports and no protocol: all of them", sgRule("r", { type: "ingress", cidrBlocks: ["0.0.0.0/0"] }), [v.world("r", all, "0.0.0.0/0"), v.admin("r", 22, "0.0.0.0/0"), v.admin("r", 6443, "0.0.0.0/0")]],
    // The settings follow the stack, within the limits.
    ["another public port from the settings", vpcRule("r", tcp(30443, "0.0.0.0/0")), [], { "no-world-ingress-except-public-ports": { allowedPorts: [30443] } }],
    ["a default public port the settings leave out", vpcRule("r", tcp(30080, "0.0.0.0/0")), [v.world("r", "30080/tcp", "0.0.0.0/0", "30443")], { "no-world-ingress-except-public-ports": { allowedPorts: [30443] } }],
    ["settings cannot open 443", vpcRule("r", tcp(443, "0.0.0.0/0")), [v.world("r", "443/tcp", "0.0.0.0/0", "30443")], { "no-world-ingress-except-public-ports": { allowedPorts: [443, 30443] } }],
    ["settings cannot open SSH", vpcRule("r", tcp(22, "0.0.0.0/0")), [v.admin("r", 22, "0.0.0.0/0")], { "no-world-ingress-except-public-ports": { allowedPorts: [22, 6443, 30443] } }],
    ["a setting that is not a list: the default, no crash", vpcRule("r", tcp(30080, "0.0.0.0/0")), [], { "no-world-ingress-except-public-ports": { allowedPorts: "30443" } }],
    // Unknown values during a preview.
    ["a world CIDR with unknown ports", vpcRule("r", { ipProtocol: "tcp", fromPort: unknown.number, toPort: unknown.number, cidrIpv4: "0.0.0.0/0" }), [v.worldUnknownPorts("r", "0.0.0.0/0")]],
    ["a world CIDR with an unknown protocol", vpcRule("r", { ipProtocol: unknown.string, fromPort: 30080, toPort: 30080, cidrIpv4: "0.0.0.0/0" }), [v.worldUnknownPorts("r", "0.0.0.0/0")]],
    ["an unknown CIDR on a public port", vpcRule("r", tcp(30080, unknown.string)), []],
    ["an unknown CIDR on SSH", vpcRule("r", tcp(22, unknown.string)), [v.advisory("no-world-ssh-or-api")]],
    [
        "a known world CIDR beside an unknown one",
        sgRule("r", { type: "ingress", protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0", unknown.string] }),
        [v.world("r", "8080/tcp", "0.0.0.0/0"), v.advisory("no-world-ingress-except-public-ports")],
    ],
    ["a known violation whatever else is unknown", vpcRule("r", tcp(22, "0.0.0.0/0", { securityGroupId: unknown.string, description: unknown.string, tags: unknown.object })), [v.admin("r", 22, "0.0.0.0/0")]],
    [
        "an unknown IPv4 list beside a known IPv6 world on SSH",
        sgRule("r", { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: unknown.array, ipv6CidrBlocks: ["::/0"] }),
        [v.admin("r", 22, "::/0"), v.advisory("no-world-ssh-or-api")],
    ],
    [
        "inline: an unknown IPv4 list beside a known IPv6 world",
        sg("sg", { ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: unknown.array, ipv6CidrBlocks: ["::/0"] }] }),
        [v.world("sg", "8080/tcp", "::/0"), v.advisory("no-world-ingress-except-public-ports")],
    ],
    ["an unknown rule type: judged as ingress", sgRule("r", { type: unknown.string, protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }), [v.world("r", "8080/tcp", "0.0.0.0/0")]],
    ["an unknown inline list", sg("sg", { ingress: unknown.array }), [v.advisory("no-world-ingress-except-public-ports")]],
    // Instances, templates, fleets, groups, volumes.
    ["an instance as the lab declares it", instance("node", {}), []],
    ["an instance with the metadata service off", instance("node", { metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional" } }), []],
    ["an instance with IMDSv1", instance("node", { metadataOptions: { httpTokens: "optional" } }), [v.imdsv2("node")]],
    [
        "an instance missing every optional field, without provider",
        aws(resourceTypes.instance)("bare", { ami: "ami-0123" }, null),
        [v.imdsv2("bare"), v.unencrypted("bare", "root"), v.typeMissing("bare"), v.tags("bare")],
    ],
    ["an unencrypted extra volume", instance("node", { ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }, { deviceName: "/dev/sdg", encrypted: true }] }), [v.unencrypted("node", "/dev/sdf")]],
    ["an instance type off the list", instance("node", { instanceType: "p5.48xlarge" }), [v.type("node", "p5.48xlarge")]],
    ["an unknown instance type", instance("node", { instanceType: unknown.string }), [v.advisory("instance-type-allow-list")]],
    ["an unknown metadata setting beside a known bad type", instance("node", { instanceType: "p5.48xlarge", metadataOptions: unknown.object }), [v.advisory("imdsv2-required"), v.type("node", "p5.48xlarge")]],
    ["a narrower type list from the settings", instance("node", { instanceType: "t3.medium" }), [v.type("node", "t3.medium", "t3.large")], { "instance-type-allow-list": { allowedInstanceTypes: ["t3.large"] } }],
    ["settings that name no type of the allow-list: none allowed, said so", instance("node", { instanceType: "t3.large" }), [v.noType("node")], { "instance-type-allow-list": { allowedInstanceTypes: ["p5.48xlarge"] } }],
    ["an EKS node group with a type off the list", aws("aws:eks/nodeGroup:NodeGroup")("ng", { clusterName: "c", nodeRoleArn: "arn", subnetIds: ["s"], instanceTypes: ["t3.large", "p5.48xlarge"], scalingConfig: { desiredSize: 1, maxSize: 1, minSize: 1 } }), [v.type("ng", "p5.48xlarge")]],
    ["an EKS node group with allowed types", aws("aws:eks/nodeGroup:NodeGroup")("ng", { clusterName: "c", nodeRoleArn: "arn", subnetIds: ["s"], instanceTypes: ["t3.large"], scalingConfig: { desiredSize: 1, maxSize: 1, minSize: 1 } }), []],
    ["an EKS node group typed by its launch template", aws("aws:eks/nodeGroup:NodeGroup")("ng", { clusterName: "c", nodeRoleArn: "arn", subnetIds: ["s"], launchTemplate: { id: "lt-1", version: "1" }, scalingConfig: { desiredSize: 1, maxSize: 1, minSize: 1 } }), []],
    ["a capacity reservation off the list", aws("aws:ec2/capacityReservation:CapacityReservation")("cr", { instanceType: "p5.48xlarge", instanceCount: 10, availabilityZone: "a", instancePlatform: "Linux/UNIX" }), [v.type("cr", "p5.48xlarge")]],
    ["settings cannot add a type off the list", instance("node", { instanceType: "p5.48xlarge" }), [v.type("node", "p5.48xlarge", "t3.large")], { "instance-type-allow-list": { allowedInstanceTypes: ["t3.large", "p5.48xlarge"] } }],
    ["a good launch template", launchTemplate("lt", { ...ok, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 30 } }] }), []],
    [
        "a bad launch template",
        launchTemplate("lt", { instanceType: "m5.24xlarge", metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }, { deviceName: "/dev/sdb", virtualName: "ephemeral0" }] }),
        [v.imdsv2("lt"), v.unencrypted("lt", "/dev/xvda"), v.type("lt", "m5.24xlarge")],
    ],
    ["a launch template choosing types by attributes, volumes left to the AMI", launchTemplate("lt", { metadataOptions: { httpTokens: "required" }, instanceRequirements: { vcpuCount: { min: 2 } } }), [v.unencrypted("lt", "root"), v.requirements("lt")]],
    ["a launch template that leaves the type to its launcher", launchTemplate("lt", { metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }] }), []],
    ["a spot request like an instance", spotRequest("spot", { instanceType: "c5.large", metadataOptions: { httpTokens: "optional" }, rootBlockDevice: { encrypted: true } }), [v.imdsv2("spot"), v.type("spot", "c5.large")]],
    ["a spot fleet of launch specifications", spotFleet("sf", { launchSpecifications: [{ instanceType: "t3.large", ami: "ami-1", rootBlockDevices: [{ encrypted: true }] }, { instanceType: "c5.large", ami: "ami-1" }] }), [v.imdsv2Specs("sf"), v.unencrypted("sf", "launchSpecifications[1] root"), v.type("sf launchSpecifications[1]", "c5.large")]],
    ["a spot fleet from templates with overrides", spotFleet("sf", { launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt-1", version: "1" }, overrides: [{ instanceType: "t3.large" }, { instanceType: "p4d.24xlarge" }] }] }), [v.type("sf", "p4d.24xlarge")]],
    ["an EC2 fleet choosing by attributes", fleet("fl", { launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: "lt-1", version: "1" }, overrides: [{ instanceRequirements: { vcpuCount: { min: 2 } } }] }] }), [v.requirements("fl")]],
    [
        "an auto-scaling group: mixed types and its own tags",
        group("asg", { maxSize: 2, minSize: 1, mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides: [{ instanceType: "t3.medium" }, { instanceType: "x2iedn.32xlarge" }] } }, tags: [{ key: "Project", value: "k8s-lab", propagateAtLaunch: true }] }),
        [v.type("asg", "x2iedn.32xlarge"), v.tagsOwn("asg", "Stack, LabId, ManagedBy")],
    ],
    ["an auto-scaling group with a template and every tag", group("asg", { maxSize: 2, minSize: 1, launchTemplate: { id: "lt-1" }, tags: Object.entries(labTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })) }), []],
    ["a launch configuration (no tags to carry)", launchConfiguration("lc", { imageId: "ami-1", instanceType: "t3.large" }, null), [v.imdsv2("lc"), v.unencrypted("lc", "root")]],
    ["an unencrypted volume", volume("data", { availabilityZone: "ap-northeast-2a", size: 10, encrypted: false }), [v.unencrypted("data", "data")]],
    ["an encrypted volume", volume("data", { availabilityZone: "ap-northeast-2a", size: 10, encrypted: true }), []],
    ["a volume missing every optional field, without provider", volume("data", { availabilityZone: "ap-northeast-2a" }, null), [v.unencrypted("data", "data"), v.tags("data")]],
    // Tags.
    ["own tags and the provider's add up", aws(resourceTypes.vpc)("vpc", { tags: { Project: "k8s-lab", Stack: "dev" } }, { type: resourceTypes.awsProvider, props: { defaultTags: JSON.stringify({ tags: { LabId: "x", ManagedBy: "pulumi" } }) } }), []],
    ["a provider without default tags", aws(resourceTypes.vpc)("vpc", { tags: { Name: "x" } }, { type: resourceTypes.awsProvider, props: {} }), [v.tags("vpc")]],
    ["unknown default tags cannot hide a known gap", aws(resourceTypes.vpc)("vpc", {}, { type: resourceTypes.awsProvider, props: { defaultTags: unknown.string } }), [v.advisory("required-tags")]],
    ["settings cannot drop the lab's tags", aws(resourceTypes.vpc)("vpc", {}, null), [v.tags("vpc")], { "required-tags": { requiredTags: [] } }],
    ["required tags from the settings", aws(resourceTypes.subnet)("subnet", {}), [v.tags("subnet", "Owner")], { "required-tags": { requiredTags: ["Project", "Owner"] } }],
    ["an untaggable resource", aws(resourceTypes.route)("route", { destinationCidrBlock: "0.0.0.0/0" }, null), []],
    ["an AWS type off the list that sets tags", aws(resourceTypes.bucket)("bucket", { tags: { Name: "x" } }, null), [v.tags("bucket")]],
    // Kubernetes.
    ["a LoadBalancer Service", service("lb", { spec: { type: "LoadBalancer", ports: [{ port: 80 }] } }), [v.loadBalancer("lb", "spec.type")]],
    ["a NodePort Service", service("np", { spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] } }), []],
    ["a Service with no spec", service("bare", { metadata: { name: "x" } }), []],
    ["a patch that makes a LoadBalancer", servicePatch("patch", { metadata: { name: "istio-ingressgateway" }, spec: { type: "LoadBalancer" } }), [v.loadBalancer("patch", "spec.type")]],
    ["a list with a LoadBalancer", serviceList("list", { items: [{ spec: { type: "ClusterIP" } }, { spec: { type: "LoadBalancer" } }] }), [v.loadBalancer("list", "items[1].spec.type")]],
    ["chart values with a LoadBalancer (helm v4)", chartV4("ingress", { chart: "ingress-nginx", values: { controller: { service: { type: "LoadBalancer" } } } }), [v.loadBalancer("ingress", "values.controller.service.type")]],
    ["release values with a LoadBalancer service type", release("grafana", { chart: "grafana", values: { service: { type: "NodePort" }, proxy: { serviceType: "LoadBalancer" } } }), [v.loadBalancer("grafana", "values.proxy.serviceType")]],
    ["chart values with an unknown service type (helm v3)", chartV3("app", { chart: "app", values: { service: { type: unknown.string }, password: unknown.string } }), [v.advisory("no-loadbalancer-services")]],
    ["chart values with unknowns elsewhere", chartV4("app", { chart: "app", values: { service: { type: "NodePort" }, adminPassword: unknown.string } }), []],
    ["chart values with an unknown subtree", release("r", { chart: "x", values: { controller: { service: unknown.object } } }), [v.advisory("no-loadbalancer-services")]],
    ["chart values with LoadBalancer under another key", release("r", { chart: "x", values: { service: { kind: "LoadBalancer" } } }), [v.loadBalancer("r", "values.service.kind")]],
    ["a values file asking for a LoadBalancer", release("r", { chart: "x", valueYamlFiles: [textAsset("# no LoadBalancer here\ncontroller:\n  service:\n    type: LoadBalancer\n")] }), [v.loadBalancer("r", "valueYamlFiles[0] line 4")]],
    ["a values file in flow style (helm v4)", chartV4("c", { chart: "x", valueYamlFiles: [textAsset("service: {type: NodePort}\n"), textAsset("service: {ports: [80], type: 'LoadBalancer'}\n")] }), [v.loadBalancer("c", "valueYamlFiles[1] line 1")]],
    ["a values file that only mentions LoadBalancer", chartV4("c", { chart: "x", valueYamlFiles: [textAsset("# type: LoadBalancer would leave a load balancer behind\nservice:\n  type: NodePort\n  loadBalancerClass: none\n")] }), []],
    ["a values file the pack cannot read: advice", release("r", { chart: "x", valueYamlFiles: [{ [assetSig]: assetKind, path: "values/prod.yaml" }] }), [v.valuesFile("r", "values/prod.yaml")]],
    ["values files not known yet", chartV4("c", { chart: "x", valueYamlFiles: unknown.array }), [v.advisory("no-loadbalancer-services")]],
];

/** Whole stacks (AnalyzeStack): the rules that reach one security group, together. */
const sgProps = { vpcId: "vpc-1" };
const ruleTo = (name: string, group: string, props: Record<string, unknown>): Resource => ({ ...vpcRule(name, { ...props, securityGroupId: unknown.string }), dependsOn: { securityGroupId: [group] } });
const slash8 = (first: number, last: number, props: (cidr: string) => Record<string, unknown>, group = "sg") =>
    Array.from({ length: last - first + 1 }, (_, i) => ruleTo(`n${first + i}`, group, props(`${first + i}.0.0.0/8`)));
const names = (first: number, last: number, extra: string[] = []) => [...extra, ...Array.from({ length: last - first + 1 }, (_, i) => `n${first + i}`)].sort().join(", ");
const prefixList = (name: string, entries: string[]): Resource => aws("aws:ec2/managedPrefixList:ManagedPrefixList")(name, { addressFamily: "IPv4", maxEntries: 5, entries: entries.map((cidr) => ({ cidr })) });

const sgRuleTo = (name: string, group: string, props: Record<string, unknown>): Resource => ({ ...sgRule(name, { type: "ingress", ...props, securityGroupId: unknown.string }), dependsOn: { securityGroupId: [group] } });
const pending = (name: string, group: string, cidr: string) => ruleTo(name, group, { ipProtocol: "tcp", fromPort: unknown.number, toPort: unknown.number, cidrIpv4: cidr });
const nativeSg = aws("aws-native:ec2:SecurityGroup");
const nativeIngress = aws("aws-native:ec2:SecurityGroupIngress");

const stackCases: [string, Resource[], string[]][] = [
    // More addresses together than one /8 (IPv6: one /64) holds, on anything but the public ports.
    ["two /8s on SSH: twice a /8's worth", [sg("sg", sgProps), ...slash8(10, 11, (c) => tcp(22, c))], [v.together("n10, n11", "sg", "22/tcp", "IPv4")]],
    ["a /8 and an address inside it on SSH: one /8's worth", [sg("sg", sgProps), ...slash8(10, 10, (c) => tcp(22, c)), ruleTo("me", "sg", tcp(22, "10.1.2.3/32"))], []],
    ["a /8 and one address outside it on SSH: one more than a /8 holds", [sg("sg", sgProps), ...slash8(10, 10, (c) => tcp(22, c)), ruleTo("me", "sg", tcp(22, "203.0.113.7/32"))], [v.together("me, n10", "sg", "22/tcp", "IPv4")]],
    ["every /8 of IPv4 on SSH", [sg("sg", sgProps), ...slash8(0, 255, (c) => tcp(22, c))], [v.together(names(0, 255), "sg", "22/tcp", "IPv4")]],
    ["every /8 but 0.0.0.0/8 on SSH: reserved space left out", [sg("sg", sgProps), ...slash8(1, 255, (c) => tcp(22, c))], [v.together(names(1, 255), "sg", "22/tcp", "IPv4")]],
    ["1.0.0.0/8 to 223.0.0.0/8 on 8080: every unicast /8", [sg("sg", sgProps), ...slash8(1, 223, (c) => tcp(8080, c))], [v.together(names(1, 223), "sg", "8080/tcp", "IPv4")]],
    ["every /8 on a public port", [sg("sg", sgProps), ...slash8(0, 255, (c) => tcp(30080, c))], []],
    ["two /8s in two groups", [sg("sg", sgProps), sg("other", sgProps), ...slash8(10, 10, (c) => tcp(443, c)), ...slash8(11, 11, (c) => tcp(443, c), "other")], []],
    ["two /8s on two ports", [sg("sg", sgProps), ...slash8(10, 10, (c) => tcp(443, c)), ...slash8(11, 11, (c) => tcp(8443, c))], []],
    [
        "overlapping port ranges: only the overlap",
        [sg("sg", sgProps), ruleTo("a", "sg", { ipProtocol: "tcp", fromPort: 400, toPort: 500, cidrIpv4: "10.0.0.0/8" }), ruleTo("b", "sg", { ipProtocol: "tcp", fromPort: 443, toPort: 30080, cidrIpv4: "11.0.0.0/8" })],
        [v.together("a, b", "sg", "443-500/tcp", "IPv4")],
    ],
    ["a /8 of every protocol and a tcp /8: tcp only", [sg("sg", sgProps), ruleTo("a", "sg", { ipProtocol: "-1", cidrIpv4: "10.0.0.0/8" }), ruleTo("b", "sg", tcp(443, "11.0.0.0/8"))], [v.together("a, b", "sg", "443/tcp", "IPv4")]],
    [
        "two /8s of every protocol: once, as every protocol, not per protocol",
        [sg("sg", sgProps), sgRuleTo("a", "sg", { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }), sgRuleTo("b", "sg", { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["11.0.0.0/8"] })],
        [v.together("a, b", "sg", all, "IPv4")],
    ],
    ["an inline /8 and a rule resource's /8 on udp", [sg("sg", { ingress: [{ protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: ["10.0.0.0/8"] }] }), ruleTo("b", "sg", { ipProtocol: "udp", fromPort: 53, toPort: 53, cidrIpv4: "11.0.0.0/8" })], [v.together("b, sg", "sg", "53/udp", "IPv4")]],
    ["a rule wider than /8 is reported per resource, not again with the group", [sg("sg", sgProps), ruleTo("half", "sg", tcp(443, "0.0.0.0/1")), ...slash8(200, 200, (c) => tcp(443, c))], []],
    ["egress rules that cover the world", [sg("sg", sgProps), ...Array.from({ length: 256 }, (_, i) => sgRuleTo(`e${i}`, "sg", { type: "egress", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [`${i}.0.0.0/8`] }))], []],
    // IPv6: the program opens nothing over it; a /64, one subnet, is the widest source.
    ["two /64s on SSH", [sg("sg", sgProps), ruleTo("a", "sg", tcp6(22, "2001:db8:0:1::/64")), ruleTo("b", "sg", tcp6(22, "2001:db8:0:2::/64"))], [v.together("a, b", "sg", "22/tcp", "IPv6")]],
    ["a /64 and an address inside it on SSH", [sg("sg", sgProps), ruleTo("a", "sg", tcp6(22, "2001:db8:0:1::/64")), ruleTo("b", "sg", tcp6(22, "2001:db8:0:1::7/128"))], []],
    ["a /8 of IPv4 and a /64 of IPv6: each family on its own", [sg("sg", sgProps), ruleTo("a", "sg", tcp(22, "10.0.0.0/8")), ruleTo("b", "sg", tcp6(22, "2001:db8::/64"))], []],
    // Every way a rule reaches a group.
    [
        "a rule naming the group by its literal id joins the group's inline rules",
        [sg("sg", { ...sgProps, id: "sg-0123", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }] }), vpcRule("by-id", { ...tcp(22, "11.0.0.0/8"), securityGroupId: "sg-0123" })],
        [v.together("by-id, sg", "sg", "22/tcp", "IPv4")],
    ],
    ["a rule naming another group's id", [sg("sg", { ...sgProps, id: "sg-0123", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }] }), vpcRule("by-id", { ...tcp(22, "11.0.0.0/8"), securityGroupId: "sg-0999" })], []],
    [
        "the default security group's inline rules and a rule on the VPC's defaultSecurityGroupId",
        [
            aws(resourceTypes.vpc)("vpc", { cidrBlock: "10.0.0.0/16" }),
            { ...defaultSg("dsg", { vpcId: unknown.string, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }] }), dependsOn: { vpcId: ["vpc"] } },
            ruleTo("via-vpc", "vpc", tcp(22, "11.0.0.0/8")),
        ],
        [v.together("dsg, via-vpc", "dsg", "22/tcp", "IPv4")],
    ],
    [
        "the same with the default group's VPC unknown and no dependency: the stack's only VPC",
        [
            aws(resourceTypes.vpc)("vpc", { cidrBlock: "10.0.0.0/16" }),
            defaultSg("dsg", { vpcId: unknown.string, ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }] }),
            ruleTo("via-vpc", "vpc", tcp(22, "11.0.0.0/8")),
        ],
        [v.together("dsg, via-vpc", "dsg", "22/tcp", "IPv4")],
    ],
    [
        "aws-native: a group's inline rule and an ingress resource",
        [
            nativeSg("nsg", { groupDescription: "x", securityGroupIngress: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "10.0.0.0/8" }] }, null),
            { ...nativeIngress("ni", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "11.0.0.0/8", groupId: unknown.string }, null), dependsOn: { groupId: ["nsg"] } },
        ],
        [v.together("ni, nsg", "nsg", "22/tcp", "IPv4")],
    ],
    // Rules whose ports are not known yet (a preview).
    ["every /8 with unknown ports", [sg("sg", sgProps), ...Array.from({ length: 256 }, (_, i) => pending(`n${i}`, "sg", `${i}.0.0.0/8`))], [v.advisory("no-world-ingress-across-rules")]],
    ["a /8 with unknown ports beside a /8 on SSH", [sg("sg", sgProps), ...slash8(10, 10, (c) => tcp(22, c)), pending("later", "sg", "11.0.0.0/8")], [v.advisory("no-world-ingress-across-rules")]],
    ["an address with unknown ports beside an address on SSH", [sg("sg", sgProps), ruleTo("a", "sg", tcp(22, "203.0.113.7/32")), pending("later", "sg", "198.51.100.7/32")], []],
    [
        "unknown ports beside rules that already open every port: the known violation alone",
        [sg("sg", sgProps), sgRuleTo("a", "sg", { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }), sgRuleTo("b", "sg", { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["11.0.0.0/8"] }), pending("later", "sg", "12.0.0.0/8")],
        [v.together("a, b", "sg", all, "IPv4")],
    ],
    [
        "a known violation, and unknown ports that could add another",
        [sg("sg", sgProps), ...slash8(10, 11, (c) => tcp(22, c)), ruleTo("web", "sg", tcp(443, "13.0.0.0/8")), pending("later", "sg", "12.0.0.0/8")],
        [v.together("n10, n11", "sg", "22/tcp", "IPv4"), v.advisory("no-world-ingress-across-rules")],
    ],
    // Prefix lists of the stack.
    [
        "a prefix list of the stack with the world on SSH",
        [sg("sg", sgProps), prefixList("pl", ["203.0.113.0/24", "0.0.0.0/0"]), { ...vpcRule("via-pl", { ipProtocol: "tcp", fromPort: 22, toPort: 22, prefixListId: unknown.string, securityGroupId: unknown.string }), dependsOn: { securityGroupId: ["sg"], prefixListId: ["pl"] } }],
        [v.prefixList("via-pl", "sg", "22/tcp", "0.0.0.0/0", "pl")],
    ],
    ["a prefix list of admin networks, a /9 and a /24", [sg("sg", sgProps), prefixList("pl", ["203.0.113.0/24", "10.0.0.0/9"]), { ...vpcRule("via-pl", { ipProtocol: "tcp", fromPort: 22, toPort: 22, prefixListId: unknown.string, securityGroupId: unknown.string }), dependsOn: { securityGroupId: ["sg"], prefixListId: ["pl"] } }], []],
    [
        "a prefix list of every /8 on SSH",
        [sg("sg", sgProps), prefixList("pl", Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`)), { ...vpcRule("via-pl", { ipProtocol: "tcp", fromPort: 22, toPort: 22, prefixListId: unknown.string, securityGroupId: unknown.string }), dependsOn: { securityGroupId: ["sg"], prefixListId: ["pl"] } }],
        [v.together("via-pl", "sg", "22/tcp", "IPv4")],
    ],
    [
        "a prefix list filled by entry resources",
        [
            sg("sg", sgProps), prefixList("pl", []),
            { ...aws("aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry")("e1", { cidr: "0.0.0.0/1", prefixListId: unknown.string }), dependsOn: { prefixListId: ["pl"] } },
            { ...aws("aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry")("e2", { cidr: "128.0.0.0/1", prefixListId: unknown.string }), dependsOn: { prefixListId: ["pl"] } },
            { ...sgRule("via-pl", { type: "ingress", protocol: "tcp", fromPort: 8080, toPort: 8080, prefixListIds: [unknown.string], securityGroupId: unknown.string }), dependsOn: { securityGroupId: ["sg"], prefixListIds: ["pl"] } },
        ],
        [v.prefixList("via-pl", "sg", "8080/tcp", "0.0.0.0/1", "pl")],
    ],
    [
        "a prefix list with the world, named inline by a group",
        [prefixList("pl", ["0.0.0.0/0"]), { ...sg("sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, prefixListIds: [unknown.string] }] }), dependsOn: { ingress: ["pl"] } }],
        [v.prefixList("sg", "sg", "22/tcp", "0.0.0.0/0", "pl")],
    ],
    [
        "the default security group through a prefix list of known id: every protocol, once",
        [{ ...prefixList("pl", ["::/0"]), props: { addressFamily: "IPv6", maxEntries: 1, entries: [{ cidr: "::/0" }], id: "pl-0123" } }, defaultSg("default", { vpcId: "vpc-1", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, prefixListIds: ["pl-0123"] }] })],
        [v.prefixList("default", "default", all, "::/0", "pl")],
    ],
];

describe("policy pack, as the engine runs it", function () {
    this.timeout(120_000);
    let engine: PolicyEngine;
    before(async () => (engine = await PolicyEngine.start({ LANG: "C.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined, LAB_LANGUAGE: undefined })));
    after(() => engine?.stop());

    it(`has at least 40 resource cases and covers every kind (${resourceCases.length} + ${stackCases.length})`, () => {
        const kinds = [...new Set(resourceCases.map(([, r]) => r.type))].sort();
        assert.ok(resourceCases.length >= 40);
        assert.deepStrictEqual(kinds, [
            "aws-native:ec2:SecurityGroup", "aws-native:ec2:SecurityGroupIngress", "aws:autoscaling/group:Group", "aws:ebs/volume:Volume", "aws:ec2/capacityReservation:CapacityReservation",
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/fleet:Fleet", resourceTypes.instance,
            "aws:ec2/launchConfiguration:LaunchConfiguration", "aws:ec2/launchTemplate:LaunchTemplate", resourceTypes.route, resourceTypes.securityGroup,
            "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:ec2/spotFleetRequest:SpotFleetRequest", "aws:ec2/spotInstanceRequest:SpotInstanceRequest", resourceTypes.subnet,
            resourceTypes.vpc, "aws:eks/nodeGroup:NodeGroup", resourceTypes.bucket, resourceTypes.ingressRule, resourceTypes.service, "kubernetes:core/v1:ServiceList",
            "kubernetes:core/v1:ServicePatch", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release", resourceTypes.chart,
        ]);
    });

    for (const [what, resource, expected, config] of resourceCases) {
        it(`resource: ${what}`, async () => {
            await engine.configure(config);
            assert.deepStrictEqual(await engine.analyze(resource), expected);
        });
    }

    for (const [what, resources, expected] of stackCases) {
        it(`stack: ${what}`, async () => {
            await engine.configure();
            assert.deepStrictEqual(await engine.analyzeStack(resources), expected);
        });
    }

    it("allows every type of the allow-list, and nothing else of the same families", async () => {
        await engine.configure();
        const verdicts = await Promise.all([...allowedInstanceTypes, "t3.2xlarge", "m7i.xlarge"].map(async (type) => [type, await engine.analyze(instance("node", { instanceType: type }))]));
        assert.deepStrictEqual(verdicts, [
            ...allowedInstanceTypes.map((type) => [type, []]),
            ["t3.2xlarge", [v.type("node", "t3.2xlarge")]],
            ["m7i.xlarge", [v.type("node", "m7i.xlarge")]],
        ]);
    });

    it("asks every taggable type for the tags, and takes them from the provider", async () => {
        await engine.configure();
        const expectedTypes = [
            resourceTypes.vpc, resourceTypes.subnet, resourceTypes.internetGateway, resourceTypes.routeTable, resourceTypes.eip,
            resourceTypes.natGateway, resourceTypes.securityGroup, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", resourceTypes.keyPair,
            resourceTypes.ingressRule, resourceTypes.egressRule, "aws:ec2/managedPrefixList:ManagedPrefixList",
            "aws:ec2/networkInterface:NetworkInterface", "aws:ebs/volume:Volume", resourceTypes.instance, "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
            "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/spotFleetRequest:SpotFleetRequest", "aws:ec2/fleet:Fleet", "aws:autoscaling/group:Group",
            "aws:ec2/capacityReservation:CapacityReservation", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
            resourceTypes.bucket, "aws:s3/bucketV2:BucketV2", resourceTypes.iamRole, "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile", "aws:iam/user:User",
            "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer",
            "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", resourceTypes.kmsKey, "aws:cloudwatch/logGroup:LogGroup", "aws:secretsmanager/secret:Secret",
            "aws:ssm/parameter:Parameter", "aws:lambda/function:Function", "aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:ecr/repository:Repository",
        ];
        assert.deepStrictEqual(taggableTypes, expectedTypes);
        const tagViolations = async (r: Resource) => (await engine.analyze(r)).filter((d) => d.startsWith("required-tags:"));
        const without = await Promise.all(expectedTypes.map((type) => tagViolations(aws(type)("x", {}, { type: resourceTypes.awsProvider, props: {} }))));
        assert.deepStrictEqual(without, expectedTypes.map((type) => [type === "aws:autoscaling/group:Group" ? v.tagsOwn("x", "Project, Stack, LabId, ManagedBy") : v.tags("x")]));
        const withDefaults = await Promise.all(expectedTypes.map((type) => tagViolations(aws(type)("x", {}))));
        assert.deepStrictEqual(withDefaults, expectedTypes.map((type) => (type === "aws:autoscaling/group:Group" ? [v.tagsOwn("x", "Project, Stack, LabId, ManagedBy")] : [])));
    });
});

describe("policy pack, in the operator's language", function () {
    this.timeout(60_000);
    const ssh = vpcRule("r", tcp(22, "0.0.0.0/0"));
    const korean = "no-world-ssh-or-api: r 리소스가 SSH 포트 22번을 0.0.0.0/0 대역에 엽니다. SSH와 Kubernetes API는 팩 설정과 상관없이 인터넷 전체에 열 수 없습니다.";

    it("reads it from the environment at each message, as the CLI does: LAB_LANGUAGE, else LC_ALL, LC_MESSAGES, LANG", () => {
        const environments = [
            [{ LANG: "ko_KR.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined, LAB_LANGUAGE: undefined }, "ko"],
            [{ LANG: "C.UTF-8", LC_ALL: "ko_KR.UTF-8", LC_MESSAGES: undefined, LAB_LANGUAGE: undefined }, "ko"],
            [{ LANG: "ko_KR.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined, LAB_LANGUAGE: "en" }, "en"],
            [{ LANG: "C.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined, LAB_LANGUAGE: undefined }, "en"],
        ] as const;
        const saved = { ...process.env };
        try {
            const spoken = environments.map(([env]) => {
                for (const [name, value] of Object.entries(env)) {
                    if (value === undefined) Reflect.deleteProperty(process.env, name);
                    else process.env[name] = value;
                }
                return [policyMessage("policy.allTraffic", {}), cliLanguage(env.LAB_LANGUAGE, env)];
            });
            assert.deepStrictEqual(spoken, environments.map(([, language]) => [catalogue[language]["policy.allTraffic"], language]));
        } finally {
            for (const name of Object.keys(process.env)) if (!(name in saved)) Reflect.deleteProperty(process.env, name);
            Object.assign(process.env, saved);
        }
    });

    // The pack's own process reads its environment (the engine in the tests above speaks English under C.UTF-8).
    it("speaks the setting's language from the pack's process", async () => {
        const engine = await PolicyEngine.start({ LANG: "C.UTF-8", LC_ALL: undefined, LC_MESSAGES: undefined, LAB_LANGUAGE: "ko" });
        try {
            assert.deepStrictEqual(await engine.analyze(ssh), [korean]);
        } finally {
            engine.stop();
        }
    });
});
