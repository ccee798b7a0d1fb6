/**
 * How the lab's public endpoints are served, in the order the `up` command falls back through
 * them: NodePort Services; a `kubectl port-forward` systemd service on the control-plane node
 * (lib/portForward.ts); hostPort on the pods. The platform transform (lib/placement.ts) applies
 * the first and the last; portForward needs neither.
 */
export const exposures = ["nodePort", "portForward", "hostPort"] as const;
export type Exposure = (typeof exposures)[number];

/**
 * The modes each target (lib/configSchema.ts) serves with, in the same order: portForward needs
 * systemd services on a node over SSH, which an existing cluster does not offer.
 */
export const targetExposures = {
    aws: exposures,
    existingCluster: ["nodePort", "hostPort"],
} as const satisfies Record<"aws" | "existingCluster", readonly Exposure[]>;
