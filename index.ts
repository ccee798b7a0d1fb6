/**
 * The k8s-lab program: reads and validates the configuration, composes the components and
 * exports what an operator needs. Nothing else lives here.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSecurityGroups } from "./components/securityGroups";
import { Network } from "./components/network";
import { NodeGroup } from "./components/nodeGroup";
import { SshKey } from "./components/sshKey";
import { readConfig } from "./lib/config";
import { translator } from "./lib/messages";
import { preflight } from "./lib/preflight";
import { adminCidrsOf } from "./lib/publicIp";
import { renderScript } from "./lib/scripts";
import { sshCommands } from "./lib/ssh";
import { labTags } from "./lib/tags";

export = async () => {
    const config = readConfig();
    const t = translator(config.language);
    const adminCidrs = await adminCidrsOf(config, t);
    const labName = `${pulumi.getProject()}-${pulumi.getStack()}`;

    const provider = new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags: labTags(config.tags) } });
    const opts = { providers: [provider] };

    const placement = await preflight(config, t, { provider });
    const network = new Network("network", {
        vpcCidr: config.vpcCidr,
        publicSubnetCidr: config.publicSubnetCidr,
        privateSubnetCidr: config.privateSubnetCidr,
        availabilityZone: placement.availabilityZone,
    }, opts);
    const securityGroups = new ClusterSecurityGroups("security-groups", {
        vpcId: network.vpc.id,
        publicPorts: [
            { port: config.bookinfoPort, purpose: "Bookinfo productpage" },
            { port: config.grafanaPort, purpose: "Grafana" },
        ],
        publicCidrs: config.publicCidrs,
        adminCidrs,
    }, opts);
    const sshKey = new SshKey("ssh-key", opts);

    const nodes = { keyName: sshKey.keyName, rootVolumeSizeGb: config.rootVolumeSizeGb };
    const controlPlane = new NodeGroup("control-plane", {
        ...nodes,
        count: 1,
        nodeType: placement.controlPlane,
        subnetId: network.publicSubnet.id,
        securityGroupId: securityGroups.controlPlane.id,
        publicIp: true,
        userData: renderScript("user-data.sh", { NODE_ROLE: "control-plane", LAB_NAME: labName }),
    }, opts);
    const workers = new NodeGroup("worker", {
        ...nodes,
        count: config.workerCount,
        nodeType: placement.worker,
        subnetId: network.privateSubnet.id,
        securityGroupId: securityGroups.workers.id,
        publicIp: false,
        userData: renderScript("user-data.sh", { NODE_ROLE: "worker", LAB_NAME: labName }),
        dependsOn: network.workerEgress,
    }, opts);

    const controlPlanePublicIp = controlPlane.publicIps.apply((ips) => ips[0]);
    const ssh = pulumi.all([controlPlanePublicIp, workers.privateIps]).apply(([publicIp, workerIps]) =>
        sshCommands({ keyPath: `~/.ssh/${labName}`, controlPlanePublicIp: publicIp, workerPrivateIps: workerIps }),
    );
    return {
        availabilityZone: placement.availabilityZone,
        adminCidrs,
        controlPlanePublicIp,
        controlPlanePrivateIp: controlPlane.privateIps.apply((ips) => ips[0]),
        workerPrivateIps: workers.privateIps,
        sshControlPlane: ssh.controlPlane,
        sshWorkers: ssh.workers,
        sshPrivateKey: sshKey.privateKey,
    };
};
