import { DurationTable } from "./criticalPath";

/** Local or instant to create and to delete: keys, certificates, passwords, providers, the lab's own reference. */
const instant: Record<string, number> = {
    "tls:index/privateKey:PrivateKey": 0,
    "tls:index/selfSignedCert:SelfSignedCert": 0,
    "tls:index/certRequest:CertRequest": 0,
    "tls:index/locallySignedCert:LocallySignedCert": 0,
    "random:index/randomId:RandomId": 0,
    "random:index/randomPassword:RandomPassword": 0,
    "pulumi:providers:aws": 0,
    "pulumi:providers:kubernetes": 0,
    "pulumi:pulumi:StackReference": 0,
    "pulumi-nodejs:dynamic:Resource": 0,
};

/**
 * How long each step of an `up` of a new lab takes, in seconds: the one table the critical-path
 * model (lib/criticalPath.ts, `npm run critical-path`) reads. Typical cloud timings for now, to be
 * recalibrated from recorded runs (the phase table `lab up` records); change a number here only
 * from such a record. A step the table does not name takes `defaultSeconds` (a component none).
 */
export const stepDurations: DurationTable = {
    seconds: {
        // The network: each call a few seconds; a NAT gateway one to two minutes.
        "aws:ec2/vpc:Vpc": 5,
        "aws:ec2/internetGateway:InternetGateway": 3,
        "aws:ec2/routeTable:RouteTable": 2,
        "aws:ec2/route:Route": 2,
        "aws:ec2/subnet:Subnet": 3,
        "aws:ec2/securityGroup:SecurityGroup": 3,
        "aws:ec2/natGateway:NatGateway": 90,
        // An instance until SSH answers (a NAT instance until it forwards: the same boot).
        "aws:ec2/instance:Instance": 40,
        // Node preparation (user data, from boot) and kubeadm init: 3 to 4 minutes.
        "command:remote:Command::cluster-init": 180,
        // Applying Calico takes seconds; the step then waits until the control-plane node is Ready,
        // that is until Calico runs (about 1.5 minutes), before any platform step starts.
        "command:remote:Command::cluster-cni-*": 90,
        "command:remote:Command::cluster-join-token-*": 5,
        // A worker prepares itself from boot, in parallel; the join itself once its token exists.
        "command:remote:Command::cluster-join-worker-*": 60,
        // Until the last node runs Calico and is Ready.
        "command:remote:Command::cluster-ready": 60,
        "command:remote:Command::cluster-kubeconfig": 3,
        "kubernetes:yaml/v2:ConfigGroup::monitoring-crds": 10,
        "kubernetes:helm.sh/v4:Chart::kube-prometheus-stack": 150,
        "kubernetes:helm.sh/v4:Chart::linkerd-crds": 10,
        "kubernetes:helm.sh/v4:Chart::linkerd-control-plane": 90,
        // Bookinfo and its check: about 1.5 minutes (image pulls and rollouts, then the Job).
        "kubernetes:apps/v1:Deployment": 60,
        "command:remote:Command::bookinfo-traffic-check": 30,
        // The steady load: one small curl pod, its image the check's.
        "kubernetes:apps/v1:Deployment::bookinfo-loadgen": 20,
        // The verification: the URLs answer within seconds, but its checks through Grafana wait for
        // Prometheus to have scraped the proxies twice (10 s apart) and kube-state-metrics once (30 s),
        // and to have evaluated the alert rules once (30 s) after the chart: about a minute.
        "command:local:Command::access-verify": 60,
        ...instant,
    },
    defaultSeconds: 1,
};

/**
 * The same `up` when the nodes boot the prepared node image (lib/nodeImage.ts: containerd and
 * Kubernetes installed, the images of kubeadm, Calico, Linkerd, Bookinfo and curl pulled; the
 * monitoring chart's are not). Only what the image changes differs from the table above, each
 * with its reasoning. Estimates: no recorded run on the prepared image exists yet; recalibrate
 * them from recorded runs of both kinds (each run's timings record what its nodes booted, from
 * the `nodeImage` output: `k8s-lab timings --json`).
 */
