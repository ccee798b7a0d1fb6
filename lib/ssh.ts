/**
 * Ready-to-paste SSH commands. The workers have no public address: they are reached through
 * the control-plane node. `ssh -J` would not do here, because OpenSSH does not pass `-i` on to
 * the jump connection; the ProxyCommand below is what `-J` expands to, with the key added.
 * Host keys are not pinned: the lab is rebuilt every day on addresses that come back with new
 * keys, so a known_hosts entry would only ever turn into a false alarm. A node that does not
 * answer (stopped, or this address not in adminCidrs) fails after 10 s, not after the kernel's
 * TCP retries (about two minutes).
 */
export const sshUser = "ubuntu";

export interface SshTargets {
    /** Where the private key is saved, e.g. ~/.ssh/k8s-lab-dev. */
    keyPath: string;
    controlPlanePublicIp: string;
    workerPrivateIps: string[];
}

/** The options every lab SSH connection uses, as arguments. */
export const sshOptions = (keyPath: string): string[] =>
    ["-i", keyPath, "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"];

/** Arguments for `ssh` to a node, through the control-plane node when `jump` is given. */
export function sshArgs(keyPath: string, host: string, jump?: string): string[] {
    const proxy = jump === undefined ? [] : ["-o", `ProxyCommand=ssh ${sshOptions(keyPath).join(" ")} -W %h:%p ${sshUser}@${jump}`];
    return [...sshOptions(keyPath), ...proxy, `${sshUser}@${host}`];
}

const options = (keyPath: string): string => sshOptions(keyPath).join(" ");

export function sshCommands(targets: SshTargets): { controlPlane: string; workers: string[] } {
    const jump = `${sshUser}@${targets.controlPlanePublicIp}`;
    const proxy = `-o ProxyCommand="ssh ${options(targets.keyPath)} -W %h:%p ${jump}"`;
    return {
        controlPlane: `ssh ${options(targets.keyPath)} ${jump}`,
        workers: targets.workerPrivateIps.map((ip) => `ssh ${options(targets.keyPath)} ${proxy} ${sshUser}@${ip}`),
    };
}
