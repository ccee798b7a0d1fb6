import * as assert from "assert";
import { natUserData } from "../../components/natInstance";
import { runProgram, types } from "../harness";


describe("Network", () => {
    it("builds one types.vpc with a public and a private subnet in one zone", async () => {
        const program = await runProgram();
        const vpcs = program.ofType(types.vpc);
        assert.strictEqual(vpcs.length, 1);
        assert.strictEqual(vpcs[0].inputs.cidrBlock, "10.0.0.0/16");
        const subnets = program.ofType(types.subnet);
        assert.deepStrictEqual(subnets.map((s) => s.inputs.cidrBlock).sort(), ["10.0.1.0/24", "10.0.2.0/24"]);
        assert.ok(subnets.every((s) => s.inputs.availabilityZone === "ap-northeast-2a"));
        assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false), "no subnet hands out public IPs by itself");
        assert.strictEqual(program.output("availabilityZone").value, "ap-northeast-2a");
    });

    it("picks the first zone that offers both instance types", async () => {
        const program = await runProgram({ zones: { "ap-northeast-2a": ["t3.medium"], "ap-northeast-2b": ["t3.large"], "ap-northeast-2c": "all", "ap-northeast-2d": "all" } });
        assert.ok(program.ofType(types.subnet).every((s) => s.inputs.availabilityZone === "ap-northeast-2c"));
    });

    it("uses the configured zone when there is one", async () => {
        const program = await runProgram({ config: { availabilityZone: "ap-northeast-2b" } });
        assert.ok(program.ofType(types.subnet).every((s) => s.inputs.availabilityZone === "ap-northeast-2b"));
    });

    it("stops with a clear message when no zone offers both instance types", async () => {
        const program = await runProgram({ zones: { "ap-northeast-2a": ["t3.medium"], "ap-northeast-2b": ["t3.large"] } });
        assert.match(program.run.error?.message ?? "", /No availability zone of ap-northeast-2 offers both t3.large and t3.medium/);
    });

    const associations = (program: Awaited<ReturnType<typeof runProgram>>) =>
        program.ofType(types.routeTableAssociation).map((a) => `${a.inputs.subnetId}->${a.inputs.routeTableId}`).sort();

    it("routes the private subnet through a NAT instance by default, and no worker waits for a NAT gateway", async () => {
        const program = await runProgram();
        const publicRoute = program.get(types.route, "network-public-internet");
        assert.deepStrictEqual([publicRoute.inputs.destinationCidrBlock, publicRoute.inputs.gatewayId], ["0.0.0.0/0", "network-igw-id"]);
        const privateRoute = program.get(types.route, "network-private-internet");
        assert.deepStrictEqual({ ...privateRoute.inputs, __defaults: undefined }, { __defaults: undefined, routeTableId: "network-private-id", destinationCidrBlock: "0.0.0.0/0", networkInterfaceId: "eni-network-nat" });
        assert.deepStrictEqual(associations(program), ["network-private-id->network-private-id", "network-public-id->network-public-id"]);
        assert.deepStrictEqual(program.ofType(types.natGateway), []);
        assert.deepStrictEqual(program.ofType(types.eip), []);
        // Each worker boots once the NAT instance runs and its route and association exist.
        for (const worker of program.ofType(types.instance).filter((i) => i.name.startsWith("worker-"))) {
            assert.deepStrictEqual(worker.dependsOn.filter((d) => !d.includes("SecurityGroupEgressRule")), [
                `${types.route}::network-private-internet`,
                "aws:ec2/routeTableAssociation:RouteTableAssociation::network-private",
                `${types.instance}::network-nat`,
            ]);
        }
    });

    it("builds the NAT instance small, on-demand, forwarding, with its own security group open only to the workers' subnet", async () => {
        const program = await runProgram();
        const nat = program.get(types.instance, "network-nat");
        const { userData, volumeTags, ...inputs } = nat.inputs;
        assert.deepStrictEqual({ ...inputs, __defaults: undefined }, {
            __defaults: undefined,
            ami: "ami-ubuntu2404arm64",
            instanceType: "t4g.nano",
            subnetId: "network-public-id",
            vpcSecurityGroupIds: ["network-nat-id"],
            associatePublicIpAddress: true,
            sourceDestCheck: false,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            userDataReplaceOnChange: true,
            tags: { Name: "k8s-lab-dev-nat" },
        });
        assert.strictEqual(userData, natUserData("10.0.2.0/24"));
        const defaultTags = (JSON.parse(String(program.get(types.awsProvider, "aws").inputs.defaultTags)) as { tags: Record<string, string> }).tags;
        assert.deepStrictEqual(volumeTags, { ...defaultTags, Name: "k8s-lab-dev-nat" });
        assert.deepStrictEqual(nat.options.ignoreChanges, ["ami"]);
        // It boots (and the workers, which wait for it) once its rules exist, both ways.
        assert.deepStrictEqual(nat.dependsOn, [
            `${types.route}::network-public-internet`,
            "aws:ec2/routeTableAssociation:RouteTableAssociation::network-public",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::network-nat-tcp-80-from-workers",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::network-nat-tcp-443-from-workers",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::network-nat-icmp-from-workers",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::network-nat-tcp-80-out",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::network-nat-tcp-443-out",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::network-nat-icmp-out",
        ]);
        const rules = (type: string) => program.ofType(type).filter((r) => r.inputs.securityGroupId === "network-nat-id")
            .map((r) => `${String(r.inputs.ipProtocol)} ${String(r.inputs.fromPort)}-${String(r.inputs.toPort)} ${String(r.inputs.cidrIpv4)}`);
        assert.deepStrictEqual(rules(types.ingressRule), ["tcp 80-80 10.0.2.0/24", "tcp 443-443 10.0.2.0/24", "icmp -1--1 10.0.2.0/24"]);
        assert.deepStrictEqual(rules(types.egressRule), ["tcp 80-80 0.0.0.0/0", "tcp 443-443 0.0.0.0/0", "icmp -1--1 0.0.0.0/0"]);
    });

    it("routes the private subnet through a NAT gateway with egress natGateway, and builds no NAT instance", async () => {
        const program = await runProgram({ config: { egress: "natGateway" } });
        assert.strictEqual(program.get(types.route, "network-private-internet").inputs.natGatewayId, "network-nat-id");
        assert.strictEqual(program.get(types.route, "network-private-internet").inputs.networkInterfaceId, undefined);
        assert.strictEqual(program.get(types.natGateway, "network-nat").inputs.subnetId, "network-public-id");
        assert.deepStrictEqual(associations(program), ["network-private-id->network-private-id", "network-public-id->network-public-id"]);
        assert.deepStrictEqual(program.ofType(types.instance).map((i) => i.name), ["control-plane-0", "worker-0", "worker-1"]);
        for (const worker of program.ofType(types.instance).filter((i) => i.name.startsWith("worker-"))) {
            assert.deepStrictEqual(worker.dependsOn.filter((d) => !d.includes("SecurityGroupEgressRule")), [`${types.route}::network-private-internet`, "aws:ec2/routeTableAssociation:RouteTableAssociation::network-private"]);
        }
    });

    it("refuses an egress it does not know, naming the key", async () => {
        const program = await runProgram({ config: { egress: "none" } });
        assert.strictEqual(program.run.error?.message, 'Config key k8s-lab:egress has the value "none", which is not allowed: use natInstance or natGateway (how the workers reach the internet).');
    });
});
