/**
 * What a lab costs per scheduled workday and per month of workdays: a pure function of the
 * stack's config, the hours the daily workflow keeps the lab up (read from its cron lines) and
 * the prices in lib/prices.ts. `npm run cost` prints it; the READMEs show it for the default
 * stack, and a test keeps them equal.
 */
import * as YAML from "yaml";
import { LabConfig } from "./config";
import { Language, Translate, translator } from "./messages";
import { RegionPrices, prices } from "./prices";

/** What the bill depends on, named as the config names it. */
export type CostInput = Pick<
    LabConfig,
    "region" | "controlPlaneInstanceType" | "workerInstanceType" | "workerCount" | "workerCapacity" | "egress" | "natInstanceType" | "rootVolumeSizeGb"
>;

/** The NAT instance's own root volume (components/natInstance.ts), in GB. */
export const natInstanceRootGb = 8;
/** What one worker pulls through the NAT while it is prepared and joins (apt packages, images), in GB. */
export const natGbPerWorker = 2.5;
/** AWS prices storage per GB-month of 730 hours. */
const hoursPerMonth = 730;
const weeksPerMonth = 52 / 12;

/** The daily workflow's schedule: when the lab is built and destroyed, in UTC. */
export interface Schedule {
    up: string;
    down: string;
    /** Hours from the morning's up to the evening's destroy. */
    hours: number;
    /** Mornings a week the lab is built. */
    workdaysPerWeek: number;
}

/** The days of the week a cron day-of-week field names (`0-4`, `1,3,5`, `*`). */
function weekdays(field: string): Set<number> {
    const days = new Set<number>();
    for (const part of (field === "*" ? "0-6" : field).split(",")) {
        const [from, to = from] = part.split("-").map(Number);
        for (let day = from; day <= to; day++) days.add(day % 7);
    }
    return days;
}

/**
 * The schedule of `.github/workflows/daily.yml` (its text): the cron line the `up` job runs on
 * and the one the `destroy` job runs on, each `M H * * DOW` in UTC.
 */
export function scheduleFromWorkflow(text: string): Schedule {
    const workflow = YAML.parse(text) as { on: { schedule: { cron: string }[] }; jobs: Record<string, { if?: string }> };
    const cronOf = (job: string) => {
        const line = workflow.on.schedule.map((s) => s.cron).find((cron) => (workflow.jobs[job]?.if ?? "").includes(`'${cron}'`));
        const m = /^(\d+) (\d+) \* \* (\S+)$/.exec(line ?? "");
        if (m === null) throw new Error(`daily.yml: no cron line of the form "M H * * DOW" runs the ${job} job`);
        return { minutes: Number(m[2]) * 60 + Number(m[1]), days: weekdays(m[3]) };
    };
    const up = cronOf("up");
    const down = cronOf("destroy");
    const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    return { up: clock(up.minutes), down: clock(down.minutes), hours: ((down.minutes - up.minutes + 1440) % 1440) / 60, workdaysPerWeek: up.days.size };
}

export interface CostLine {
    resource: string;
    /** The unit price and quantity, as shown. */
    price: string;
    /** Cents per scheduled workday, rounded half up: what the table prints. */
    workday: number;
    /** Cents per month: the rounded workday times the printed workdays a month, rounded half up. */
    month: number;
}

export type CostTable =
    | {
          kind: "priced";
          region: string;
          date: string;
          /** Spot prices are this percentage of on-demand ones, computed rather than read. */
          spotPercent: number;
          schedule: Schedule;
          /** Workdays a month, to the hundredth: the number printed and multiplied by. */
          workdaysPerMonth: number;
          lines: CostLine[];
          /** The sums of the rounded lines, in cents. */
          workday: number;
          month: number;
          /** Cents a lab of this config costs kept up 24 hours, with spot workers and with on-demand ones (lab up's fallback). */
          fullDay: { spot: number; onDemand: number };
      }
    | { kind: "unpriced"; reason: string };

/** Dollars to the cent, half up (0.059 × 5 is 0.29499… in binary). */
const cents = (dollars: number) => Math.round(dollars * 100 + 1e-6);

/** The hourly instance prices a config needs. */
interface InstancePrices {
    controlPlane: number;
    worker: Record<CostInput["workerCapacity"], number>;
    nat: number;
}

