import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dial } from "./cluster";
import { VerifyTarget } from "../lib/endpoints";
import { Exposure } from "../lib/exposure";
import { LanguageSetting, nodeLanguage } from "../lib/messages";
import { credentialFile, ForwardedEndpoint, portForwardIdentity, renderUnit, roleRules, servicesByNamespace, unitName } from "../lib/portForward";
import { renderScript } from "../lib/scripts";
import { sshUser } from "../lib/ssh";

export interface AccessArgs {
    exposure: Exposure;
    /**
     * The control-plane node and the nodes' key (a secret): where the portForward exposure's
     * services run, over SSH. None on an existing cluster, whose config refuses that exposure.
     */
    node?: { instance: aws.ec2.Instance; privateKey: pulumi.Input<string> };
    /** The public endpoints, forwarded in the portForward exposure. */
    endpoints: ForwardedEndpoint[];
    /** What the verification checks: each endpoint's URL. */
    verifyTargets: pulumi.Input<VerifyTarget[]>;
    grafanaPassword: pulumi.Input<string>;
    /** How long the verification retries while the cluster settles. */
    verifyRetrySeconds: number;
    /** The stack's language setting: the node's messages follow it, the verification's terminal too. */
    language: LanguageSetting;
    /** What must be up before the URLs are checked. */
    platform: pulumi.Resource[];
    /** The every-up nonce: the verification runs whenever it changes, that is on every `up`. */
    everyUp: pulumi.Input<string>;
    /**
     * What the verification alone runs after: the in-cluster traffic check (which warms the
     * chain), and the whole Monitoring component, whose dashboard and rules its checks read.
     */
    verifyAfter: pulumi.Resource[];
}

/**
 * How the public ports reach the operator, and the proof that they do: the port-forward
 * services in the portForward exposure, and a check from this machine, run by every `pulumi up`
 * (the every-up nonce is its trigger), that fails the update when a URL fails. The cluster's
 * provider (for the port-forward identity's objects) and deletedWith come in `opts`.
 */
export class Access extends pulumi.ComponentResource {
    /** The check from this machine; its result exists only when every URL passed. */
    readonly verify: command.local.Command;

    constructor(name: string, args: AccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:Access", name, {}, opts);
        // The portForward exposure: an identity that may only reach the forwarded Services
        // (a ServiceAccount, its token, a Role and RoleBinding per namespace), and one sandboxed
        // service per public port, logged in as it.
        const forwards: command.remote.Command[] = [];
        if (args.exposure === "portForward") {
            if (args.node === undefined) throw new Error("the portForward exposure needs the control-plane node");
            const cp = args.node.instance;
            const connection = { host: cp.publicIp, user: sshUser, privateKey: pulumi.secret(args.node.privateKey), ...dial };
            const id = portForwardIdentity;
            const k8sOptions = { parent: this };
            const namespace = new k8s.core.v1.Namespace(`${name}-port-forward`, { metadata: { name: id.namespace } }, k8sOptions);
            const account = new k8s.core.v1.ServiceAccount(`${name}-port-forward`, {
                metadata: { name: id.serviceAccount, namespace: id.namespace },
                automountServiceAccountToken: false,
            }, { ...k8sOptions, dependsOn: [namespace] });
            // A long-lived token: the services outlive any projected token's lifetime.
            const token = new k8s.core.v1.Secret(`${name}-port-forward-token`, {
                metadata: { name: id.tokenSecret, namespace: id.namespace, annotations: { "kubernetes.io/service-account.name": id.serviceAccount } },
                type: "kubernetes.io/service-account-token",
            }, { ...k8sOptions, dependsOn: [account], additionalSecretOutputs: ["data"] });
            const bindings = servicesByNamespace(args.endpoints).map(({ namespace: ns, services }) => {
                const role = new k8s.rbac.v1.Role(`${name}-port-forward-${ns}`, {
                    metadata: { name: id.role, namespace: ns },
                    rules: roleRules(services),
                }, { ...k8sOptions, dependsOn: args.platform });
                return new k8s.rbac.v1.RoleBinding(`${name}-port-forward-${ns}`, {
                    metadata: { name: id.role, namespace: ns },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: id.role },
                    subjects: [{ kind: "ServiceAccount", name: id.serviceAccount, namespace: id.namespace }],
                }, { ...k8sOptions, dependsOn: [role, account] });
            });
            for (const endpoint of args.endpoints) {
                const unit = unitName(endpoint.name);
                forwards.push(new command.remote.Command(`${name}-${unit}`, {
                    connection,
                    create: "sudo bash -s",
                    // Only what is fixed for the life of the node: the API server on its private address.
                    stdin: cp.privateIp.apply((ip) => renderScript("port-forward-install.sh", {
                        UNIT_NAME: unit,
                        UNIT: renderUnit(endpoint),
                        CREDENTIAL_FILE: credentialFile(endpoint.name),
                        API_SERVER: `https://${ip}:6443`,
                        TOKEN_NAMESPACE: id.namespace,
                        TOKEN_SECRET: id.tokenSecret,
                    }, nodeLanguage(args.language))),
                    // Switching to another exposure removes the service and its kubeconfig;
                    // destroying the lab does not need to (deletedWith: the node goes with it).
                    delete: `sudo systemctl disable --now ${unit}.service; sudo rm -f /etc/systemd/system/${unit}.service ${credentialFile(endpoint.name)}; sudo systemctl daemon-reload`,
                    triggers: [cp.id],
                }, { parent: this, dependsOn: [...args.platform, token, ...bindings], deletedWith: cp }));
            }
        }

        this.verify = new command.local.Command(`${name}-verify`, {
            create: `node_modules/.bin/ts-node --transpile-only cli/lab.ts verify --retry ${args.verifyRetrySeconds}`,
            environment: {
                LAB_ENDPOINTS: pulumi.jsonStringify(pulumi.output(args.verifyTargets)),
                LAB_GRAFANA_PASSWORD: pulumi.secret(args.grafanaPassword),
                LAB_EXPOSURE: args.exposure,
                LAB_LANGUAGE: args.language,
                // On an existing cluster (no node of the lab's own), a refused port is first its port mapping.
                ...(args.node === undefined ? { LAB_TARGET: "existingCluster" } : {}),
            },
            // Every `up` proves the URLs again, plain `pulumi up` included; whatever a failed
            // verification left in the state, the next `up` brings a new nonce and runs it again.
            triggers: [args.everyUp],
        }, { parent: this, dependsOn: [...args.platform, ...forwards, ...args.verifyAfter] });

        this.registerOutputs({ verify: this.verify.stdout });
    }
}
