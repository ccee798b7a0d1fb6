import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliLanguage, stackLanguage } from "../../cli/context";
import { elapsed, phaseTracker } from "../../cli/progress";
import { chooseBackend, chooseStack, findEnvironment, installedPulumi, keepPassphrase, passphraseFile, personalStack, pinnedPulumiVersion } from "../../cli/setup";
import { types } from "../harness";

describe("a fresh machine", () => {
    const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-setup-"));

    it("works on a personal stack, never the CI's dev, unless --stack or PULUMI_STACK names one", () => {
        assert.deepStrictEqual(
            [personalStack("kim"), personalStack("Kim.Minji"), personalStack("dev"), personalStack("__"), chooseStack(undefined, {}, "kim"), chooseStack(undefined, { PULUMI_STACK: "dev" }, "kim"), chooseStack("test", { PULUMI_STACK: "dev" }, "kim"), chooseStack(undefined, { PULUMI_STACK: "" }, "kim")],
            ["kim", "kim-minji", "dev-lab", "lab", "kim", "dev", "test", "kim"],
        );
    });

    it("keeps the state on this machine when no backend is configured, and uses the one configured otherwise", () => {
        const home = temp();
        assert.deepStrictEqual(chooseBackend({}, home), { url: `file://${home}`, local: true, cloud: false });
        assert.deepStrictEqual(chooseBackend({ PULUMI_BACKEND_URL: "s3://state" }, home), { url: "s3://state", local: false, cloud: false });
        fs.mkdirSync(path.join(home, ".pulumi"));
        fs.writeFileSync(path.join(home, ".pulumi", "credentials.json"), JSON.stringify({ current: "https://api.pulumi.com" }));
        assert.deepStrictEqual(chooseBackend({}, home), { url: "https://api.pulumi.com", local: false, cloud: true });
    });

    it("keeps the passphrase readable by its owner only, whatever the umask, and hands the file to every Pulumi call", () => {
        const home = temp();
        const file = passphraseFile(home, "kim");
        const umask = process.umask(0o000);
        try {
            keepPassphrase(file, "correct horse");
        } finally {
            process.umask(umask);
        }
        assert.deepStrictEqual([file, fs.readFileSync(file, "utf8"), fs.statSync(file).mode & 0o777, fs.statSync(path.dirname(file)).mode & 0o777], [path.join(home, ".config", "k8s-lab", "kim.passphrase"), "correct horse", 0o600, 0o700]);
        assert.deepStrictEqual(findEnvironment("kim", { PATH: "" }, home), { stack: "kim", pulumi: undefined, env: { PULUMI_BACKEND_URL: `file://${home}`, PULUMI_CONFIG_PASSPHRASE_FILE: file }, backend: { url: `file://${home}`, local: true, cloud: false }, passphraseFile: file });
        // A passphrase the operator set wins: the kept file is not passed.
        assert.deepStrictEqual(findEnvironment("kim", { PATH: "", PULUMI_CONFIG_PASSPHRASE: "x", PULUMI_BACKEND_URL: "s3://state" }, home).env, {});
    });

    it("finds the Pulumi CLI on PATH, else the one an earlier up installed, pinned to the SDK's version", () => {
        const home = temp();
        const bin = path.join(temp(), "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
        assert.strictEqual(findEnvironment("kim", { PATH: `/nonexistent:${bin}` }, home).pulumi, path.join(bin, "pulumi"));
        assert.strictEqual(findEnvironment("kim", { PATH: "/nonexistent" }, home).pulumi, undefined);
        const installed = installedPulumi(home);
        assert.strictEqual(installed, path.join(home, ".pulumi", "versions", "3.270.0", "bin", "pulumi"));
        assert.strictEqual(pinnedPulumiVersion(), JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")).dependencies["@pulumi/pulumi"]);
        fs.mkdirSync(path.dirname(installed), { recursive: true });
        fs.writeFileSync(installed, "#!/bin/sh\n", { mode: 0o755 });
        assert.strictEqual(findEnvironment("kim", { PATH: "/nonexistent" }, home).pulumi, installed);
    });

    it("shows up's progress by phase, each once and in order, with the time since it began", () => {
        // A resource's URN: its ancestors' types below the stack, then its own, and its name.
        const urn = (path: string[], name: string) => `urn:pulumi:dev::k8s-lab::${path.join("$")}::${name}`;
        const seenFor = (urns: string[]): string[] => {
            const seen: string[] = [];
            const track = phaseTracker((phase) => seen.push(phase));
            for (const u of urns) track(u);
            return seen;
        };
        // One resource at a time; the timings' table places them, "other" and what times nothing show no line.
        assert.deepStrictEqual([
            urn([types.network, types.vpc], "network-vpc"),
            urn(["k8slab:index:ClusterSecurityGroups", types.securityGroup], "security-groups-control-plane"),
            urn(["k8slab:index:NodeGroup", types.instance], "control-plane-0"),
            // The NAT instance is the network's, as in the timings (it was once "nodes" here).
            urn([types.network, types.instance], "network-nat"),
            // Keys are made in no time at the very start: a line for them would skip "network".
            urn(["k8slab:index:SshKey", types.privateKey], "ssh-key"),
            urn(["k8slab:index:KubernetesCluster", types.remoteCommand], "cluster-init"),
            urn(["kubernetes:helm.sh/v3:Release"], "monitoring"),
            urn(["k8slab:index:Bookinfo", types.remoteCommand], "bookinfo-traffic-check"),
            urn(["k8slab:index:Access", types.localCommand], "access-verify"),
            urn([types.awsProvider], "aws"),
            urn([types.network], "network"),
            // The per-up marker starts with the network, so it is "other", not bootstrap.
            urn([types.dynamic], "every-up"),
        ].map((u) => seenFor([u])), [["network"], ["network"], ["nodes"], ["network"], [], ["bootstrap"], ["platform"], ["platform"], ["verification"], [], [], []]);
        assert.deepStrictEqual(seenFor([
            urn([types.network, types.vpc], "v"),
            urn(["k8slab:index:NodeGroup", types.instance], "i"),
            urn([types.network, types.subnet], "s"),
            urn(["k8slab:index:KubernetesCluster", types.remoteCommand], "cluster-init"),
            urn(["k8slab:index:Monitoring", types.namespace], "n"),
            urn(["k8slab:index:KubernetesCluster", types.remoteCommand], "cluster-join-0"),
            urn(["k8slab:index:Access", types.localCommand], "access-verify"),
        ]), ["network", "nodes", "bootstrap", "platform", "verification"]);
        assert.deepStrictEqual([elapsed(0), elapsed(59_999), elapsed(61_000), elapsed(754_000)], ["0:00", "0:59", "1:01", "12:34"]);
    });
});

describe("the terminal's language", () => {
    it("follows the stack's language setting when it is ko or en, else LC_ALL, LC_MESSAGES and LANG, C and POSIX counting as unset", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-lang-"));
        fs.writeFileSync(path.join(dir, "Pulumi.ko.yaml"), "config:\n  k8s-lab:region: ap-northeast-2\n  k8s-lab:language: ko\n");
        fs.writeFileSync(path.join(dir, "Pulumi.auto.yaml"), "config:\n  k8s-lab:language: \"auto\"\n");
        assert.deepStrictEqual([stackLanguage("ko", dir), stackLanguage("auto", dir), stackLanguage("none", dir)], ["ko", "auto", undefined]);
        const language = (stack: string, env: Record<string, string>) => cliLanguage({ stack, env }, dir);
        assert.deepStrictEqual([
            language("ko", { LANG: "en_US.UTF-8" }),
            language("auto", { LC_ALL: "C.UTF-8", LC_MESSAGES: "POSIX", LANG: "ko_KR.UTF-8" }),
            language("auto", { LC_ALL: "C.UTF-8", LANG: "en_US.UTF-8" }),
            language("none", { LC_MESSAGES: "ko_KR.UTF-8", LANG: "en_US.UTF-8" }),
            language("ko", { LAB_LANGUAGE: "en", LANG: "ko_KR.UTF-8" }),
        ], ["ko", "ko", "en", "ko", "en"]);
    });
});
