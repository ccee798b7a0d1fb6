/**
 * What a lab costs per scheduled workday and per month of workdays: a pure function of the
 * stack's config, the hours the daily workflow keeps the lab up (read from its cron lines) and
 * the prices in lib/prices.ts. `npm run cost` prints it; the READMEs show it for the default
 * stack, and a test keeps them equal.
 */
import * as YAML from "yaml";
import { ConfigError, Egress, egressModes, LabConfig, RawConfig, WorkerCapacity, workerCapacities } from "./config";
import { Language, translator } from "./messages";
import { RegionPrices, prices } from "./prices";

/** The choices of issue 13 that the bill depends on, by their config keys. */
export interface CostChoices {
    workerCapacity: WorkerCapacity;
    egress: Egress;
    natInstanceType: string;
}

/** What the bill depends on, named as the config names it. */
export type CostInput = Pick<LabConfig, "region" | "controlPlaneInstanceType" | "workerInstanceType" | "workerCount" | "rootVolumeSizeGb"> & CostChoices;

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

/**
 * The issue-13 choices from the raw config, with their defaults, until lib/config.ts parses
 * them; a bad value is a ConfigError naming key, value and what is allowed.
 */
export function costChoices(get: RawConfig, project: string, language: Language): CostChoices {
    const t = translator(language);
    const oneOf = <T extends string>(key: string, values: readonly T[], fallback: T): T => {
        const value = get(key) ?? fallback;
        const found = values.find((v) => v === value);
        if (found === undefined) {
            const allowed = t("allowed.oneOf", { values: values.join(", ") });
            throw new ConfigError(key, t("config.invalid", { key: `${project}:${key}`, value: JSON.stringify(value), allowed }));
        }
        return found;
    };
    const natInstanceType = get("natInstanceType") ?? "t4g.nano";
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(natInstanceType)) {
        const allowed = t("allowed.instanceType");
        throw new ConfigError("natInstanceType", t("config.invalid", { key: `${project}:natInstanceType`, value: JSON.stringify(natInstanceType), allowed }));
    }
    return { workerCapacity: oneOf("workerCapacity", workerCapacities, "spot"), egress: oneOf("egress", egressModes, "natInstance"), natInstanceType };
}

export interface CostLine {
    resource: string;
    /** The unit price and quantity, as shown. */
    price: string;
    /** Dollars per scheduled workday. */
    workday: number;
}

export type CostTable =
    | { kind: "priced"; region: string; date: string; schedule: Schedule; workdaysPerMonth: number; lines: CostLine[]; workday: number; month: number }
    | { kind: "unpriced"; reason: string };

/** The cost of a lab with `input`'s config over `schedule`, in `language`, from `priceList`. */
export function costTable(input: CostInput, schedule: Schedule, language: Language, priceList: Readonly<Record<string, RegionPrices>> = prices): CostTable {
    const t = translator(language);
    const p = priceList[input.region];
    if (p === undefined) return { kind: "unpriced", reason: t("cost.unknownRegion", { region: input.region, regions: Object.keys(priceList).join(", ") }) };
    // Every instance price the config needs, or the sentence naming the first one missing.
    const needed = [
        { type: input.controlPlaneInstanceType, capacity: "onDemand" as const },
        { type: input.workerInstanceType, capacity: input.workerCapacity },
        ...(input.egress === "natInstance" ? [{ type: input.natInstanceType, capacity: "onDemand" as const }] : []),
    ].map(({ type, capacity }) => ({ type, capacity, price: (capacity === "spot" ? p.spotHourly : p.onDemandHourly)[type] }));
    const missing = needed.find((n) => n.price === undefined);
    if (missing !== undefined) {
        const capacity = t(missing.capacity === "spot" ? "cost.capacitySpot" : "cost.capacityOnDemand");
        return { kind: "unpriced", reason: t("cost.unknownPrice", { capacity, type: missing.type, region: input.region }) };
    }
    const [controlPlane, worker, nat] = needed.map((n) => n.price ?? 0);

    const hours = schedule.hours;
    const perHour = (count: number, price: number): CostLine["price"] => `${count === 1 ? "" : `${count} × `}$${price}/h`;
    const nodeVolumes = input.workerCount + 1;
    const volumeGb = nodeVolumes * input.rootVolumeSizeGb + (input.egress === "natInstance" ? natInstanceRootGb : 0);
    const natGb = natGbPerWorker * input.workerCount;
    const lines: CostLine[] = [
        { resource: t("cost.controlPlane", { type: input.controlPlaneInstanceType }), price: perHour(1, controlPlane), workday: controlPlane * hours },
        {
            resource: t(input.workerCapacity === "spot" ? "cost.workersSpot" : "cost.workersOnDemand", { count: input.workerCount, type: input.workerInstanceType }),
            price: perHour(input.workerCount, worker),
            workday: input.workerCount * worker * hours,
        },
        ...(input.egress === "natInstance"
            ? [{ resource: t("cost.natInstance", { type: input.natInstanceType }), price: perHour(1, nat), workday: nat * hours }]
            : [
                  { resource: t("cost.natGateway"), price: perHour(1, p.natGatewayHourly), workday: p.natGatewayHourly * hours },
                  { resource: t("cost.natGatewayData", { gb: natGb }), price: `$${p.natGatewayPerGb}/GB`, workday: p.natGatewayPerGb * natGb },
              ]),
        {
            resource: t(input.egress === "natInstance" ? "cost.addressesNatInstance" : "cost.addressesNatGateway", { count: 2 }),
            price: perHour(2, p.publicIpv4Hourly),
            workday: 2 * p.publicIpv4Hourly * hours,
        },
        {
            resource: t("cost.volumes", {
                sizes: `${nodeVolumes} × ${input.rootVolumeSizeGb} GB${input.egress === "natInstance" ? ` + ${natInstanceRootGb} GB` : ""} = ${volumeGb} GB`,
            }),
            price: `$${p.gp3GbMonth}/GB-month`,
            workday: (volumeGb * p.gp3GbMonth * hours) / hoursPerMonth,
        },
    ];
    const workday = lines.reduce((sum, line) => sum + line.workday, 0);
    const workdaysPerMonth = schedule.workdaysPerWeek * weeksPerMonth;
    return { kind: "priced", region: input.region, date: p.date, schedule, workdaysPerMonth, lines, workday, month: workday * workdaysPerMonth };
}

/** The table as Markdown (the READMEs' and `npm run cost`'s), or the sentence saying why there is none. */
export function renderCostTable(table: CostTable, language: Language): string {
    if (table.kind === "unpriced") return `${table.reason}\n`;
    const t = translator(language);
    // To the cent, half up (0.059 × 5 is 0.29499… in binary).
    const dollars = (amount: number) => `$${(Math.round(amount * 100 + 1e-6) / 100).toFixed(2)}`;
    const days = table.workdaysPerMonth.toFixed(1);
    const rows = table.lines.map((line) => `| ${line.resource} | ${line.price} | ${dollars(line.workday)} | ${dollars(line.workday * table.workdaysPerMonth)} |`);
    const { up, down, hours, workdaysPerWeek } = table.schedule;
    return [
        t("cost.header", { hours, days }),
        "| --- | --- | --- | --- |",
        ...rows,
        `| ${t("cost.total")} | | **${dollars(table.workday)}** | **${dollars(table.month)}** |`,
        "",
        t("cost.provenance", { region: table.region, date: table.date, up, down, days: workdaysPerWeek }),
        "",
    ].join("\n");
}
