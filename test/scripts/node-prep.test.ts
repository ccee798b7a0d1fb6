import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "smol-toml";
import * as YAML from "yaml";
import { nodeUserData } from "../../components/cluster";
import { nodeImageComponent, nodeImageScript, prePulledImages } from "../../lib/nodeImage";
import { renderScript, scriptsDir } from "../../lib/scripts";
import { Sandbox } from "../harness/shell";

const fixtures = path.join(__dirname, "..", "fixtures", "containerd");

/** Looks up a dotted TOML path whose parts may themselves contain dots: ["plugins", "io.containerd...", ...]. */
function at(doc: Record<string, unknown>, keys: string[]): unknown {
    return keys.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

const runcOptions: Record<string, string[]> = {
    "2": ["plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "options"],
    "3": ["plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc", "options"],
};

describe("node-prep.sh", () => {
    let sandbox: Sandbox;
    beforeEach(() => (sandbox = new Sandbox()));
    afterEach(() => sandbox.remove());

    /** Sources the rendered user data (its main does not run when sourced) and calls one function. */
    const call = (fn: string, ...args: string[]) => {
        const file = path.join(sandbox.dir, "user-data.sh");
        fs.writeFileSync(file, nodeUserData("worker", "k8s-lab-dev", "1.35"));
        return sandbox.run(`source ${file}\n${fn} ${args.map((a) => `'${a}'`).join(" ")}`);
    };

    for (const fixture of fs.readdirSync(fixtures).filter((f) => f.endsWith(".toml"))) {
        it(`sets the systemd cgroup driver for runc in ${fixture}`, () => {
            const file = path.join(sandbox.dir, fixture);
            fs.copyFileSync(path.join(fixtures, fixture), file);
            const before = parse(fs.readFileSync(file, "utf8"));
            const result = call("containerd_systemd_cgroup", file);
            assert.strictEqual(result.status, 0, result.stderr);
            const after = parse(fs.readFileSync(file, "utf8"));
            const options = runcOptions[String(after.version)];
            assert.strictEqual(at(after, [...options, "SystemdCgroup"]), true);
            // Nothing else changed.
            const strip = (doc: Record<string, unknown>) => JSON.stringify(doc, (key, value) => (key === "SystemdCgroup" ? undefined : value));
            const withoutOptions = (doc: Record<string, unknown>) => {
                const copy = JSON.parse(strip(doc)) as Record<string, unknown>;
                const parent = at(copy, options.slice(0, -1)) as Record<string, unknown>;
                if (parent && JSON.stringify(parent.options) === "{}") delete parent.options;
                return JSON.stringify(copy);
            };
            assert.strictEqual(withoutOptions(after), withoutOptions(before));
        });
    }

    it("refuses a config format it does not know", () => {
        const file = path.join(sandbox.dir, "v9.toml");
        fs.writeFileSync(file, "version = 9\n");
        const result = call("containerd_systemd_cgroup", file);
        assert.notStrictEqual(result.status, 0);
        assert.match(result.stderr, /unknown containerd config version '9'/);
    });

    it("installs the pinned Kubernetes packages and holds them", () => {
        const script = nodeUserData("worker", "k8s-lab-dev", "1.34");
        assert.match(script, /^KUBERNETES_PACKAGE_VERSION='1\.34\.8-1\.1'$/m);
        assert.match(script, /^KUBERNETES_MINOR='1\.34'$/m);
        assert.match(script, /pkgs\.k8s\.io\/core:\/stable:\/v\$\{KUBERNETES_MINOR\}\/deb\//);
        assert.match(script, /apt-mark hold kubelet kubeadm kubectl/);
        assert.doesNotMatch(script, /k8s-lab:include/, "the shared functions are inlined");
    });

    it("treats a failed package index fetch as a failure, so that it is retried", () => {
        const script = nodeUserData("control-plane", "k8s-lab-dev", "1.35");
        const updates = script.split("\n").filter((line) => line.includes("apt-get update") && !line.trim().startsWith("#"));
        assert.deepStrictEqual(updates.map((line) => line.trim()), ["retry apt-get update -q --error-on=any", "retry apt-get update -q --error-on=any"]);
        // An index that fails twice (no egress yet), then answers: retried until it does.
        const count = path.join(sandbox.dir, "count");
        sandbox.fake("apt-get", `n=$(( $(cat ${count} 2>/dev/null || echo 0) + 1 )); echo $n > ${count}; [ $n -ge 3 ]`);
        const result = call("retry", "apt-get", "update", "-q", "--error-on=any");
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("apt-get")), Array(3).fill("apt-get update -q --error-on=any"));
    });

    describe("waiting for cloud-init (common.sh, in every bootstrap script)", () => {
        // The messages common.sh says, as a bootstrap script that includes it receives them.
        const rendered = renderScript("calico.sh", { CRDS_MANIFEST: "c", OPERATOR_MANIFEST: "o", INSTALLATION: "i", NODE_NAME: "n", TIMEOUT_SECONDS: 1 }, "en");
        const header = rendered.slice(0, rendered.indexOf("\n# Installs Calico"));
        const prepScript = () => path.join(sandbox.dir, "user-data.txt");
        const wait = (exitCode: number, prepared: boolean) => {
            sandbox.fake("cloud-init", `exit ${exitCode}`);
            sandbox.fake("tail", "echo '(log tail)'");
            if (prepared) fs.writeFileSync(sandbox.marker, "");
            return sandbox.run(`${header}\nsource ${path.join(scriptsDir, "common.sh")}\nwait_for_cloud_init worker-0`, { PREP_SCRIPT: prepScript() });
        };

        it("counts exit code 0 as done", () => {
            assert.strictEqual(wait(0, true).status, 0);
        });

        it("goes on when cloud-init finished degraded or with an error, once the preparation finished", () => {
            for (const code of [1, 2]) {
                const result = wait(code, true);
                assert.strictEqual(result.status, 0, result.stderr);
                assert.strictEqual(result.stderr, `k8s-lab: cloud-init finished with exit code ${code}.\n`);
            }
        });

        it("runs the preparation again when it did not finish, and goes on once it does", () => {
            // cloud-init's copy of the user data: this time the mirrors answer.
            fs.writeFileSync(prepScript(), `touch ${sandbox.marker}\n`);
            const result = wait(1, false);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.match(result.stderr, /^k8s-lab: The node preparation did not finish; running it again\.$/m);
        });

        it("fails, saying where to look, when the preparation fails again", () => {
            fs.writeFileSync(prepScript(), "exit 1\n");
            const result = wait(0, false);
            assert.notStrictEqual(result.status, 0);
            assert.match(result.stderr, /k8s-lab: Node worker-0 was not prepared: cloud-init or the preparation script failed; read \/var\/log\/k8s-lab-prep\.log on that node\.\n\(log tail\)/);
        });
    });

    it("takes its time from the Amazon Time Sync Service, whichever client runs: no NTP through the NAT instance", () => {
        const root = path.join(sandbox.dir, "root");
        const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
        // timesyncd (Ubuntu 24.04's client) running, no chrony: its drop-in only, and it restarts.
        sandbox.fake("systemctl", `[ "$1 $3" = "is-active systemd-timesyncd.service" ] || [ "$1" = restart ]`);
        let result = call("time_sync", root);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(read("etc/systemd/timesyncd.conf.d/k8s-lab.conf"), "[Time]\nNTP=169.254.169.123\n");
        assert.strictEqual(fs.existsSync(path.join(root, "etc/chrony")), false);
        assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("systemctl")), [
            "systemctl is-active --quiet systemd-timesyncd.service", "systemctl restart systemd-timesyncd.service", "systemctl is-active --quiet chrony.service",
        ]);
        // chrony instead: its source too, preferred, and it restarts; again, the same files.
        fs.mkdirSync(path.join(root, "etc/chrony"));
        sandbox.fake("systemctl", `[ "$1 $3" = "is-active chrony.service" ] || [ "$1" = restart ]`);
        for (let i = 0; i < 2; i++) {
            result = call("time_sync", root);
            assert.strictEqual(result.status, 0, result.stderr);
        }
        assert.strictEqual(read("etc/chrony/sources.d/k8s-lab.sources"), "server 169.254.169.123 prefer iburst minpoll 4 maxpoll 4\n");
        assert.strictEqual(read("etc/systemd/timesyncd.conf.d/k8s-lab.conf"), "[Time]\nNTP=169.254.169.123\n");
        assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("systemctl restart")), ["systemctl restart systemd-timesyncd.service", "systemctl restart chrony.service", "systemctl restart chrony.service"]);
    });

    describe("on a prepared node image and without one (node-install.sh)", () => {
        /** A node whose dpkg knows containerd and the Kubernetes packages at these versions ("" : not installed), and whose containerd config has `cgroup`. */
        const node = (versions: { containerd: boolean; kubernetes: string }, cgroup = "SystemdCgroup = true") => {
            sandbox.fake("dpkg-query", [
                `case "\${*: -1}" in`,
                `  containerd) ${versions.containerd ? "printf installed" : "exit 1"} ;;`,
                `  kubelet|kubeadm|kubectl) ${versions.kubernetes === "" ? "exit 1" : `printf 'installed %s' '${versions.kubernetes}'`} ;;`,
                "esac",
            ].join("\n"));
            sandbox.fake("containerd", `printf '[plugins]\\n  ${cgroup}\\n'`);
            // The internet, were it reached: refused, so that a run that goes there stops at once.
            for (const command of ["apt-get", "curl", "gpg", "apt-mark", "systemctl"]) sandbox.fake(command, "exit 1");
            return sandbox.calls;
        };
        const install = () => {
            const file = path.join(sandbox.dir, "user-data.sh");
            fs.writeFileSync(file, nodeUserData("worker", "k8s-lab-dev", "1.35"));
            return sandbox.run(`source ${file}\ninstall_node`, { RETRY_ATTEMPTS: "1" });
        };
        const touched = () => sandbox.calls().filter((c) => !c.startsWith("dpkg-query") && !c.startsWith("containerd config dump")).map((c) => c.split(" ").slice(0, 2).join(" "));

        it("installs nothing and reads no package index when everything is there at the pinned versions", () => {
            node({ containerd: true, kubernetes: "1.35.9-1.1" });
            const result = install();
            assert.strictEqual(result.status, 0, result.stderr);
            assert.strictEqual(result.stdout, "k8s-lab: containerd and Kubernetes 1.35.9-1.1 are installed already (prepared image): nothing to install\n");
            assert.deepStrictEqual(touched(), []);
            assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("dpkg-query")).map((c) => c.split(" ").pop()), ["containerd", "kubelet", "kubeadm", "kubectl"]);
        });

        it("installs from the internet when anything is missing or at another version, as on Canonical's image", () => {
            const cases: [{ containerd: boolean; kubernetes: string }, string][] = [
                [{ containerd: false, kubernetes: "" }, "SystemdCgroup = true"],
                [{ containerd: true, kubernetes: "1.35.8-1.1" }, "SystemdCgroup = true"],
                [{ containerd: true, kubernetes: "1.35.9-1.1" }, "SystemdCgroup = false"],
                [{ containerd: false, kubernetes: "1.35.9-1.1" }, "SystemdCgroup = true"],
            ];
            for (const [versions, cgroup] of cases) {
                fs.writeFileSync(path.join(sandbox.dir, "calls.log"), "");
                node(versions, cgroup);
                const result = install();
                // The first step of the install is the package index; refused here, the run stops there.
                assert.notStrictEqual(result.status, 0, JSON.stringify(versions));
                assert.deepStrictEqual(touched(), ["apt-get update"], JSON.stringify(versions));
            }
        });

        it("is one text in the user data and in the image's build, so the image holds what the user data would install", () => {
            const source = fs.readFileSync(path.join(scriptsDir, "node-install.sh"), "utf8");
            const functions = source.slice(source.indexOf("containerd_systemd_cgroup() {"));
            assert.ok(nodeUserData("worker", "k8s-lab-dev", "1.35").includes(functions));
            assert.ok(nodeImageScript("1.35").includes(functions));
            assert.match(nodeImageScript("1.35"), /^KUBERNETES_PACKAGE_VERSION='1\.35\.9-1\.1'$/m);
            assert.match(nodeUserData("worker", "k8s-lab-dev", "1.35"), /^KUBERNETES_PACKAGE_VERSION='1\.35\.9-1\.1'$/m);
        });
    });

    describe("node-image.sh (the prepared image's build)", () => {
        it("installs as the user data does, then pulls kubeadm's images, the Calico operator's from the pinned manifest, and the list", () => {
            const manifest = "spec:\n  containers:\n    - name: tigera-operator\n      image: quay.io/tigera/operator:v1.42.4\n      imagePullPolicy: IfNotPresent\n";
            sandbox.fake("dpkg-query", `case "\${*: -1}" in containerd) printf installed ;; *) printf 'installed 1.35.9-1.1' ;; esac`);
            sandbox.fake("containerd", "echo '  SystemdCgroup = true'");
            sandbox.fake("systemctl", "exit 0");
            sandbox.fake("kubeadm", "exit 0");
            sandbox.fake("crictl", "exit 0");
            sandbox.fake("apt-get", "exit 1");
            sandbox.fake("curl", `while [ "$1" != -o ]; do shift; done; printf '%s' '${manifest}' > "$2"`);
            const file = path.join(sandbox.dir, "node-image.sh");
            fs.writeFileSync(file, nodeImageScript("1.35"));
            const result = sandbox.run(`bash ${file}`);
            assert.strictEqual(result.status, 0, result.stderr);
            const pulls = prePulledImages().map((image) => `crictl --runtime-endpoint unix:///run/containerd/containerd.sock pull ${image}`);
            assert.deepStrictEqual(sandbox.calls().filter((c) => !c.startsWith("dpkg-query") && !c.startsWith("containerd")), [
                "systemctl start containerd",
                "kubeadm config images pull --kubernetes-version v1.35.9 --cri-socket unix:///run/containerd/containerd.sock",
                `curl -fsSL -o ${sandbox.calls().find((c) => c.startsWith("curl"))?.split(" ")[3]} https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/tigera-operator.yaml`,
                "crictl --runtime-endpoint unix:///run/containerd/containerd.sock pull quay.io/tigera/operator:v1.42.4",
                ...pulls,
            ]);
            // No mark of a prepared node: each node's user data still prepares it.
            assert.strictEqual(fs.existsSync(sandbox.marker), false);
        });

        it("is what Image Builder's component writes and runs, within the size a component document may have", () => {
            const document = YAML.parse(nodeImageComponent("1.35")) as { schemaVersion: number; phases: { name: string; steps: { name: string; action: string; inputs: unknown }[] }[] };
            assert.deepStrictEqual(document.phases.map((p) => [p.name, p.steps.map((step) => step.action)]), [["build", ["CreateFile", "ExecuteBash"]]]);
            assert.deepStrictEqual(document.phases[0].steps[0].inputs, [{ path: "/tmp/k8s-lab-node-image.sh", content: nodeImageScript("1.35"), permissions: 700, overwrite: true }]);
            assert.deepStrictEqual(document.phases[0].steps[1].inputs, { commands: ["bash /tmp/k8s-lab-node-image.sh", "rm -f /tmp/k8s-lab-node-image.sh"] });
            assert.ok(nodeImageComponent("1.35").length < 16000, `${nodeImageComponent("1.35").length} characters`);
        });
    });

    it("keeps the user data apart from the bootstrap scripts: editing them never replaces a node", () => {
        // The user data inlines node-install.sh and retry.sh only; a change to them replaces every node, so it is pinned.
        // Last change: the installs moved to node-install.sh (shared with the prepared image's build) and
        // skip when everything is there at the pinned versions. This replaces every node of a lab kept
        // over the change once; the daily lab is built new each morning.
        const userData = nodeUserData("worker", "k8s-lab-dev", "1.35");
        assert.doesNotMatch(userData, /wait_for_cloud_init|INITIALIZED_MARKER|redact\(\)/);
        const hash = createHash("sha256").update(userData).digest("hex").slice(0, 16);
        assert.strictEqual(hash, "cdb2b972f6e351b6", "node-prep.sh, node-install.sh or retry.sh changed: this replaces every node of a running lab; update the hash if that is intended");
    });
});
