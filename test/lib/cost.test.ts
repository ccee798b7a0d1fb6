import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { allowedInstanceTypes } from "../../lib/allowList";
import { parseConfig } from "../../lib/config";
import { CostInput, CostTable, costTable, renderCostTable, scheduleFromWorkflow } from "../../lib/cost";
import { Language } from "../../lib/messages";
import { prices } from "../../lib/prices";
import { ConfigValue, rawConfig, root } from "../harness/stackConfig";

const dailyYml = fs.readFileSync(path.join(root, ".github", "workflows", "daily.yml"), "utf8");
const schedule = scheduleFromWorkflow(dailyYml);

/** The cost input of the default stack with `overrides`, as npm run cost builds it. */
function input(overrides: Record<string, ConfigValue> = {}): CostInput {
    return parseConfig(rawConfig(undefined, overrides), "k8s-lab", {});
}

/** The table's rows, each `resource | price | workday | month`. */
function rows(table: CostTable, language: Language = "en"): string[] {
    return renderCostTable(table, language).split("\n").filter((line) => line.startsWith("| ")).slice(2);
}

const controlPlane = "| control-plane node, t3.large, on-demand | $0.104/h | $1.14 | $24.79 |";
const spotWorkers = "| workers, 2 × t3.medium, spot | 2 × $0.0182/h | $0.40 | $8.68 |";
const natInstance = "| NAT instance, t4g.nano, on-demand | $0.0052/h | $0.06 | $1.24 |";
const addresses = (via: string) => `| 2 public IPv4 addresses (control-plane node, ${via}) | 2 × $0.005/h | $0.11 | $2.38 |`;

