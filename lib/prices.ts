/**
 * The AWS prices the cost table (lib/cost.ts) multiplies, per region, in US dollars, each region
 * with the day they were read and where from. A region not listed here has no cost table: the
 * report says so rather than guessing. Refresh them from the sources below; the tests recompute
 * the READMEs' table from this file.
 */
export interface RegionPrices {
    /** The day these prices were read (list prices change rarely; spot prices daily). */
    readonly date: string;
    readonly sources: readonly string[];
    /** Linux, shared tenancy, per instance-hour: every type of lib/allowList.ts and the NAT instance's. */
    readonly onDemandHourly: Readonly<Record<string, number>>;
    /** Linux spot, per instance-hour, for the types a worker may have: a snapshot, not a quote. */
    readonly spotHourly: Readonly<Record<string, number>>;
    /** How the spot snapshot was taken. */
    readonly spotSnapshot: string;
    /** The spot prices above are this percentage of the on-demand ones (rounded to 0.0001), not read: the cost table says so. */
    readonly spotPercentOfOnDemand: number;
    readonly natGatewayHourly: number;
    /** NAT gateway data processing, per GB in either direction. */
    readonly natGatewayPerGb: number;
    /** Every public IPv4 address, in use or not (an Elastic IP too), per hour. */
    readonly publicIpv4Hourly: number;
    /** gp3 storage per GB-month (the lab keeps the 3,000 IOPS and 125 MB/s a gp3 volume includes). */
    readonly gp3GbMonth: number;
}

export const prices: Readonly<Record<string, RegionPrices>> = {
    "ap-northeast-2": {
        date: "2026-11-29",
        sources: [
            "https://aws.amazon.com/ec2/pricing/on-demand/ (Asia Pacific (Seoul), Linux)",
            "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/ap-northeast-2/index.json",
            "https://aws.amazon.com/vpc/pricing/ (NAT gateway; public IPv4 address)",
            "https://aws.amazon.com/ebs/pricing/ (gp3)",
            "https://aws.amazon.com/ec2/spot/pricing/ and https://aws.amazon.com/ec2/spot/instance-advisor/",
        ],
        onDemandHourly: {
            "t3.medium": 0.052,
            "t3.large": 0.104,
            "t3.xlarge": 0.208,
            "t3a.medium": 0.0468,
            "t3a.large": 0.0936,
            "t3a.xlarge": 0.1872,
            "t4g.nano": 0.0052,
            "t4g.micro": 0.0104,
            "t4g.small": 0.0208,
            "t4g.medium": 0.0416,
            "t4g.large": 0.0832,
            "t4g.xlarge": 0.1664,
            "m7i.large": 0.1239,
            "m7g.large": 0.0998,
        },
        spotHourly: {
            "t3.medium": 0.0182,
            "t3.large": 0.0364,
            "t3.xlarge": 0.0728,
            "t3a.medium": 0.0164,
            "t3a.large": 0.0328,
            "t3a.xlarge": 0.0655,
            "t4g.nano": 0.0018,
            "t4g.medium": 0.0146,
            "t4g.large": 0.0291,
            "t4g.xlarge": 0.0582,
            "m7i.large": 0.0434,
            "m7g.large": 0.0349,
        },
        spotSnapshot:
            "35% of the on-demand price, the upper end of what the Spot Instance Advisor lists for these families in Seoul " +
            "(65-70% saved); refresh with the 30-day average of aws ec2 describe-spot-price-history " +
            "--region ap-northeast-2 --product-descriptions Linux/UNIX --instance-types TYPE",
        spotPercentOfOnDemand: 35,
        natGatewayHourly: 0.059,
        natGatewayPerGb: 0.059,
        publicIpv4Hourly: 0.005,
        gp3GbMonth: 0.0912,
    },
};
