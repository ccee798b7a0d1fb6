import { DurationTable } from "./criticalPath";

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
        "command:local:Command::access-verify": 15,
        // Local or instant: keys, certificates, passwords, providers, the lab's own reference.
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
    },
    defaultSeconds: 1,
};

/**
 * What the modelled critical path of a new lab's `up` may take (`npm run critical-path` prints
 * it). The goal is 8 minutes; with the durations above the declared graph stays within this,
 * every step on its path waiting only for what it needs (see the README's build chain). What is left is the length of the steps themselves
 * (node preparation, image pulls: a prepared node image), not waits between them.
 */
export const criticalPathBudgetSeconds = 9 * 60;
