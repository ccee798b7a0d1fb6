import * as assert from "assert";
import { runProgram } from "../harness";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";

describe("Network", () => {
    it("builds one VPC with a public and a private subnet in one zone", async () => {
        const program = await runProgram();
        const vpcs = program.ofType(VPC);
        assert.strictEqual(vpcs.length, 1);
        assert.strictEqual(vpcs[0].inputs.cidrBlock, "10.0.0.0/16");
        const subnets = program.ofType(SUBNET);
        assert.deepStrictEqual(subnets.map((s) => s.inputs.cidrBlock).sort(), ["10.0.1.0/24", "10.0.2.0/24"]);
        assert.ok(subnets.every((s) => s.inputs.availabilityZone === "ap-northeast-2a"));
        assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false), "no subnet hands out public IPs by itself");
        assert.strictEqual(program.output("availabilityZone").value, "ap-northeast-2a");
    });

    it("picks the first zone that offers both instance types", async () => {
        const program = await runProgram({ zones: { "ap-northeast-2a": ["t3.medium"], "ap-northeast-2b": ["t3.large"], "ap-northeast-2c": "all", "ap-northeast-2d": "all" } });
        assert.ok(program.ofType(SUBNET).every((s) => s.inputs.availabilityZone === "ap-northeast-2c"));
    });

    it("uses the configured zone when there is one", async () => {
        const program = await runProgram({ config: { availabilityZone: "ap-northeast-2b" } });
        assert.ok(program.ofType(SUBNET).every((s) => s.inputs.availabilityZone === "ap-northeast-2b"));
    });

    it("stops with a clear message when no zone offers both instance types", async () => {
        const program = await runProgram({ zones: { "ap-northeast-2a": ["t3.medium"], "ap-northeast-2b": ["t3.large"] } });
        assert.match(program.run.error?.message ?? "", /No availability zone of ap-northeast-2 offers both t3.large and t3.medium/);
    });

    it("routes the public subnet to the internet gateway and the private subnet through the NAT gateway", async () => {
        const program = await runProgram();
        const publicRoute = program.get(ROUTE, "network-public-internet");
        const privateRoute = program.get(ROUTE, "network-private-internet");
        assert.strictEqual(publicRoute.inputs.destinationCidrBlock, "0.0.0.0/0");
        assert.strictEqual(publicRoute.inputs.gatewayId, "network-igw-id");
        assert.strictEqual(privateRoute.inputs.destinationCidrBlock, "0.0.0.0/0");
        assert.strictEqual(privateRoute.inputs.natGatewayId, "network-nat-id");
        assert.strictEqual(program.get("aws:ec2/natGateway:NatGateway", "network-nat").inputs.subnetId, "network-public-id");
        const associations = program.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation");
        assert.deepStrictEqual(
            associations.map((a) => `${a.inputs.subnetId}->${a.inputs.routeTableId}`).sort(),
            ["network-private-id->network-private-id", "network-public-id->network-public-id"],
        );
    });
});
