/**
 * The EC2 instance types the lab may run (cost): one list for the policy pack's default, the
 * CI deploy role's `RunInstances` condition and the docs. t4g.nano is the NAT instance's.
 */
export const allowedInstanceTypes: readonly string[] = [
    "t4g.nano",
    "t3.medium", "t3.large", "t3.xlarge",
    "t3a.medium", "t3a.large", "t3a.xlarge",
    "t4g.medium", "t4g.large", "t4g.xlarge",
    "m7i.large", "m7g.large",
];