/** The lines of a lab up `hours` hours a day, each to the cent, without the month. */
function dayLines(input: CostInput, hours: number, p: RegionPrices, instances: InstancePrices, t: Translate): Omit<CostLine, "month">[] {
    const worker = instances.worker[input.workerCapacity];
    const perHour = (count: number, price: number): CostLine["price"] => `${count === 1 ? "" : `${count} × `}$${price}/h`;
    const nodeVolumes = input.workerCount + 1;
    const volumeGb = nodeVolumes * input.rootVolumeSizeGb + (input.egress === "natInstance" ? natInstanceRootGb : 0);
    const natGb = natGbPerWorker * input.workerCount;
    const lines = [
        { resource: t("cost.controlPlane", { type: input.controlPlaneInstanceType }), price: perHour(1, instances.controlPlane), dollars: instances.controlPlane * hours },
        {
            resource: t(input.workerCapacity === "spot" ? "cost.workersSpot" : "cost.workersOnDemand", { count: input.workerCount, type: input.workerInstanceType }),
            price: perHour(input.workerCount, worker),
            dollars: input.workerCount * worker * hours,
        },
        ...(input.egress === "natInstance"
            ? [{ resource: t("cost.natInstance", { type: input.natInstanceType }), price: perHour(1, instances.nat), dollars: instances.nat * hours }]
            : [
                  { resource: t("cost.natGateway"), price: perHour(1, p.natGatewayHourly), dollars: p.natGatewayHourly * hours },
                  { resource: t("cost.natGatewayData", { gb: natGb }), price: `$${p.natGatewayPerGb}/GB`, dollars: p.natGatewayPerGb * natGb },
              ]),
        {
            resource: t(input.egress === "natInstance" ? "cost.addressesNatInstance" : "cost.addressesNatGateway", { count: 2 }),
            price: perHour(2, p.publicIpv4Hourly),
            dollars: 2 * p.publicIpv4Hourly * hours,
        },
        {
            resource: t("cost.volumes", {
                sizes: `${nodeVolumes} × ${input.rootVolumeSizeGb} GB${input.egress === "natInstance" ? ` + ${natInstanceRootGb} GB` : ""} = ${volumeGb} GB`,
            }),
            price: t("cost.perGbMonth", { price: `$${p.gp3GbMonth}` }),
            dollars: (volumeGb * p.gp3GbMonth * hours) / hoursPerMonth,
        },
    ];
    return lines.map(({ resource, price, dollars }) => ({ resource, price, workday: cents(dollars) }));
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The cost of a lab with `input`'s config over `schedule`, in `language`, from `priceList`. */
export function costTable(input: CostInput, schedule: Schedule, language: Language, priceList: Readonly<Record<string, RegionPrices>> = prices): CostTable {
    const t = translator(language);
    const p = priceList[input.region];
    if (p === undefined) return { kind: "unpriced", reason: t("cost.unknownRegion", { region: input.region, regions: Object.keys(priceList).join(", ") }) };
    // Every instance price the config needs (the workers' at both capacities, for lab up's fallback), or the sentence naming the first one missing.
    const other = input.workerCapacity === "spot" ? "onDemand" : "spot";
    const needed = [
        { type: input.controlPlaneInstanceType, capacity: "onDemand" as const },
        { type: input.workerInstanceType, capacity: input.workerCapacity },
        { type: input.workerInstanceType, capacity: other },
        ...(input.egress === "natInstance" ? [{ type: input.natInstanceType, capacity: "onDemand" as const }] : []),
    ].map(({ type, capacity }) => ({ type, capacity, price: (capacity === "spot" ? p.spotHourly : p.onDemandHourly)[type] }));
    const missing = needed.find((n) => n.price === undefined);
    if (missing !== undefined) {
        const capacity = t(missing.capacity === "spot" ? "cost.capacitySpot" : "cost.capacityOnDemand");
        return { kind: "unpriced", reason: t("cost.unknownPrice", { capacity, type: missing.type, region: input.region }) };
    }
    const [controlPlane, worker, otherWorker, nat = 0] = needed.map((n) => n.price ?? 0);
    const instances: InstancePrices = { controlPlane, worker: other === "onDemand" ? { spot: worker, onDemand: otherWorker } : { spot: otherWorker, onDemand: worker }, nat };

    // Workdays a month to the hundredth, and each line's month from its rounded workday: what is printed adds up.
    const workdaysPerMonth = Math.round((schedule.workdaysPerWeek * weeksPerMonth + 1e-9) * 100) / 100;
    const lines = dayLines(input, schedule.hours, p, instances, t).map((line) => ({ ...line, month: Math.round((line.workday * Math.round(workdaysPerMonth * 100)) / 100) }));
    const fullDay = (workerCapacity: CostInput["workerCapacity"]) => sum(dayLines({ ...input, workerCapacity }, 24, p, instances, t).map((line) => line.workday));
    return {
        kind: "priced",
        region: input.region,
        date: p.date,
        spotPercent: p.spotPercentOfOnDemand,
        schedule,
        workdaysPerMonth,
        lines,
        workday: sum(lines.map((line) => line.workday)),
        month: sum(lines.map((line) => line.month)),
        fullDay: { spot: fullDay("spot"), onDemand: fullDay("onDemand") },
    };
}

/** The table as Markdown (the READMEs' and `npm run cost`'s), or the sentence saying why there is none. */
export function renderCostTable(table: CostTable, language: Language): string {
    if (table.kind === "unpriced") return `${table.reason}\n`;
    const t = translator(language);
    const dollars = (amount: number) => `$${(amount / 100).toFixed(2)}`;
    const days = table.workdaysPerMonth.toFixed(2);
    const rows = table.lines.map((line) => `| ${line.resource} | ${line.price} | ${dollars(line.workday)} | ${dollars(line.month)} |`);
    const { up, down, hours, workdaysPerWeek } = table.schedule;
    return [
        t("cost.header", { hours, days }),
        "| --- | --- | --- | --- |",
        ...rows,
        `| ${t("cost.total")} | | **${dollars(table.workday)}** | **${dollars(table.month)}** |`,
        "",
        t("cost.provenance", { region: table.region, date: table.date, spotPercent: table.spotPercent, up, down, days: workdaysPerWeek, workdays: days }),
        "",
        t("cost.fullDay", { spot: dollars(table.fullDay.spot), onDemand: dollars(table.fullDay.onDemand) }),
        "",
    ].join("\n");
}
