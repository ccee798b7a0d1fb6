/**
 * Every version the lab installs, pinned in one place.
 */
export const versions = {
    /** Ubuntu LTS release of the node image, resolved at deploy time from Canonical's SSM parameters. */
    ubuntu: "24.04",
} as const;

/** Canonical's published SSM parameter holding the current Ubuntu server AMI for an architecture. */
export function ubuntuAmiParameter(architecture: "amd64" | "arm64"): string {
    return `/aws/service/canonical/ubuntu/server/${versions.ubuntu}/stable/current/${architecture}/hvm/ebs-gp3/ami-id`;
}
