/**
 * Deploy-time facts read from AWS: which zone offers the instance types, what an instance type
 * is (architecture, memory) and which Ubuntu image to boot.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Translate } from "./messages";
import { ubuntuAmiParameter } from "./versions";

/** The first zone, in name order, that offers every wanted instance type. */
export function zoneOffering(offerings: { instanceTypes: string[]; locations: string[] }, wanted: string[]): string | undefined {
    const zones = [...new Set(offerings.locations)].sort();
    return zones.find((zone) =>
        wanted.every((type) => offerings.instanceTypes.some((offered, i) => offered === type && offerings.locations[i] === zone)),
    );
}

/** The zone to build in: the configured one, or the first offering both instance types. */
export function availabilityZone(
    args: { configured: string; region: string; controlPlaneType: string; workerType: string; t: Translate },
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<string> {
    if (args.configured !== "") return pulumi.output(args.configured);
    const wanted = [args.controlPlaneType, args.workerType];
    return aws.ec2
        .getInstanceTypeOfferingsOutput({ locationType: "availability-zone", filters: [{ name: "instance-type", values: wanted }] }, opts)
        .apply((offerings) => {
            const zone = zoneOffering(offerings, wanted);
            if (zone === undefined) {
                throw new pulumi.RunError(args.t("instance.noZone", { region: args.region, controlPlaneType: args.controlPlaneType, workerType: args.workerType }));
            }
            return zone;
        });
}

export interface InstanceTypeFacts {
    architecture: "amd64" | "arm64";
    memoryGiB: number;
}

export function instanceTypeFacts(instanceType: string, opts: pulumi.InvokeOutputOptions): pulumi.Output<InstanceTypeFacts> {
    return aws.ec2.getInstanceTypeOutput({ instanceType }, opts).apply((info): InstanceTypeFacts => ({
        architecture: info.supportedArchitectures.includes("arm64") ? "arm64" : "amd64",
        memoryGiB: info.memorySize / 1024,
    }));
}

/** The current Ubuntu LTS server image for an architecture, from Canonical's SSM parameter (`insecureValue`: an AMI id is no secret, and a secret id would hide every image diff). */
export function ubuntuAmi(architecture: pulumi.Input<"amd64" | "arm64">, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    return aws.ssm.getParameterOutput({ name: pulumi.output(architecture).apply(ubuntuAmiParameter) }, opts).insecureValue;
}