export const preparedImageDurations: DurationTable = {
    seconds: {
        ...stepDurations.seconds,
        // Node preparation without installs (time sync, modules, sysctls: seconds, with cloud-init's
        // own start after SSH answers) and kubeadm init with every control-plane image present:
        // typically 60 to 75 s (certificates, the static pods, the API server healthy, the addons).
        "command:remote:Command::cluster-init": 90,
        // Applying Calico as before (about 10 s), then the operator and calico-node start from
        // images already on the node; the node is Ready about half a minute later.
        "command:remote:Command::cluster-cni-*": 45,
        // A worker is prepared seconds after boot; the join itself (TLS bootstrap, kube-proxy and
        // calico-node from local images) takes about 20 s.
        "command:remote:Command::cluster-join-worker-*": 30,
        // Until the last node runs Calico and is Ready: no pulls left.
        "command:remote:Command::cluster-ready": 40,
        // Linkerd's proxy and controller images are on every node: what is left is the pods
        // starting, the identity issuing certificates and the chart's readiness waits.
        "kubernetes:helm.sh/v4:Chart::linkerd-control-plane": 60,
        // Bookinfo's images are on every node: a rollout waits for the app and its proxy to be
        // ready (reviews' JVM is the slowest, about 20 s).
        "kubernetes:apps/v1:Deployment": 30,
        "kubernetes:apps/v1:Deployment::bookinfo-loadgen": 10,
    },
    defaultSeconds: stepDurations.defaultSeconds,
};

/**
 * What the modelled critical path of a new lab's `up` on the prepared node image may take
 * (`npm run critical-path` prints it): the 8-minute goal. The fallback (Canonical's Ubuntu, the
 * user data installing everything) is printed beside it and is not held to it: about 9:30 with
 * the table above, every step on its path waiting only for what it needs (see the README's build
 * chain); what is left there is the length of the steps themselves (installs, image pulls).
 */
export const criticalPathBudgetSeconds = 8 * 60;

/**
 * How long the engine takes to delete each kind of resource at `destroy`, in seconds: the table
 * the destroy model reads (`npm run critical-path` prints it). Nothing in the cluster is deleted
 * (deletedWith: the engine only drops it from the state) and no command has a delete step, so what
 * is left are AWS's own deletes; typical figures, to be recalibrated like the table above.
 */
export const destroyDurations: DurationTable = {
    seconds: {
        // Terminating an instance: the provider waits until it is `terminated`, 30 to 90 s; its
        // network interface goes with it, which its security group and subnet wait for.
        "aws:ec2/instance:Instance": 75,
        // Deleting a NAT gateway takes about a minute before its address can be released.
        "aws:ec2/natGateway:NatGateway": 60,
        "aws:ec2/eip:Eip": 2,
        // A security group goes once no interface uses it (the provider retries while one lingers).
        "aws:ec2/securityGroup:SecurityGroup": 5,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
        "aws:ec2/subnet:Subnet": 3,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 2,
        "aws:ec2/routeTable:RouteTable": 2,
        "aws:ec2/route:Route": 2,
        // Detached once no public address in the VPC is mapped (the instances are gone), then deleted.
        "aws:ec2/internetGateway:InternetGateway": 5,
        "aws:ec2/vpc:Vpc": 3,
        "aws:ec2/keyPair:KeyPair": 1,
        // No delete step: a command without `delete`, the engine's own and local resources.
        "command:remote:Command": 0,
        "command:local:Command": 0,
        ...instant,
    },
    defaultSeconds: 1,
};

/** What the modelled `destroy` of a lab may take: the 3-minute goal. */
export const destroyBudgetSeconds = 3 * 60;
