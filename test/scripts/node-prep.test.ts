import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse } from "smol-toml";
import * as YAML from "yaml";
import { nodeUserData } from "../../components/cluster";
import { componentDocumentLimit, nodeImageComponent, nodeImageScript, prePulledImages, withoutComments } from "../../lib/nodeImage";
import { KubernetesMinor, versions } from "../../lib/versions";
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
        assert.match(script, /^HELD_PACKAGES="kubelet kubeadm kubectl containerd runc"$/m);
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

    for (const [fixture, table, key] of [
        ["v2-with-key.toml", ["plugins", "io.containerd.grpc.v1.cri"], "sandbox_image"],
        ["v2-without-key.toml", ["plugins", "io.containerd.grpc.v1.cri"], "sandbox_image"],
        ["v3-with-key.toml", ["plugins", "io.containerd.cri.v1.images", "pinned_images"], "sandbox"],
        ["v3-without-table.toml", ["plugins", "io.containerd.cri.v1.images", "pinned_images"], "sandbox"],
    ] as const) {
        it(`sets kubeadm's pause image as the sandbox image in ${fixture} (containerd ${fixture.startsWith("v2") ? "1.7" : "2.x"}), once`, () => {
            const file = path.join(sandbox.dir, fixture);
            fs.copyFileSync(path.join(fixtures, fixture), file);
            const before = parse(fs.readFileSync(file, "utf8"));
            for (let i = 0; i < 2; i++) assert.strictEqual(call("containerd_sandbox_image", file, "registry.k8s.io/pause:3.10.1").status, 0);
            const after = parse(fs.readFileSync(file, "utf8"));
            assert.strictEqual(at(after, [...table, key]), "registry.k8s.io/pause:3.10.1");
            // Nothing else changed.
            const without = (doc: Record<string, unknown>) => {
                const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
                const parent = at(copy, [...table]) as Record<string, unknown> | undefined;
                if (parent !== undefined) Reflect.deleteProperty(parent, key);
                // Tables the key needed and that had nothing else.
                const plugins = copy.plugins as Record<string, Record<string, unknown>>;
                const images = plugins["io.containerd.cri.v1.images"];
                if (images !== undefined && JSON.stringify(images.pinned_images) === "{}") delete images.pinned_images;
                if (images !== undefined && JSON.stringify(images) === "{}") delete plugins["io.containerd.cri.v1.images"];
                return JSON.stringify(copy);
            };
            assert.strictEqual(without(after), without(before));
        });
    }

    describe("on a prepared node image and without one (node-install.sh)", () => {
        const pause = "registry.k8s.io/pause:3.10.1";
        interface Node { containerd: boolean; kubernetes: string; cgroup?: string; sandbox?: string; active?: boolean; enabled?: boolean }
        /** A node whose dpkg, systemd, kubeadm and containerd answer as given; the internet, were it reached, refuses. */
        const node = (n: Node) => {
            sandbox.fake("dpkg-query", [
                `case "\${*: -1}" in`,
                `  containerd) ${n.containerd ? "printf installed" : "exit 1"} ;;`,
                `  kubelet|kubeadm|kubectl) ${n.kubernetes === "" ? "exit 1" : `printf 'installed %s' '${n.kubernetes}'`} ;;`,
                "esac",
            ].join("\n"));
            sandbox.fake("containerd", `cat <<'TOML'\n[plugins]\n  ${n.cgroup ?? "SystemdCgroup = true"}\n  ${n.sandbox ?? `sandbox_image = "${pause}"`}\nTOML`);
            sandbox.fake("kubeadm", `[ "$*" = "config images list --kubernetes-version v1.35.9" ] && printf 'registry.k8s.io/kube-apiserver:v1.35.9\\n${pause}\\nregistry.k8s.io/etcd:3.6.5-0\\n'`);
            sandbox.fake("systemctl", [
                'case "$*" in',
                `  "is-active --quiet containerd") ${n.active === false ? "exit 3" : "exit 0"} ;;`,
                `  "is-enabled --quiet kubelet") ${n.enabled === false ? "exit 1" : "exit 0"} ;;`,
                '  "start containerd") exit 0 ;;',
                "  *) exit 1 ;;",
                "esac",
            ].join("\n"));
            for (const command of ["apt-get", "curl", "gpg", "apt-mark"]) sandbox.fake(command, "exit 1");
        };
        const install = () => {
            const file = path.join(sandbox.dir, "user-data.sh");
            fs.writeFileSync(file, nodeUserData("worker", "k8s-lab-dev", "1.35"));
            return sandbox.run(`source ${file}\ninstall_node`, { RETRY_ATTEMPTS: "1" });
        };
        const queries = ["dpkg-query", "containerd config dump", "kubeadm config images list", "systemctl is-", "systemctl start containerd"];
        const touched = () => sandbox.calls().filter((c) => !queries.some((q) => c.startsWith(q))).map((c) => c.split(" ").slice(0, 2).join(" "));

        it("installs nothing and reads no package index when everything is there at the pinned versions, containerd running and kubelet enabled", () => {
            node({ containerd: true, kubernetes: "1.35.9-1.1" });
            const result = install();
            assert.strictEqual(result.status, 0, result.stderr);
            assert.strictEqual(result.stdout, "k8s-lab: containerd and Kubernetes 1.35.9-1.1 are installed already (prepared image): nothing to install\n");
            assert.deepStrictEqual(touched(), []);
            assert.deepStrictEqual(sandbox.calls().filter((c) => !c.startsWith("dpkg-query")), [
                // containerd may still be starting when the user data runs: waited for.
                "systemctl start containerd",
                "systemctl is-active --quiet containerd",
                "systemctl is-enabled --quiet kubelet",
                "kubeadm config images list --kubernetes-version v1.35.9",
                "containerd config dump",
            ]);
        });

        it("accepts containerd 2's sandbox key and quoting", () => {
            node({ containerd: true, kubernetes: "1.35.9-1.1", sandbox: `sandbox = '${pause}'` });
            const result = install();
            assert.strictEqual(result.status, 0, result.stderr + sandbox.calls().join("\n"));
            assert.deepStrictEqual(touched(), []);
        });

        it("installs from the internet when anything is missing, at another version, stopped, disabled or configured otherwise, as on Canonical's image", () => {
            const cases: Node[] = [
                { containerd: false, kubernetes: "" },
                { containerd: true, kubernetes: "1.35.8-1.1" },
                { containerd: true, kubernetes: "1.35.9-1.1", cgroup: "SystemdCgroup = false" },
                { containerd: false, kubernetes: "1.35.9-1.1" },
                { containerd: true, kubernetes: "1.35.9-1.1", sandbox: 'sandbox_image = "registry.k8s.io/pause:3.8"' },
                { containerd: true, kubernetes: "1.35.9-1.1", sandbox: 'sandbox_image = "registry.k8s.io/pause:3.10.10"' },
                { containerd: true, kubernetes: "1.35.9-1.1", active: false },
                { containerd: true, kubernetes: "1.35.9-1.1", enabled: false },
            ];
            for (const n of cases) {
                fs.writeFileSync(path.join(sandbox.dir, "calls.log"), "");
                node(n);
                const result = install();
                // The first step of the install is the package index; refused here, the run stops there.
                assert.notStrictEqual(result.status, 0, JSON.stringify(n));
                assert.deepStrictEqual(touched(), ["apt-get update"], JSON.stringify(n));
            }
        });

        it("installs over held packages, then holds containerd and runc with the Kubernetes packages, and sets the pause image", () => {
            const script = nodeUserData("worker", "k8s-lab-dev", "1.35");
            const installs = script.split("\n").filter((line) => /apt-get install|apt-mark/.test(line) && !line.trim().startsWith("#"));
            assert.deepStrictEqual(installs.map((line) => line.trim()), [
                "retry apt-get install -y -q --allow-change-held-packages containerd apt-transport-https ca-certificates curl gpg",
                "retry apt-get install -y -q --allow-change-held-packages \\",
                "apt-mark hold $HELD_PACKAGES",
            ]);
            assert.match(script, /^HELD_PACKAGES="kubelet kubeadm kubectl containerd runc"$/m);
            assert.match(script, /^ {2}containerd_sandbox_image \/etc\/containerd\/config\.toml "\$pause"$/m);
        });

        it("is one text in the user data and in the image's build, so the image holds what the user data would install", () => {
            const source = fs.readFileSync(path.join(scriptsDir, "node-install.sh"), "utf8");
            const functions = source.slice(source.indexOf("toml_set() {"));
            assert.ok(nodeUserData("worker", "k8s-lab-dev", "1.35").includes(functions));
            // The image's build has it without its comments (the component document's size is limited).
            assert.ok(nodeImageScript("1.35").includes(withoutComments(functions)));
            assert.ok(withoutComments(functions).length < functions.length);
            assert.match(nodeImageScript("1.35"), /^KUBERNETES_PACKAGE_VERSION='1\.35\.9-1\.1'$/m);
            assert.match(nodeUserData("worker", "k8s-lab-dev", "1.35"), /^KUBERNETES_PACKAGE_VERSION='1\.35\.9-1\.1'$/m);
        });
    });

    describe("node-image.sh (the prepared image's build)", () => {
        const manifest = "spec:\n  containers:\n    - name: tigera-operator\n      image: quay.io/tigera/operator:v1.42.4\n      imagePullPolicy: IfNotPresent\n";
        const kubeadmImages = ["registry.k8s.io/kube-apiserver:v1.35.9", "registry.k8s.io/pause:3.10.1"];
        /** An instance where everything is installed; `present`: the images containerd has (default: all). */
        const instance = (present?: string[]) => {
            sandbox.fake("dpkg-query", `case "\${*: -1}" in containerd) printf installed ;; *) printf 'installed 1.35.9-1.1' ;; esac`);
            sandbox.fake("containerd", `printf '  SystemdCgroup = true\\n  sandbox_image = "registry.k8s.io/pause:3.10.1"\\n'`);
            sandbox.fake("systemctl", "exit 0");
            sandbox.fake("kubeadm", `printf '%s\\n' ${kubeadmImages.join(" ")}`);
            sandbox.fake("apt-get", "exit 0");
            sandbox.fake("crictl", present === undefined ? "exit 0" : `case "$3" in inspecti) case "$4" in ${present.join("|") || "none"}) exit 0 ;; *) exit 1 ;; esac ;; esac`);
            sandbox.fake("curl", `while [ "$1" != -o ]; do shift; done; printf '%s' '${manifest}' > "$2"`);
            const file = path.join(sandbox.dir, "node-image.sh");
            fs.writeFileSync(file, nodeImageScript("1.35"));
            return file;
        };
        const images = () => [...kubeadmImages, "quay.io/tigera/operator:v1.42.4", ...prePulledImages()];
        const others = () => sandbox.calls().filter((c) => !c.startsWith("dpkg-query") && !c.startsWith("containerd") && !c.startsWith("systemctl") && !c.startsWith("kubeadm config images list --kubernetes-version v1.35.9\n"));
        const curlCall = () => `curl -fsSL -o ${sandbox.calls().find((c) => c.startsWith("curl"))?.split(" ")[3]} https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/tigera-operator.yaml`;

        it("build: upgrades, installs as the user data does, then pulls kubeadm's images, the Calico operator's from the pinned manifest, and the list", () => {
            const result = sandbox.run(`bash ${instance()} build`);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.deepStrictEqual(others().filter((c) => !c.startsWith("kubeadm config images list")), [
                "apt-get update -q --error-on=any",
                "apt-get upgrade -y -q -o Dpkg::Options::=--force-confold",
                curlCall(),
                ...images().map((image) => `crictl --runtime-endpoint unix:///run/containerd/containerd.sock pull ${image}`),
            ]);
            // No mark of a prepared node: each node's user data still prepares it.
            assert.strictEqual(fs.existsSync(sandbox.marker), false);
        });

        it("validate: passes only when the installs are complete and every image is there, naming the missing ones", () => {
            let result = sandbox.run(`bash ${instance()} validate`);
            assert.strictEqual(result.status, 0, result.stderr);
            assert.strictEqual(result.stdout, "k8s-lab: node image valid for Kubernetes 1.35.9\n");
            assert.deepStrictEqual(sandbox.calls().filter((c) => c.startsWith("crictl")), images().map((image) => `crictl --runtime-endpoint unix:///run/containerd/containerd.sock inspecti ${image}`));
            const missing = ["quay.io/tigera/operator:v1.42.4", "docker.io/curlimages/curl:8.11.1"];
            result = sandbox.run(`bash ${instance(images().filter((image) => !missing.includes(image)))} validate`);
            assert.strictEqual(result.status, 1);
            assert.strictEqual(result.stderr, missing.map((image) => `k8s-lab: image ${image} is missing\n`).join(""));
            // kubelet not enabled: the installs are not complete.
            const file = instance();
            sandbox.fake("systemctl", `[ "$1" != is-enabled ]`);
            result = sandbox.run(`bash ${file} validate`);
            assert.strictEqual(result.status, 1);
            assert.match(result.stderr, /^k8s-lab: containerd or Kubernetes 1\.35\.9-1\.1 is not installed as node_installed expects$/m);
            assert.strictEqual(sandbox.run(`bash ${file}`).status, 2);
        });

        it("is what Image Builder's component writes and runs: build, then validate, each failing the build when its run fails", () => {
            const text = nodeImageComponent("1.35");
            const document = YAML.parse(text) as { schemaVersion: unknown; phases: { name: string; steps: { name: string; action: string; inputs: unknown }[] }[] };
            assert.match(text, /^schemaVersion: "1\.0"$/m);
            assert.deepStrictEqual(document, {
                name: "k8s-lab-node",
                description: "k8s-lab node: containerd, Kubernetes 1.35.9, the bootstrap's images",
                schemaVersion: "1.0",
                phases: [
                    {
                        name: "build",
                        steps: [
                            { name: "WriteBuildScript", action: "CreateFile", inputs: [{ path: "/tmp/k8s-lab-node-image.sh", content: nodeImageScript("1.35"), permissions: 700, overwrite: true }] },
                            { name: "Build", action: "ExecuteBash", inputs: { commands: ["bash /tmp/k8s-lab-node-image.sh build"] } },
                        ],
                    },
                    { name: "validate", steps: [{ name: "Validate", action: "ExecuteBash", inputs: { commands: ["bash /tmp/k8s-lab-node-image.sh validate && rm -f /tmp/k8s-lab-node-image.sh"] } }] },
                ],
            });
            // Each step's commands as bash runs them, with a script that fails: the step fails, and the script stays for the log.
            const script = path.join(sandbox.dir, "k8s-lab-node-image.sh");
            for (const command of [document.phases[0].steps[1], document.phases[1].steps[0]].flatMap((step) => (step.inputs as { commands: string[] }).commands)) {
                fs.writeFileSync(script, "exit 7\n");
                assert.deepStrictEqual([sandbox.run(command.split("/tmp/k8s-lab-node-image.sh").join(script)).status, fs.existsSync(script)], [7, true], command);
            }
            // A validate that passes removes it: the image does not keep it.
            fs.writeFileSync(script, "exit 0\n");
            const validate = (document.phases[1].steps[0].inputs as { commands: string[] }).commands[0];
            assert.deepStrictEqual([sandbox.run(validate.split("/tmp/k8s-lab-node-image.sh").join(script)).status, fs.existsSync(script)], [0, false]);
        });

        it("stays within the size Image Builder allows a component document, for every minor", () => {
            const sizes = (Object.keys(versions.kubernetes) as KubernetesMinor[]).map((minor) => nodeImageComponent(minor).length);
            assert.ok(sizes.every((size) => size < componentDocumentLimit), sizes.join(" "));
            assert.strictEqual(componentDocumentLimit, 16000);
        });
    });

    it("keeps the user data apart from the bootstrap scripts: editing them never replaces a node", () => {
        // The user data inlines node-install.sh and retry.sh only; a change to them replaces every node, so it is pinned.
        // Last change: node-install.sh sets kubeadm's pause image as containerd's sandbox image, holds
        // containerd and runc, installs over held packages, and counts an installed node only with
        // containerd running and kubelet enabled (after the move to node-install.sh earlier the same
        // day, which no released lab had). This replaces every node of a lab kept over the change
        // once; the daily lab is built new each morning.
        const userData = nodeUserData("worker", "k8s-lab-dev", "1.35");
        assert.doesNotMatch(userData, /wait_for_cloud_init|INITIALIZED_MARKER|redact\(\)/);
        const hash = createHash("sha256").update(userData).digest("hex").slice(0, 16);
        assert.strictEqual(hash, "5e0e79a734531d12", "node-prep.sh, node-install.sh or retry.sh changed: this replaces every node of a running lab; update the hash if that is intended");
    });
});
