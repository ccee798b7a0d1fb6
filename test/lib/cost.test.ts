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

const controlPlane = "| control-plane node, t3.large, on-demand | $0.104/h | $1.14 | $24.70 |";
const spotWorkers = "| workers, 2 × t3.medium, spot | 2 × $0.0182/h | $0.40 | $8.67 |";
const natInstance = "| NAT instance, t4g.nano, on-demand | $0.0052/h | $0.06 | $1.30 |";
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
            "| encrypted gp3 root volumes, 3 × 30 GB + 8 GB = 98 GB | $0.0912/GB-month | $0.13 | $2.82 |",
            "| **total** | | **$1.84** | **$39.87** |",
        ]);
        assert.ok(table.kind === "priced" && table.workday <= 200, `a workday costs ${table.kind === "priced" ? table.workday : "?"} cents`);
    });

    it("prices on-demand workers", () => {
        assert.deepStrictEqual(rows(costTable(input({ workerCapacity: "onDemand" }), schedule, "en")), [
            controlPlane,
            "| workers, 2 × t3.medium, on-demand | 2 × $0.052/h | $1.14 | $24.70 |",
            natInstance,
            addresses("NAT instance"),
            "| encrypted gp3 root volumes, 3 × 30 GB + 8 GB = 98 GB | $0.0912/GB-month | $0.13 | $2.82 |",
            "| **total** | | **$2.58** | **$55.90** |",
        ]);
    });

    it("prices a NAT gateway by the hour and by the GB, without the NAT instance and its volume", () => {
        assert.deepStrictEqual(rows(costTable(input({ egress: "natGateway" }), schedule, "en")), [
            controlPlane,
            spotWorkers,
            "| NAT gateway | $0.059/h | $0.65 | $14.09 |",
            "| NAT gateway data processing, about 5 GB of packages and images | $0.059/GB | $0.30 | $6.50 |",
            addresses("NAT gateway"),
            "| encrypted gp3 root volumes, 3 × 30 GB = 90 GB | $0.0912/GB-month | $0.12 | $2.60 |",
            "| **total** | | **$2.72** | **$58.94** |",
        ]);
    });

    it("prices bigger volumes and more workers", () => {
        assert.deepStrictEqual(rows(costTable(input({ rootVolumeSizeGb: 100 }), schedule, "en")), [
            controlPlane,
            spotWorkers,
            natInstance,
            addresses("NAT instance"),
            "| encrypted gp3 root volumes, 3 × 100 GB + 8 GB = 308 GB | $0.0912/GB-month | $0.42 | $9.10 |",
            "| **total** | | **$2.13** | **$46.15** |",
        ]);
        assert.deepStrictEqual(rows(costTable(input({ workerCount: 5, egress: "natGateway" }), schedule, "en")), [
            controlPlane,
            "| workers, 5 × t3.medium, spot | 5 × $0.0182/h | $1.00 | $21.67 |",
            "| NAT gateway | $0.059/h | $0.65 | $14.09 |",
            "| NAT gateway data processing, about 12.5 GB of packages and images | $0.059/GB | $0.74 | $16.04 |",
            addresses("NAT gateway"),
            "| encrypted gp3 root volumes, 6 × 30 GB = 180 GB | $0.0912/GB-month | $0.25 | $5.42 |",
            "| **total** | | **$3.89** | **$84.30** |",
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
        assert.deepStrictEqual(costTable({ ...input(), workerInstanceType: "m5.large" }, schedule, "en"), {
            kind: "unpriced",
            reason: "lib/prices.ts has no spot price for m5.large in ap-northeast-2, so there is no cost table rather than a guess.",
        });
        assert.deepStrictEqual(costTable({ ...input(), natInstanceType: "t4g.2xlarge" }, schedule, "en"), {
            kind: "unpriced",
            reason: "lib/prices.ts has no on-demand price for t4g.2xlarge in ap-northeast-2, so there is no cost table rather than a guess.",
        });
        // The workers' on-demand price too, for the day after lab up's fallback.
        const p = prices["ap-northeast-2"];
        const onDemandHourly = Object.fromEntries(Object.entries(p.onDemandHourly).filter(([type]) => type !== "t3.medium"));
        const withoutOnDemand = { "ap-northeast-2": { ...p, onDemandHourly } };
        assert.deepStrictEqual(costTable(input(), schedule, "en", withoutOnDemand), {
            kind: "unpriced",
            reason: "lib/prices.ts has no on-demand price for t3.medium in ap-northeast-2, so there is no cost table rather than a guess.",
        });
    });

    it("has an on-demand and a spot price for every allowed type, and an on-demand one for the NAT instance's default, in every region", () => {
        for (const [region, p] of Object.entries(prices)) {
            assert.deepStrictEqual(allowedInstanceTypes.filter((type) => p.onDemandHourly[type] === undefined || p.spotHourly[type] === undefined), [], region);
            assert.ok(p.onDemandHourly[input().natInstanceType] !== undefined, region);
            assert.match(p.date, /^\d{4}-\d{2}-\d{2}$/, region);
            // The share the table states: each spot price is that percentage of on-demand, to 0.0001.
            for (const [type, spot] of Object.entries(p.spotHourly)) {
                assert.strictEqual(spot, Math.round(((p.onDemandHourly[type] ?? 0) * p.spotPercentOfOnDemand) / 100 * 10000 + 1e-9) / 10000, `${region} ${type}`);
            }
        }
    });

    it("prints numbers that add up: the rounded lines to the totals, each month to its workday times the printed workdays", () => {
        for (const overrides of [{}, { workerCapacity: "onDemand" }, { egress: "natGateway" }, { workerCount: 5, rootVolumeSizeGb: 100 }]) {
            const text = renderCostTable(costTable(input(overrides), schedule, "en"), "en");
            const days = Number(/a month \(([\d.]+) workdays\)/.exec(text)?.[1]);
            assert.strictEqual(days, 21.67);
            assert.ok(text.includes(", which is 21.67 workdays a month (52 weeks / 12)."));
            const cells = rows(costTable(input(overrides), schedule, "en")).map((row) =>
                (/\| \**\$([\d.]+)\** \| \**\$([\d.]+)\** \|$/.exec(row)?.slice(1) ?? []).map((cell) => Math.round(Number(cell) * 100)),
            );
            const total = cells.pop() ?? [];
            for (const [workday, month] of cells) assert.strictEqual(month, Math.round((workday * days * 100) / 100), JSON.stringify(overrides));
            assert.deepStrictEqual(total, [cells.reduce((sum, [w]) => sum + w, 0), cells.reduce((sum, [, m]) => sum + m, 0)], JSON.stringify(overrides));
        }
    });

    it("says the spot prices are computed, and what the lab costs kept up 24 hours with spot workers and after the fallback, in both languages", () => {
        const [en, ko] = (["en", "ko"] as const).map((language) => renderCostTable(costTable(input(), schedule, language), language).split("\n").slice(-4));
        assert.deepStrictEqual(en, [
            "Prices for ap-northeast-2 in lib/prices.ts: the on-demand, NAT gateway, IPv4 and gp3 prices as read on 2026-11-29; the spot prices are not read but computed as 35% of on-demand (real spot prices change daily; this is not a quote). Hours from the schedule in .github/workflows/daily.yml: up at 23:00 UTC, destroyed at 10:00 UTC, 5 days a week, which is 21.67 workdays a month (52 weeks / 12). Each line is rounded to the cent and the totals add the rounded lines.",
            "",
            "Kept up 24 hours, the same lab costs $4.02 a day with spot workers, and $5.65 a day once lab up has fallen back to on-demand workers.",
            "",
        ]);
        assert.deepStrictEqual(ko.slice(2), ["같은 실습 환경을 24시간 켜 두면 하루 비용은 스팟 워커일 때 $4.02, lab up이 온디맨드 워커로 전환한 뒤에는 $5.65입니다.", ""]);
        assert.match(ko[0], /스팟 가격은 확인한 값이 아니라 온디맨드 가격의 35%로 계산한 값입니다/);
        // 24 hours of the on-demand config's lines, summed as the table sums them.
        const onDemand = costTable(input({ workerCapacity: "onDemand" }), { ...schedule, hours: 24 }, "en");
        assert.ok(onDemand.kind === "priced" && onDemand.workday === 565 && onDemand.fullDay.onDemand === 565 && onDemand.fullDay.spot === 402);
    });
});
