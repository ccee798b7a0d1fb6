import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { apiServerPort, publicKubeconfig, renderCalicoInstallation, renderKubeadmConfig } from "../lib/kubeadm";
import { Language } from "../lib/messages";
import { renderScript } from "../lib/scripts";
import { sshUser } from "../lib/ssh";
import { calicoCrdsManifest, calicoOperatorManifest, Cni, KubernetesMinor, versions } from "../lib/versions";

export const controlPlaneNodeName = "control-plane";
export const workerNodeName = (i: number): string => `worker-${i}`;

/**
 * SSH dial retries. A blocked or dropped port costs a dial its whole timeout plus the
 * provider's back-off (at most 5 s), so 20 dials give up after at most 20 × 15 s = 5 minutes,
 * with an error naming the address and port; a fresh instance answers within a minute or two.
 * (Node preparation is waited for inside the scripts, not by dialling.)
 */
export const dial = { dialErrorLimit: 20, perDialTimeout: 10 } as const;
/**
 * The hop from the control-plane node to a worker has no dial timeout of its own: a worker that
 * drops packets costs each attempt the control plane's TCP timeout (about 130 s). By the time a
 * join runs, the worker has been up for minutes, so three attempts (at most about 7 minutes) are
 * plenty.
 */
export const workerDial = { dialErrorLimit: 3, perDialTimeout: 10 } as const;
/** How long the bootstrap waits for every node to be Ready. */
export const readyTimeoutSeconds = 600;
/** How long the Calico step waits for the control-plane node to be Ready (Calico runs in about 1.5 minutes). */
export const cniReadyTimeoutSeconds = 300;
/**
 * Lifetime of a worker's bootstrap token from the moment its join is prepared, which every `up`
 * does again until the worker is registered: long enough for the join that follows. It is
 * deleted as soon as the worker is registered (and every token once every node is Ready).
 */
export const joinTokenTtl = "1h";

/** The user data that prepares a node for kubeadm, at the pinned Kubernetes version. */
export function nodeUserData(role: "control-plane" | "worker", labName: string, minor: KubernetesMinor): string {
    return renderScript("node-prep.sh", {
        NODE_ROLE: role,
        LAB_NAME: labName,
        KUBERNETES_MINOR: minor,
        KUBERNETES_PACKAGE_VERSION: `${versions.kubernetes[minor]}-${versions.kubernetesPackageRevision}`,
    });
}

export interface KubernetesClusterArgs {
    clusterName: string;
    kubernetesVersion: KubernetesMinor;
    cni: Cni;
    controlPlane: aws.ec2.Instance;
    workers: aws.ec2.Instance[];
    /** The SSH key of the nodes, a secret. */
    privateKey: pulumi.Input<string>;
    podCidr: string;
    serviceCidr: string;
    /** The language of what the node scripts say: the stack's, never the operator's locale. */
    language: Language;
    /** The every-up nonce: each worker's token preparation runs on every `up` (see join-token.sh). */
    everyUp: pulumi.Input<string>;
}

/**
 * A kubeadm cluster built over SSH: init on the control-plane node, Calico, one join per worker
 * (in parallel, each with its own bootstrap token, valid when the join runs and deleted once the
 * worker is registered), a bounded wait until every node is Ready, and the kubeconfig as a
 * secret with a Kubernetes provider built from it. The kubeconfig (and so the provider) follows
 * init and the CNI only, not the joins: the platform installs while the workers join and settle,
 * and what needs every node (the proofs) waits for `ready`. Every step is safe to run again, and
 * a step that failed runs again on the next `up`. Nothing runs at destroy time: the cluster goes
 * with its instances.
 */
export class KubernetesCluster extends pulumi.ComponentResource {
    /** Admin kubeconfig pointing at the control-plane node's public address; a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /**
     * For the platform layer's components, passed in their options (`providers`) with deletedWith
     * the control-plane node; their children inherit both through `parent`.
     */
    readonly provider: k8s.Provider;
    /** The bounded wait until every node is Ready: what proves the whole lab comes after it. */
    readonly ready: command.remote.Command;
    /** The cluster CA's public-key hash: changes when the cluster is rebuilt. */
    readonly identity: pulumi.Output<string>;
    readonly nodeNames: string[];

