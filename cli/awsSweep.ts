/**
 * The sweep's AWS side, in the stack's region: the Resource Groups Tagging API finds what still
 * carries the lab's tags, EC2 deletes it. Instances and NAT gateways that are already going
 * away are not counted.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
    DeleteInternetGatewayCommand, DeleteKeyPairCommand, DeleteNatGatewayCommand, DeleteRouteTableCommand, DeleteSecurityGroupCommand,
    DeleteSubnetCommand, DeleteVolumeCommand, DeleteVpcCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand,
    DescribeSecurityGroupRulesCommand, DetachInternetGatewayCommand, EC2Client, ReleaseAddressCommand, RevokeSecurityGroupEgressCommand,
    RevokeSecurityGroupIngressCommand, TerminateInstancesCommand, waitUntilInstanceTerminated, waitUntilNatGatewayDeleted,
} from "@aws-sdk/client-ec2";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { deleteOrder, goneAmong, GroupRule, Leftover, parseArn, SweepClient } from "../lib/sweep";

const wait = { maxWaitTime: 900 };

/**
 * The region a stack builds in: its stack file's `k8s-lab:region`, else the project's default.
 * Never AWS_REGION: the sweep must look where the lab is, whatever the shell says.
 */
export function stackRegion(projectDir: string, stack: string): string {
    const read = (file: string): Record<string, unknown> => {
        const full = path.join(projectDir, file);
        return fs.existsSync(full) ? ((YAML.parse(fs.readFileSync(full, "utf8")) ?? {}) as Record<string, unknown>) : {};
    };
    const project = read("Pulumi.yaml") as { name?: string; config?: Record<string, { default?: unknown }> };
    const stackConfig = (read(`Pulumi.${stack}.yaml`).config ?? {}) as Record<string, unknown>;
    return String(stackConfig[`${project.name ?? "k8s-lab"}:region`] ?? project.config?.region?.default ?? "");
}

export function awsSweepClient(region: string): SweepClient {
    const ec2 = new EC2Client({ region });
    const tagging = new ResourceGroupsTaggingAPIClient({ region });

    async function live(arns: string[]): Promise<string[]> {
        const parsed = arns.map(parseArn);
        const ids = (type: string) => parsed.filter((r): r is Leftover => r?.type === type).map((r) => r.id);
        const gone = new Set<string>([
            ...(await goneAmong(ids("instance"), async (InstanceIds) => {
                const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds }));
                return (described.Reservations?.flatMap((r) => r.Instances ?? []) ?? [])
                    .filter((instance) => ["terminated", "shutting-down"].includes(instance.State?.Name ?? "")).map((instance) => instance.InstanceId ?? "");
            })),
            ...(await goneAmong(ids("natgateway"), async (NatGatewayIds) => {
                const described = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds }));
                return (described.NatGateways ?? []).filter((nat) => ["deleted", "deleting"].includes(nat.State ?? "")).map((nat) => nat.NatGatewayId ?? "");
            })),
        ]);
        return arns.filter((_, i) => !gone.has(parsed[i]?.id ?? ""));
    }

    return {
        async tagged(tags) {
            const arns: string[] = [];
            let token: string | undefined;
            do {
                const page = await tagging.send(new GetResourcesCommand({
                    TagFilters: Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] })),
                    ResourceTypeFilters: deleteOrder.map((type) => `ec2:${type}`),
                    PaginationToken: token,
                }));
                arns.push(...(page.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? ""));
                token = page.PaginationToken || undefined;
            } while (token);
            return live(arns);
        },
        async groupReferences(groupIds) {
            const rules: GroupRule[] = [];
            let token: string | undefined;
            do {
                const page = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: groupIds }], NextToken: token }));
                for (const rule of page.SecurityGroupRules ?? []) {
                    const referenced = rule.ReferencedGroupInfo?.GroupId;
                    if (referenced !== undefined && rule.GroupId !== undefined && rule.SecurityGroupRuleId !== undefined) {
                        rules.push({ groupId: rule.GroupId, ruleId: rule.SecurityGroupRuleId, egress: rule.IsEgress === true, referencedGroupId: referenced });
                    }
                }
                token = page.NextToken || undefined;
            } while (token);
            return rules;
        },
        async revoke({ groupId, ruleId, egress }) {
            const input = { GroupId: groupId, SecurityGroupRuleIds: [ruleId] };
            if (egress) await ec2.send(new RevokeSecurityGroupEgressCommand(input));
            else await ec2.send(new RevokeSecurityGroupIngressCommand(input));
        },
        async remove({ type, id }) {
            switch (type) {
                case "instance":
                    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
                    await waitUntilInstanceTerminated({ client: ec2, ...wait }, { InstanceIds: [id] });
                    return;
                case "natgateway":
                    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
                    await waitUntilNatGatewayDeleted({ client: ec2, ...wait }, { NatGatewayIds: [id] });
                    return;
                case "elastic-ip":
                    await ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
                    return;
                case "security-group":
                    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }));
                    return;
                case "internet-gateway": {
                    const described = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [id] }));
                    for (const attachment of described.InternetGateways?.[0]?.Attachments ?? []) {
                        await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: attachment.VpcId }));
                    }
                    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id }));
                    return;
                }
                case "subnet":
                    await ec2.send(new DeleteSubnetCommand({ SubnetId: id }));
                    return;
                case "route-table":
                    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: id }));
                    return;
                case "key-pair":
                    await ec2.send(new DeleteKeyPairCommand({ KeyPairId: id }));
                    return;
                case "volume":
                    await ec2.send(new DeleteVolumeCommand({ VolumeId: id }));
                    return;
                case "vpc":
                    await ec2.send(new DeleteVpcCommand({ VpcId: id }));
                    return;
            }
        },
    };
}
