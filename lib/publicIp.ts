/**
 * Detects the public IPv4 address of the machine running `pulumi` (an engineer's laptop, or
 * the CI runner), so that SSH and the Kubernetes API can be opened to it alone.
 */
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { LabConfig } from "./config";
import { Translate } from "./messages";

/** Services that answer with the caller's address as plain text, tried in order. */
export const publicIpServices = ["https://checkip.amazonaws.com", "https://api.ipify.org"];

export async function detectPublicIp(services: readonly string[] = publicIpServices, timeoutMs = 5000): Promise<string> {
    const failures: string[] = [];
    for (const url of services) {
        try {
            const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
            const text = (await response.text()).trim();
            if (response.ok && ipaddr.IPv4.isValidFourPartDecimal(text)) return text;
            failures.push(`${url}: ${response.ok ? `not an IPv4 address: ${JSON.stringify(text.slice(0, 40))}` : `HTTP ${response.status}`}`);
        } catch (err) {
            failures.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
        }
    }
    throw new Error(failures.join("; "));
}

/** The configured admin CIDRs, plus this machine's address as a /32 when detectAdminIp is on. */
export async function adminCidrsOf(config: Pick<LabConfig, "adminCidrs" | "detectAdminIp">, t: Translate): Promise<string[]> {
    if (!config.detectAdminIp) return config.adminCidrs;
    const ip = await detectPublicIp().catch((err: Error) => {
        throw new pulumi.RunError(t("publicIp.failed", { reason: err.message }));
    });
    return config.adminCidrs.includes(`${ip}/32`) ? config.adminCidrs : [...config.adminCidrs, `${ip}/32`];
}
