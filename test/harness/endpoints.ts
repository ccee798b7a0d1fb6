/** The lab's two endpoints as verify and the stack outputs give them, at the URLs a test serves. */
import { VerifyTarget } from "../../lib/endpoints";
import { Endpoints } from "../../lib/probe";

export const labTargets = (bookinfoUrl: string, grafanaUrl: string): VerifyTarget[] => [
    { name: "bookinfo", title: "Bookinfo", url: bookinfoUrl, check: "productPage", publicPort: 30080 },
    { name: "grafana", title: "Grafana", url: grafanaUrl, check: "grafana", publicPort: 30300 },
];

export const labEndpointsAt = (bookinfoUrl: string, grafanaUrl: string, grafanaPassword = "pw"): Endpoints => ({ targets: labTargets(bookinfoUrl, grafanaUrl), grafanaPassword });
