/**
 * Ready-to-paste SSH commands. The workers have no public address: they are reached through
 * the control-plane node. `ssh -J` would not do here, because OpenSSH does not pass `-i` on to
 * the jump connection; the ProxyCommand below is what `-J` expands to, with the key added.
 * Host keys are not pinned: the lab is rebuilt every day on addresses that come back with new
 * keys, so a known_hosts entry would only ever turn into a false alarm.
 */
export const sshUser = "ubuntu";

export interface SshTargets {
    /** Where the private key is saved, e.g. ~/.ssh/k8s-lab-dev. */
    keyPath: string;
    controlPlanePublicIp: string;
    workerPrivateIps: string[];
}

const options = (keyPath: string): string =>
    `-i ${keyPath} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;

export function sshCommands(targets: SshTargets): { controlPlane: string; workers: string[] } {
    const jump = `${sshUser}@${targets.controlPlanePublicIp}`;
    const proxy = `-o ProxyCommand="ssh ${options(targets.keyPath)} -W %h:%p ${jump}"`;
    return {
        controlPlane: `ssh ${options(targets.keyPath)} ${jump}`,
        workers: targets.workerPrivateIps.map((ip) => `ssh ${options(targets.keyPath)} ${proxy} ${sshUser}@${ip}`),
    };
}
