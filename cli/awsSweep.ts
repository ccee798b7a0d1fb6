/**
 * The sweep's AWS side: the Resource Groups Tagging API finds what still carries the lab's
 * tags, EC2 deletes it. Instances and NAT gateways that are already going away are not counted.
 */
import {
    DeleteInternetGatewayCommand, DeleteKeyPairCommand, DeleteNatGatewayCommand, DeleteRouteTableCommand, DeleteSecurityGroupCommand,
    DeleteSubnetCommand, DeleteVolumeCommand, DeleteVpcCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand,
    DetachInternetGatewayCommand, EC2Client, ReleaseAddressCommand, TerminateInstancesCommand, waitUntilInstanceTerminated, waitUntilNatGatewayDeleted,
} from "@aws-sdk/client-ec2";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import { deleteOrder, Leftover, parseArn, SweepClient } from "../lib/sweep";

const wait = { maxWaitTime: 900 };

export function awsSweepClient(region: string): SweepClient {
    const ec2 = new EC2Client({ region });
    const tagging = new ResourceGroupsTaggingAPIClient({ region });

    async function live(arns: string[]): Promise<string[]> {
        const parsed = arns.map(parseArn);
        const ids = (type: string) => parsed.filter((r): r is Leftover => r?.type === type).map((r) => r.id);
        const gone = new Set<string>();
        if (ids("instance").length > 0) {
            const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids("instance") }));
            for (const instance of described.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) {
                if (["terminated", "shutting-down"].includes(instance.State?.Name ?? "")) gone.add(instance.InstanceId ?? "");
            }
        }
        if (ids("natgateway").length > 0) {
            const described = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ids("natgateway") }));
            for (const nat of described.NatGateways ?? []) if (["deleted", "deleting"].includes(nat.State ?? "")) gone.add(nat.NatGatewayId ?? "");
        }
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