describe("the cost table", () => {
    it("takes the hours and workdays from the daily workflow's cron lines", () => {
        assert.deepStrictEqual(schedule, { up: "23:00", down: "10:00", hours: 11, workdaysPerWeek: 5 });
        const other = dailyYml.replace(/0 23 \* \* 0-4/g, "30 22 * * 1,3").replace(/0 10 \* \* 1-5/g, "0 6 * * *");
        assert.deepStrictEqual(scheduleFromWorkflow(other), { up: "22:30", down: "06:00", hours: 7.5, workdaysPerWeek: 2 });
        assert.throws(() => scheduleFromWorkflow(dailyYml.replace(/'0 23 \* \* 0-4'/g, "'1 23 * * 0-4'")), /no cron line .* runs the up job/);
    });

    it("prices the default stack at $2.00 or less a workday, line by line", () => {
        const table = costTable(input(), schedule, "en");
        assert.deepStrictEqual(rows(table), [
            controlPlane,
            spotWorkers,
            natInstance,
            addresses("NAT instance"),
            "| encrypted gp3 root volumes, 3 × 30 GB + 8 GB = 98 GB | $0.0912/GB-month | $0.13 | $2.92 |",
            "| **total** | | **$1.85** | **$40.00** |",
        ]);
        assert.ok(table.kind === "priced" && table.workday <= 2.0, `a workday costs ${table.kind === "priced" ? table.workday : "?"}`);
    });

    it("prices on-demand workers", () => {
        assert.deepStrictEqual(rows(costTable(input({ workerCapacity: "onDemand" }), schedule, "en")), [
            controlPlane,
            "| workers, 2 × t3.medium, on-demand | 2 × $0.052/h | $1.14 | $24.79 |",
            natInstance,
            addresses("NAT instance"),
            "| encrypted gp3 root volumes, 3 × 30 GB + 8 GB = 98 GB | $0.0912/GB-month | $0.13 | $2.92 |",
            "| **total** | | **$2.59** | **$56.11** |",
        ]);
    });

    it("prices a NAT gateway by the hour and by the GB, without the NAT instance and its volume", () => {
        assert.deepStrictEqual(rows(costTable(input({ egress: "natGateway" }), schedule, "en")), [
            controlPlane,
            spotWorkers,
            "| NAT gateway | $0.059/h | $0.65 | $14.06 |",
            "| NAT gateway data processing, about 5 GB of packages and images | $0.059/GB | $0.30 | $6.39 |",
            addresses("NAT gateway"),
            "| encrypted gp3 root volumes, 3 × 30 GB = 90 GB | $0.0912/GB-month | $0.12 | $2.68 |",
            "| **total** | | **$2.72** | **$58.98** |",
        ]);
    });

    it("prices bigger volumes and more workers", () => {
        assert.deepStrictEqual(rows(costTable(input({ rootVolumeSizeGb: 100 }), schedule, "en")), [
            controlPlane,
            spotWorkers,
            natInstance,
            addresses("NAT instance"),
            "| encrypted gp3 root volumes, 3 × 100 GB + 8 GB = 308 GB | $0.0912/GB-month | $0.42 | $9.17 |",
            "| **total** | | **$2.13** | **$46.26** |",
        ]);
        assert.deepStrictEqual(rows(costTable(input({ workerCount: 5, egress: "natGateway" }), schedule, "en")), [
            controlPlane,
            "| workers, 5 × t3.medium, spot | 5 × $0.0182/h | $1.00 | $21.69 |",
            "| NAT gateway | $0.059/h | $0.65 | $14.06 |",
            "| NAT gateway data processing, about 12.5 GB of packages and images | $0.059/GB | $0.74 | $15.98 |",
            addresses("NAT gateway"),
            "| encrypted gp3 root volumes, 6 × 30 GB = 180 GB | $0.0912/GB-month | $0.25 | $5.36 |",
            "| **total** | | **$3.89** | **$84.26** |",
        ]);
    });

    it("says a region or a type without prices has no table instead of guessing, in both languages", () => {
        const region = input({ region: "eu-west-1" });
        assert.deepStrictEqual(costTable(region, schedule, "en"), {
            kind: "unpriced",
            reason: "lib/prices.ts has no prices for region eu-west-1 (it has ap-northeast-2), so there is no cost table rather than a guess.",
        });
        assert.strictEqual(
            renderCostTable(costTable(region, schedule, "ko"), "ko"),
            "lib/prices.ts에 eu-west-1 리전의 가격이 없으므로(있는 리전: ap-northeast-2) 추측하지 않고 비용 표를 만들지 않습니다.\n",
        );
        assert.deepStrictEqual(costTable(input({ workerInstanceType: "m5.large" }), schedule, "en"), {
            kind: "unpriced",
            reason: "lib/prices.ts has no spot price for m5.large in ap-northeast-2, so there is no cost table rather than a guess.",
        });
        assert.deepStrictEqual(costTable(input({ natInstanceType: "t4g.2xlarge" }), schedule, "en"), {
            kind: "unpriced",
            reason: "lib/prices.ts has no on-demand price for t4g.2xlarge in ap-northeast-2, so there is no cost table rather than a guess.",
        });
    });

    it("has an on-demand and a spot price for every allowed type, and an on-demand one for the NAT instance's default, in every region", () => {
        for (const [region, p] of Object.entries(prices)) {
            assert.deepStrictEqual(allowedInstanceTypes.filter((type) => p.onDemandHourly[type] === undefined || p.spotHourly[type] === undefined), [], region);
            assert.ok(p.onDemandHourly[input().natInstanceType] !== undefined, region);
            assert.match(p.date, /^\d{4}-\d{2}-\d{2}$/, region);
            for (const [type, spot] of Object.entries(p.spotHourly)) assert.ok(spot < (p.onDemandHourly[type] ?? 0), `${region} ${type}`);
        }
    });

    it("reads spot workers and a NAT instance by default, and refuses other values by key", () => {
        assert.deepStrictEqual(costChoices(() => undefined, "k8s-lab", "en"), { workerCapacity: "spot", egress: "natInstance", natInstanceType: "t4g.nano" });
        assert.throws(
            () => costChoices((key) => (key === "egress" ? "vpn" : undefined), "k8s-lab", "en"),
            (e: unknown) => e instanceof ConfigError && e.key === "egress" && e.message === 'Config key k8s-lab:egress has the value "vpn", which is not allowed: use one of natInstance, natGateway.',
        );
    });
});
