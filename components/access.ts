import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { dial } from "./cluster";
import { Exposure } from "../lib/placement";
import { ForwardedPort, renderUnit, unitName } from "../lib/portForward";
import { renderScript } from "../lib/scripts";
import { sshUser } from "../lib/ssh";

export interface AccessArgs {
    exposure: Exposure;
    controlPlane: aws.ec2.Instance;
    privateKey: pulumi.Input<string>;
    /** The public ports, for the portForward exposure. */
    ports: ForwardedPort[];
    bookinfoUrl: pulumi.Input<string>;
    grafanaUrl: pulumi.Input<string>;
    grafanaPassword: pulumi.Input<string>;
    /** How long the verification retries while the cluster settles. */
    verifyRetrySeconds: number;
    language: string;
    /** What must be up before the URLs are checked. */
    platform: pulumi.Resource[];
    /** The every-up nonce: the verification runs whenever it changes, that is on every `up`. */
    everyUp: pulumi.Input<string>;
    /** Checks the verification runs after (the in-cluster traffic check, which warms the chain). */
    verifyAfter: pulumi.Resource[];
}

/**
 * How the public ports reach the operator, and the proof that they do: the port-forward
 * services in the portForward exposure, and a check from this machine, run by every `pulumi up`
 * (the every-up nonce is its trigger), that fails the update when a URL fails.
 */
export class Access extends pulumi.ComponentResource {
    constructor(name: string, args: AccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("k8slab:index:Access", name, {}, opts);
        const cp = args.controlPlane;
        const connection = { host: cp.publicIp, user: sshUser, privateKey: pulumi.secret(args.privateKey), ...dial };

        const forwards = args.exposure !== "portForward" ? [] : args.ports.map((port) => {
            const unit = unitName(port.name);
            return new command.remote.Command(`${name}-${unit}`, {
                connection,
                create: "sudo bash -s",
                stdin: renderScript("port-forward-install.sh", { UNIT_NAME: unit, UNIT: renderUnit(port) }),
                // Switching to another exposure removes the service; destroying the lab does not
                // need to (deletedWith: the node goes with it).
                delete: `sudo systemctl disable --now ${unit}.service; sudo rm -f /etc/systemd/system/${unit}.service; sudo systemctl daemon-reload`,
                triggers: [cp.id],
            }, { parent: this, dependsOn: args.platform, deletedWith: cp });
        });

        new command.local.Command(`${name}-verify`, {
            create: `node_modules/.bin/ts-node --transpile-only cli/lab.ts verify --retry ${args.verifyRetrySeconds}`,
            environment: {
                LAB_BOOKINFO_URL: args.bookinfoUrl,
                LAB_GRAFANA_URL: args.grafanaUrl,
                LAB_GRAFANA_PASSWORD: pulumi.secret(args.grafanaPassword),
                LAB_EXPOSURE: args.exposure,
                LAB_LANGUAGE: args.language,
            },
            // Every `up` proves the URLs again, plain `pulumi up` included; whatever a failed
            // verification left in the state, the next `up` brings a new nonce and runs it again.
            triggers: [args.everyUp],
        }, { parent: this, dependsOn: [...args.platform, ...forwards, ...args.verifyAfter] });

        this.registerOutputs({});
    }
}
