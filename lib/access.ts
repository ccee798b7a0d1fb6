/**
 * What the operator reads about a verification: each URL's verdict with its next step, in the
 * operator's language.
 */
import { proxyScrapeJob } from "./linkerdMetrics";
import { MessageKey, Translate } from "./messages";
import { isPlatformCheck, PlatformCheck, ProbeResult, Verdict } from "./probe";

/** What a platform check's pass says: it is not an answer's time, but what was found. */
const passed: Record<PlatformCheck, MessageKey & `access.${PlatformCheck}Ok`> = {
    linkerdProxies: "access.linkerdProxiesOk",
    proxyTargets: "access.proxyTargetsOk",
    bookinfoDashboard: "access.bookinfoDashboardOk",
    alertRules: "access.alertRulesOk",
};

/**
 * One URL's (or platform check's) verdict as the sentence the operator reads, with its next step;
 * on an existing cluster, a refused port is first the cluster's port mapping to this machine.
 */
export function resultSentence(result: ProbeResult, t: Translate, mode: string, where = "aws"): string {
    const target = result.title;
    const { url, ms } = result;
    const detail = result.detail ?? "";
    switch (result.verdict) {
        case "ok": return isPlatformCheck(result.target) ? t(passed[result.target], { target, ms, url }) : t("access.ok", { target, ms, url });
        case "timeout": return t("access.timeout", { target, url, seconds: Math.round(ms / 1000) });
        case "slow": return t("access.slow", { target, url, ms });
        case "refused": return t(where === "aws" ? "access.refused" : "access.refusedOnCluster", { target, url, mode });
        case "unreachable": return t("access.unreachable", { target, url, detail });
        case "reset": return t("access.reset", { target, url, detail });
        case "serverError": return t("access.serverError", { target, url, status: result.status ?? 0 });
        case "unexpectedStatus": return t("access.unexpectedStatus", { target, url, detail });
        case "notProductPage": return t("access.notProductPage", { target, url, detail });
        case "unauthorized": return t("access.unauthorized", { target, url });
        case "noDatasource": return t("access.noDatasource", { target, url, detail });
        case "datasourceUnhealthy": return t("access.datasourceUnhealthy", { target, url, detail });
        case "prometheusError": return t("access.prometheusError", { target, url, detail });
        case "noBookinfoPods": return t("access.noBookinfoPods", { target, url });
        case "unmeshedPods": return t("access.unmeshedPods", { target, url, detail });
        case "proxyTargetsMissing": return t("access.proxyTargetsMissing", { target, url, detail, job: proxyScrapeJob });
        case "proxyTargetsPending": return t("access.proxyTargetsPending", { target, url, detail, job: proxyScrapeJob });
        case "noDashboard": return t("access.noDashboard", { target, url, detail });
        case "noShippedDashboard": return t("access.noShippedDashboard", { target, url, detail });
        case "dashboardChanged": return t("access.dashboardChanged", { target, url, detail });
        case "panelsWithoutData": return t("access.panelsWithoutData", { target, url, detail });
        case "alertRulesMissing": return t("access.alertRulesMissing", { target, url, detail });
        case "alertRulesFailing": return t("access.alertRulesFailing", { target, url, detail });
        case "alertRulesPending": return t("access.alertRulesPending", { target, url, detail });
    }
}

/** A verdict's name in a list of verdicts: its code in English, a phrase in Korean (the catalogue's verdict.*). */
export function verdictName(verdict: Verdict, t: Translate): string {
    return t(`verdict.${verdict}`);
}

/** One attempt, as it happens: each URL's verdict and time. */
export function describeAttempt(attempt: number, results: ProbeResult[], t: Translate): string {
    return t("access.attempt", { attempt, verdicts: results.map((r) => `${r.target} ${verdictName(r.verdict, t)} (${r.ms} ms)`).join(", ") });
}
