/**
 * The k8s-lab program: reads and validates the configuration, composes the components and
 * exports what an operator needs. Nothing else lives here.
 */
import * as fs from "fs";
import * as os from "os";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Access } from "./components/access";
import { Bookinfo, CheckRunner, productpageEndpoint } from "./components/bookinfo";
import { KubernetesCluster, nodeUserData } from "./components/cluster";
import { EveryUp } from "./components/everyUp";
import { Mesh } from "./components/mesh";
import { PlacementCheck } from "./components/placement";
import { grafanaEndpoint, Monitoring, NodeMounts } from "./components/monitoring";
import { ClusterSecurityGroups } from "./components/securityGroups";
import { Network } from "./components/network";
import { NodeGroup } from "./components/nodeGroup";
import { SshKey } from "./components/sshKey";
import { ConfigError, LabConfig, parseConfig, sameTarget } from "./lib/config";
import { deploymentId, EndpointExtension, LabEndpointName, labEndpoints, noExtension, PublicEndpoint, verifyTarget } from "./lib/endpoints";
import { Exposure, targetExposures } from "./lib/exposure";
import { ClusterAccess, clusterAccess, onPath } from "./lib/kubeconfig";
import { capacityOverride, exposureOverride, labCapacity, labExposure } from "./lib/fallback";
import { nodeLanguage, terminalLanguage, Translate, translator } from "./lib/messages";
import { platformPlacement } from "./lib/placement";
import { bootedImages, preflight } from "./lib/preflight";
import { adminCidrsOf } from "./lib/publicIp";
import { sshCommands } from "./lib/ssh";
import { AwsOutputInputs, ExistingClusterOutputInputs, StackOutputInputs } from "./lib/stackOutputs";
import { labTags } from "./lib/tags";
import { versions } from "./lib/versions";