    constructor(name: string, args: KubernetesClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:KubernetesCluster", name, {}, opts);
        // Every input of a remote command below is a function of the stack's config and state:
        // a change to one re-runs its script (an update runs `create` again), and every script
        // is safe to run again, so a re-run changes nothing on a converged cluster.
        const cp = args.controlPlane;
        const privateKey = pulumi.secret(args.privateKey);
        const onControlPlane = { host: cp.publicIp, user: sshUser, privateKey, ...dial };
        const run = "sudo bash -s";

        const init = new command.remote.Command(`${name}-init`, {
            connection: onControlPlane,
            create: run,
            stdin: pulumi.all([cp.privateIp, cp.publicIp]).apply(([privateIp, publicIp]) =>
                renderScript("control-plane-init.sh", {
                    KUBEADM_CONFIG: renderKubeadmConfig({
                        clusterName: args.clusterName,
                        kubernetesVersion: versions.kubernetes[args.kubernetesVersion],
                        nodeName: controlPlaneNodeName,
                        privateIp,
                        publicIp,
                        podCidr: args.podCidr,
                        serviceCidr: args.serviceCidr,
                    }),
                    NODE_NAME: controlPlaneNodeName,
                }, args.language),
            ),
            triggers: [cp.id],
        }, { parent: this });
        this.identity = init.stdout.apply((out) => out.trim());

        const cni = new command.remote.Command(`${name}-cni-${args.cni}`, {
            connection: onControlPlane,
            create: run,
            stdin: renderScript("calico.sh", {
                CRDS_MANIFEST: calicoCrdsManifest,
                OPERATOR_MANIFEST: calicoOperatorManifest,
                INSTALLATION: renderCalicoInstallation(args.podCidr),
                NODE_NAME: controlPlaneNodeName,
                TIMEOUT_SECONDS: cniReadyTimeoutSeconds,
            }, args.language),
            triggers: [this.identity],
        }, { parent: this, dependsOn: [init] });

        const joins = args.workers.map((worker, i) => {
            const node = workerNodeName(i);
            // The token is Pulumi's, kept secret in the state: a retried join uses the same one,
            // which the join-token step keeps valid. A new worker instance gets a new token.
            const tokenPart = (part: string, length: number) => new random.RandomPassword(`${name}-join-token-${node}-${part}`, {
                length,
                special: false,
                upper: false,
                keepers: { instance: worker.id },
            }, { parent: this });
            const token = pulumi.secret(pulumi.interpolate`${tokenPart("id", 6).result}.${tokenPart("secret", 16).result}`);
            // Runs on every `up` (the nonce in its input makes an update, which runs the script
            // again): until the worker is registered it renews the token, then it deletes it. A
            // join retried days later finds a valid token, with no manual step.
            const prepare = new command.remote.Command(`${name}-join-token-${node}`, {
                connection: onControlPlane,
                create: run,
                stdin: pulumi.secret(pulumi.all([token, worker.id, args.everyUp]).apply(([value, instanceId, nonce]) =>
                    `${renderScript("join-token.sh", { NODE_NAME: node, INSTANCE_ID: instanceId, TOKEN: value, TOKEN_TTL: joinTokenTtl }, args.language)}\n# up ${nonce}\n`,
                )),
                triggers: [worker.id, this.identity],
            }, { parent: this, dependsOn: [init] });
            return new command.remote.Command(`${name}-join-${node}`, {
                connection: {
                    host: worker.privateIp,
                    user: sshUser,
                    privateKey,
                    ...workerDial,
                    proxy: { host: cp.publicIp, user: sshUser, privateKey, ...dial },
                },
                create: run,
                stdin: pulumi.secret(pulumi.all([token, this.identity, cp.privateIp, worker.privateIp, worker.id]).apply(
                    ([value, caHash, endpoint, ip, instanceId]) =>
                        renderScript("worker-join.sh", {
                            API_ENDPOINT: `${endpoint}:${apiServerPort}`,
                            TOKEN: value,
                            CA_HASH: caHash,
                            NODE_NAME: node,
                            NODE_IP: ip,
                            INSTANCE_ID: instanceId,
                        }, args.language),
                )),
                triggers: [worker.id, this.identity],
            }, { parent: this, dependsOn: [prepare] });
        });

        this.nodeNames = [controlPlaneNodeName, ...args.workers.map((_, i) => workerNodeName(i))];
        this.ready = new command.remote.Command(`${name}-ready`, {
            connection: onControlPlane,
            create: run,
            stdin: renderScript("wait-ready.sh", {
                EXPECTED_NODES: this.nodeNames.join(" "),
                TIMEOUT_SECONDS: readyTimeoutSeconds,
            }, args.language),
            triggers: [this.identity, ...args.workers.map((worker) => worker.id)],
        }, { parent: this, dependsOn: [cni, ...joins] });

        // The API server answers once init is done; the platform starts once the network add-on
        // is applied too (no pod runs without it), while the workers still join.
        const adminConf = new command.remote.Command(`${name}-kubeconfig`, {
            connection: onControlPlane,
            create: "sudo cat /etc/kubernetes/admin.conf",
            logging: "stderr",
            triggers: [this.identity],
        }, { parent: this, dependsOn: [cni], additionalSecretOutputs: ["stdout"] });
        this.kubeconfig = pulumi.secret(pulumi.all([adminConf.stdout, cp.publicIp]).apply(([conf, ip]) => publicKubeconfig(conf, ip)));

        // deleteUnreachable: when the nodes are already gone, in-cluster resources leave the
        // state instead of hanging the destroy; and platformOptions' deletedWith (the
        // control-plane node) skips their deletes when the whole lab goes.
        this.provider = new k8s.Provider(name, { kubeconfig: this.kubeconfig, deleteUnreachable: true }, { parent: this });

        this.registerOutputs({ kubeconfig: this.kubeconfig, identity: this.identity });
    }
}