/** The lab; a test may add endpoints with their workloads (`EndpointExtension`), Pulumi passes nothing. */
export = async (extension: EndpointExtension = noExtension): Promise<StackOutputInputs> => {
    const stackConfig = new pulumi.Config();
    const config = parseConfig((key) => stackConfig.get(key), pulumi.getProject());
    const t = translator(terminalLanguage(config.language));
    // On an existing cluster, its kubeconfig read, checked and cut down first, and kubectl found.
    const access = config.target === "existingCluster" ? existingClusterAccess(config, t) : undefined;
    // On AWS, this machine's public IP first: nothing is built when it cannot be detected.
    const adminCidrs = config.target === "aws" ? await adminCidrsOf(config, t) : [];
    const lab = { project: pulumi.getProject(), stack: pulumi.getStack() };
    // A lab keeps the exposure it runs with (lab up's fallback) until it is destroyed: read
    // from its own outputs in the state, never from a tracked file; a new lab starts from the
    // configured one, and lab up switches a lab for one run with the override variable.
    // Its name: on a DIY (file, S3) backend the bare stack name, which both of its layouts
    // accept (the legacy one rejects slashes; the project one adds the current project); on
    // Pulumi Cloud the fully qualified one, since a bare name there means the user's default org.
    const selfName = pulumi.getOrganization() === "organization" ? pulumi.getStack() : `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const self = new pulumi.StackReference("self", { name: selfName });
    const previous = async (key: string): Promise<unknown> => (await self.getOutputDetails(key)).value;
    // A lab never moves to another target in place: its resources would be deleted as the others are built.
    sameTarget(config.target, { target: await previous("target"), exposure: await previous("exposure") }, lab.project, t);
    const warn = (line: string): void => void pulumi.log.warn(line);
    // The override counts only in a run of lab up (which also sets the run's id): an exported one would switch the lab for good.
    const exposure = labExposure(
        config.exposure,
        { exposure: await previous("exposure"), configuredExposure: await previous("configuredExposure") },
        exposureOverride(process.env, warn, t),
        t,
        targetExposures[config.target],
    );
    // The public endpoints: the lab's own, each stated by the component that serves it with its
    // port from the config, and an extension's; everything that serves or checks one derives from this list.
    const endpoints = [...labEndpoints(config, { bookinfo: productpageEndpoint, grafana: grafanaEndpoint }), ...extension.endpoints];
    // Changes on every `up`: what must run each time (the proofs, the token renewal) takes it.
    const everyUp = new EveryUp("every-up");
    const site: Site = { config, t, lab, exposure, endpoints, everyUp: everyUp.nonce, extension };
    return access === undefined ? await awsLab(site, adminCidrs, previous, warn) : existingCluster(site, access);
};

/** What both targets compose the platform from. */
interface Site {
    config: LabConfig;
    t: Translate;
    lab: { project: string; stack: string };
    exposure: Exposure;
    endpoints: PublicEndpoint[];
    everyUp: pulumi.Output<string>;
    extension: EndpointExtension;
}

/** Where the platform goes: the cluster and what the platform needs of its nodes, which it does not know the origin of. */
interface Cluster {
    /** The cluster's provider, and, on AWS, the control-plane node that in-cluster resources are deleted with. */
    inCluster: { providers: pulumi.ProviderResource[]; deletedWith?: pulumi.Resource };
    /** Where the traffic check runs. */
    check: CheckRunner;
    /** What the verification waits for besides the traffic check. */
    ready: pulumi.Resource[];
    /** Where the portForward exposure's services run (AWS only). */
    node?: { instance: aws.ec2.Instance; privateKey: pulumi.Input<string> };
    /** The host of the public URLs: the control-plane node's address. */
    publicHost: pulumi.Input<string>;
    /** How the control-plane node is labelled, when not as kubeadm labels it. */
    placement?: { controlPlaneLabelValue: string };
    /** What the nodes' mounts allow node-exporter. */
    nodes: NodeMounts;
}

/**
 * The platform, the same on every target: monitoring, the mesh, Bookinfo with its traffic check,
 * the placement check and the public endpoints' access and verification. The workloads served
 * on the control-plane node are pinned there, and each public endpoint is served by the
 * configured mechanism, through one transform.
 */
function platform({ config, exposure, endpoints, everyUp, extension }: Site, cluster: Cluster) {
    const { transform, unseen } = platformPlacement({
        controlPlaneWorkloads: [...endpoints.map(deploymentId), ...config.controlPlaneWorkloads],
        exposure,
        endpoints,
        ...cluster.placement,
    });
    // Every in-cluster resource: the cluster's provider, and on AWS deleted with the control-plane
    // node, so that destroy deletes the node and never walks the cluster; children inherit both.
    const inCluster = cluster.inCluster;
    const placed = { ...inCluster, transforms: [transform] };
    const monitoring = new Monitoring("monitoring", { language: nodeLanguage(config.language), nodes: cluster.nodes }, placed);
    const mesh = new Mesh("linkerd", { monitoringCrds: monitoring.crds }, inCluster);
    // Proof on every `up`: the traffic check and the URL verification take its nonce as trigger.
    const bookinfo = new Bookinfo("bookinfo", { mesh: mesh.controlPlane, check: cluster.check, everyUp, language: nodeLanguage(config.language) }, placed);
    const extended = extension.workloads("extension", placed);
    new PlacementCheck("placement", { unseen, built: [monitoring.chart, bookinfo, ...extended], language: config.language });

    const verifyTargets = pulumi.output(cluster.publicHost).apply((host) => endpoints.map((e) => verifyTarget(e, host)));
    const urlOf = (name: LabEndpointName) => verifyTargets.apply((targets) => targets.find((target) => target.name === name)?.url ?? "");
    new Access("access", {
        exposure,
        node: cluster.node,
        endpoints,
        verifyTargets,
        grafanaPassword: monitoring.grafanaAdminPassword,
        verifyRetrySeconds: config.verifyRetrySeconds,
        language: config.language,
        platform: [...bookinfo.workloads, monitoring.chart, ...extended],
        everyUp,
        // The whole of Monitoring too: its chart (Prometheus awaited), the dashboard and the rules the platform checks read.
        verifyAfter: [bookinfo.trafficCheck, ...cluster.ready, monitoring],
    }, inCluster);
    return {
        // The mode this up applied. A plain value on purpose: the SDK saves the stack's outputs
        // all or none, so an output that waited on the access check would, when the check fails,
        // leave a new lab with no outputs at all (no URLs for lab up's fallback, no addresses for
        // diagnose). lab up applies the configured mode again when no mode serves.
        exposure,
        configuredExposure: config.exposure,
        bookinfoUrl: urlOf("bookinfo"),
        grafanaUrl: urlOf("grafana"),
        endpoints: verifyTargets,
        grafanaAdminPassword: monitoring.grafanaAdminPassword,
    };
}

/**
 * The existing cluster's kubeconfig (lib/kubeconfig.ts), read on this machine: the value is its
 * content when it is a secret, else its path; and kubectl, which the traffic check runs here.
 */
function existingClusterAccess(config: LabConfig, t: Translate): ClusterAccess {
    const project = pulumi.getProject();
    // The SDK's own reading of the engine's list of secret keys (typed internal in the SDK).
    const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret(key: string): boolean };
    const secret = runtime.isConfigSecret(`${project}:kubeconfig`);
    const read = (file: string): string | undefined => (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file, "utf8") : undefined);
    const access = clusterAccess(config, secret, { env: process.env, home: os.homedir(), cwd: process.cwd(), read }, project, t);
    const executable = (file: string): boolean => {
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return fs.statSync(file).isFile();
        } catch {
            return false;
        }
    };
    if (!onPath("kubectl", process.env, executable)) throw new ConfigError("kubeconfig", t("kubeconfig.kubectlMissing"));
    void pulumi.log.info(t("kubeconfig.deploying", { server: access.server, context: config.kubeContext }));
    return access;
}

/**
 * The platform on a cluster that exists (kind, k3d): the provider from the context's minified
 * kubeconfig (a secret, with no path of this machine: the state is valid on another one),
 * identified by the context, so that a cluster created again is an update of the provider, not
 * a replacement of everything. No AWS resource, nothing over SSH: the traffic check runs kubectl
 * on this machine, and the URLs are on the configured public host.
 */
function existingCluster(site: Site, access: ClusterAccess): ExistingClusterOutputInputs {
    const { config } = site;
    const kubeconfig = pulumi.secret(access.kubeconfig);
    const provider = new k8s.Provider("existing-cluster", { kubeconfig, context: config.kubeContext, clusterIdentifier: config.kubeContext });
    const check: CheckRunner = { on: "local", kubeconfig, kubeContext: config.kubeContext };
    const outputs = platform(site, {
        inCluster: { providers: [provider] },
        check,
        ready: [],
        publicHost: config.publicHost,
        placement: { controlPlaneLabelValue: config.controlPlaneLabelValue },
        // Not known to be shared: kind's `/` is, k3d's is not.
        nodes: { sharedRoot: false },
    });
    return { target: "existingCluster", kubeContext: config.kubeContext, ...outputs };
}

/** The lab on AWS: its network, nodes and kubeadm cluster, then the platform on it. */
async function awsLab(site: Site, adminCidrs: string[], previous: (key: string) => Promise<unknown>, warn: (line: string) => void): Promise<AwsOutputInputs> {
    const { config, t, lab, endpoints, everyUp } = site;
    const labName = `${lab.project}-${lab.stack}`;
    // The workers' capacity is kept the same way: on-demand once lab up found spot refused.
    const workerCapacity = labCapacity(
        config.workerCapacity,
        { workerCapacity: await previous("workerCapacity"), configuredWorkerCapacity: await previous("configuredWorkerCapacity") },
        capacityOverride(process.env, warn, t),
        t,
    );

    // The lab's identity, kept in the stack's state: the sweep deletes only what carries it.
    const labId = new random.RandomId("lab-id", { byteLength: 8 }).hex;
    const tags = labTags(config.tags, lab, labId);
    const provider = new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags } });
    const opts = { providers: [provider] };

    // Lookups use a provider whose settings are known in every preview (the LabId is not yet).
    const nodePlan = await preflight(config, t, { provider: new aws.Provider("aws-lookups", { region: config.region as aws.Region }) });
    const network = new Network("network", {
        labName,
        vpcCidr: config.vpcCidr,
        publicSubnetCidr: config.publicSubnetCidr,
        privateSubnetCidr: config.privateSubnetCidr,
        availabilityZone: nodePlan.availabilityZone,
        natInstance: nodePlan.nat,
        labTags: tags,
    }, opts);
    const securityGroups = new ClusterSecurityGroups("security-groups", {
        labName,
        vpcId: network.vpc.id,
        endpoints,
        publicCidrs: config.publicCidrs,
        adminCidrs: config.adminCidrs,
        detectedCidr: adminCidrs.find((cidr) => !config.adminCidrs.includes(cidr)),
    }, opts);
    const sshKey = new SshKey("ssh-key", { labName }, opts);

    const nodes = { labName, keyName: sshKey.keyName, rootVolumeSizeGb: config.rootVolumeSizeGb, labTags: tags };
    const controlPlane = new NodeGroup("control-plane", {
        ...nodes,
        count: 1,
        nodeType: nodePlan.controlPlane,
        subnetId: network.publicSubnet.id,
        securityGroupId: securityGroups.controlPlane.id,
        publicIp: true,
        userData: nodeUserData("control-plane", labName, config.kubernetesVersion),
        dependsOn: [...network.controlPlaneEgress, securityGroups.egress.controlPlane],
    }, opts);
    const workers = new NodeGroup("worker", {
        ...nodes,
        count: config.workerCount,
        nodeType: nodePlan.worker,
        subnetId: network.privateSubnet.id,
        securityGroupId: securityGroups.workers.id,
        publicIp: false,
        capacity: workerCapacity,
        userData: nodeUserData("worker", labName, config.kubernetesVersion),
        dependsOn: [...network.workerEgress, securityGroups.egress.workers],
    }, opts);

    const cluster = new KubernetesCluster("cluster", {
        clusterName: labName,
        kubernetesVersion: config.kubernetesVersion,
        cni: config.cni,
        controlPlane: controlPlane.instances[0],
        workers: workers.instances,
        privateKey: sshKey.privateKey,
        podCidr: config.podCidr,
        serviceCidr: config.serviceCidr,
        language: nodeLanguage(config.language),
        everyUp,
    });

    const controlPlanePublicIp = controlPlane.publicIps.apply((ips) => ips[0]);
    const platformOutputs = platform(site, {
        inCluster: { providers: [cluster.provider], deletedWith: controlPlane.instances[0] },
        check: { on: "node", host: controlPlane.instances[0].publicIp, privateKey: sshKey.privateKey, nodesReady: cluster.ready },
        ready: [cluster.ready],
        node: { instance: controlPlane.instances[0], privateKey: sshKey.privateKey },
        publicHost: controlPlanePublicIp,
        // kubeadm's Ubuntu nodes: systemd makes `/` a shared mount.
        nodes: { sharedRoot: true },
    });
    const ssh = pulumi.all([controlPlanePublicIp, workers.privateIps]).apply(([publicIp, workerIps]) =>
        sshCommands({ keyPath: `~/.ssh/${labName}`, controlPlanePublicIp: publicIp, workerPrivateIps: workerIps }),
    );
    return {
        target: "aws",
        availabilityZone: nodePlan.availabilityZone,
        labId,
        adminCidrs,
        controlPlanePublicIp,
        controlPlanePrivateIp: controlPlane.privateIps.apply((ips) => ips[0]),
        workerPrivateIps: workers.privateIps,
        sshControlPlane: ssh.controlPlane,
        sshWorkers: ssh.workers,
        sshPrivateKey: sshKey.privateKey,
        kubernetesVersion: versions.kubernetes[config.kubernetesVersion],
        nodeNames: cluster.nodeNames,
        kubeconfig: cluster.kubeconfig,
        ...platformOutputs,
        // Likewise the workers' capacity this up applied, and the configured one.
        workerCapacity,
        configuredWorkerCapacity: config.workerCapacity,
        // What the nodes booted, for the run's timings: the prepared image's path is faster.
        nodeImage: bootedImages(nodePlan),
    };
}
