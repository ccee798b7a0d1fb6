import * as assert from "assert";
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { commands as cliCommands } from "../cli/args";
import { parseConfig } from "../lib/config";
import { configSchema } from "../lib/configSchema";
import { costTable, renderCostTable, scheduleFromWorkflow } from "../lib/cost";
import { versions } from "../lib/versions";
import { runProgram } from "./harness";
import { projectFile, rawConfig, root } from "./harness/stackConfig";
import { upstreamDir, upstreamValues, upstreamValuesFile } from "./harness/upstream";

/** `| \`key\` | type | \`default\` | meaning |` rows of a README's configuration table. */
function configRows(file: string): Map<string, string> {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    return new Map([...text.matchAll(/^\| `(\w+)` \| [^|]+ \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]));
}

describe("READMEs", () => {
    for (const file of ["README.md", "README.ko.md"]) {
        it(`${file} documents every config key with its default from Pulumi.yaml`, () => {
            const rows = configRows(file);
            const declared = projectFile().config;
            assert.deepStrictEqual([...rows.keys()].sort(), Object.keys(declared).sort());
            for (const [key, { default: value }] of Object.entries(declared)) {
                const expected = typeof value === "string" ? (value === "" ? '""' : value) : JSON.stringify(value);
                assert.strictEqual(rows.get(key), expected, `${file}: default of ${key}`);
            }
        });

        it(`${file} shows the cost table npm run cost prints for the default stack, at most $2.00 a workday`, () => {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const shown = /^<!-- cost-table: [^\n]* -->\n([\s\S]*?)^<!-- \/cost-table -->$/m.exec(text)?.[1];
            const language = file === "README.md" ? "en" : "ko";
            const input = parseConfig(rawConfig(undefined), "k8s-lab", {});
            const schedule = scheduleFromWorkflow(fs.readFileSync(path.join(root, ".github", "workflows", "daily.yml"), "utf8"));
            const table = costTable(input, schedule, language);
            assert.strictEqual(shown, renderCostTable(table, language), "regenerate it with npm run --silent cost -- --language " + language);
            assert.ok(table.kind === "priced" && table.workday <= 200, "at most 200 cents a workday");
        });

        it(`${file} gives the test command that CI runs`, () => {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
            // The policy pack is its own package, which the tests load: installed before npm test, as CI does.
            assert.match(text, /npm ci && npm ci --prefix policy && npm test/);
            assert.match(ci, /^npm ci\b/m);
            assert.match(ci, /^npm ci\b.*--prefix policy$/m);
            assert.match(ci, /^npm test$/m);
        });
    }
});

describe("docs", () => {
    const files = ["README.md", "README.ko.md", "docs/operations.md", "docs/operations.ko.md", "docs/troubleshooting.md", "docs/troubleshooting.ko.md", "docs/glossary.md"];
    for (const file of files) {
        it(`${file} links only to files that exist`, () => {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const links = [...text.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^https?:/.test(href));
            for (const href of links) assert.ok(fs.existsSync(path.join(root, path.dirname(file), href)), `${file} -> ${href}`);
        });
    }

    it("states no day's cost but the generated table's: no $3.20, $7.20 or 10-hour day", () => {
        for (const file of files) {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            assert.deepStrictEqual(text.match(/\$[37]\.20|\$7 a day|10-hour|10시간|7달러/g), null, file);
        }
    });

    it("each troubleshooting guide covers the field reports' four failures and the ss misread", () => {
        for (const file of ["docs/troubleshooting.md", "docs/troubleshooting.ko.md"]) {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            for (const needle of ["NodePort", "tcpdump -ni ens5 udp port 4789", "api/datasources/uid/prometheus/health", "CrashLoopBackOff", "ss -tlnp", "1.24"]) {
                assert.ok(text.includes(needle), `${file}: ${needle}`);
            }
        }
    });
});

/**
 * The 8 a.m. runbook (docs/troubleshooting.md and .ko.md): the same sections, marked by
 * `<a id="...">` anchors, in both languages, with the same commands; every shell snippet parses;
 * every kubectl command is one kubectl accepts; every name a command or a URN hint uses exists.
 */
describe("the troubleshooting runbook", () => {
    const runbooks = { en: "docs/troubleshooting.md", ko: "docs/troubleshooting.ko.md" } as const;
    const sectionIds = [
        "first", "unreachable", "lock", "nodeport", "exposure", "port-forward", "host-port", "pod-network", "kubelet", "pods",
        "datasource", "linkerd", "trust-anchor", "images", "schedule", "policy", "node-ready", "spot", "nat", "placement", "alerts",
    ];
    const cli = /^(sudo )?(kubectl|pulumi|npm|gh|linkerd|crictl|aws|npx|curl|git|systemctl|journalctl|iptables|ss|nc|cloud-init|ip|tcpdump|openssl|cat) /;

    interface Section { id: string; text: string; blocks: string[]; commands: string[]; inline: string[] }
    function sections(file: string): Section[] {
        const text = fs.readFileSync(path.join(root, file), "utf8");
        return text.split(/^<a id="([\w-]+)"><\/a>\n/m).slice(1).reduce<Section[]>((list, part, i, parts) => {
            if (i % 2 === 1) return list;
            const body = parts[i + 1];
            const blocks = [...body.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
            // Commands without their comments (translated) and with continuations joined.
            const commands = blocks.flatMap((b) => b.replace(/\\\n\s*/g, "").split("\n")).map((l) => l.replace(/\s+# .*$/, "").trimEnd()).filter((l) => l !== "");
            const prose = body.replace(/^```bash\n[\s\S]*?^```$/gm, "");
            // Commands in the text (a name such as `kubectl logs` alone is not one).
            const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((c) => cli.test(c) && c.split(" ").length > 2).sort();
            return [...list, { id: part, text: body, blocks, commands, inline }];
        }, []);
    }
    const en = sections(runbooks.en);
    const ko = sections(runbooks.ko);

    it("has the same sections in both languages, each starting with its heading", () => {
        assert.deepStrictEqual(en.map((s) => s.id), sectionIds);
        assert.deepStrictEqual(ko.map((s) => s.id), sectionIds);
        for (const s of [...en, ...ko]) assert.match(s.text, /^## \S/, s.id);
    });

    it("gives the same commands in both languages, section by section", () => {
        for (const [i, id] of sectionIds.entries()) {
            assert.deepStrictEqual(ko[i].commands, en[i].commands, `${id}: fenced commands`);
            assert.deepStrictEqual(ko[i].inline, en[i].inline, `${id}: commands in the text`);
        }
    });

    it("starts every section from what you see and ends it with what to do now, in both languages", () => {
        /** Each section's bold labels that start a paragraph, first and whether the action is among them. */
        const shape = (list: Section[], symptom: string, action: string) => list.map((s) => {
            const labels = [...s.text.matchAll(/^\*\*([^*\n]+):\*\*/gm)].map((m) => m[1]);
            return `${s.id}: ${labels[0] === symptom ? "symptom first" : `starts with ${labels[0] ?? "no label"}`}, ${labels.includes(action) ? "action" : "no action"}`;
        });
        const expected = sectionIds.map((id) => `${id}: symptom first, action`);
        assert.deepStrictEqual(shape(en, "What you see", "What to do now"), expected);
        assert.deepStrictEqual(shape(ko, "증상", "지금 할 일"), expected);
    });

    it("selects CI's stack before the first section, for pulumi and k8s-lab alike, in both languages", () => {
        for (const file of Object.values(runbooks)) {
            const preamble = fs.readFileSync(path.join(root, file), "utf8").split('<a id="first">')[0];
            assert.deepStrictEqual([...preamble.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]), ["export PULUMI_STACK=dev\n"], file);
        }
    });

    it("removes only the stale lock it names, after showing each lock's holder, and says where the bucket comes from", () => {
        for (const list of [en, ko]) {
            const lock = list[sectionIds.indexOf("lock")].commands;
            assert.deepStrictEqual(lock.filter((c) => c.startsWith("aws s3 ") || c.includes("PULUMI_BACKEND_URL=")), [
                'export PULUMI_BACKEND_URL="$(gh variable get PULUMI_BACKEND_URL)"',
                'aws s3 ls "s3://${PULUMI_BACKEND_URL#s3://}/.pulumi/locks/organization/k8s-lab/dev/"',
                'aws s3 cp "s3://${PULUMI_BACKEND_URL#s3://}/.pulumi/locks/organization/k8s-lab/dev/<lock>.json" -',
                'aws s3 rm "s3://${PULUMI_BACKEND_URL#s3://}/.pulumi/locks/organization/k8s-lab/dev/<lock>.json"',
            ]);
        }
    });

    it("gives shell snippets bash can parse", () => {
        for (const { id, blocks } of en) {
            for (const block of blocks) {
                const result = spawnSync("bash", ["-n"], { input: block, encoding: "utf8" });
                assert.strictEqual(result.status, 0, `${id}: ${result.stderr}`);
            }
        }
    });

    it("gives kubectl commands kubectl accepts (it fails only on reaching the cluster)", async function () {
        if (spawnSync("kubectl", ["version", "--client"]).status !== 0) return this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-runbook-"));
        const kubeconfig = path.join(dir, "config");
        fs.writeFileSync(kubeconfig, [
            "apiVersion: v1", "kind: Config", "current-context: c",
            "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]",
            "users: [{name: u, user: {token: none}}]",
            "contexts: [{name: c, context: {cluster: c, user: u}}]",
        ].join("\n"));
        try {
            const commands = [...new Set(en.flatMap((s) => [...s.commands, ...s.inline]))]
                .map((c) => c.split(" | ")[0].replace(/^sudo /, ""))
                .filter((c) => c.startsWith("kubectl ") && !c.includes("$(") && !c.includes("<"));
            assert.ok(commands.length >= 30, `${commands.length} kubectl commands`);
            // All at once: each only starts kubectl and is refused.
            const outputs = await Promise.all(commands.map((command) => new Promise<string>((resolve) =>
                execFile("bash", ["-c", command], { encoding: "utf8", env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig, HOME: dir }, timeout: 20_000 }, (_err, stdout, stderr) => resolve(stdout + stderr)),
            )));
            const rejected = commands.filter((_command, i) => !/refused/.test(outputs[i]) || /unknown (flag|command|shorthand)|invalid argument|flag needs an argument|required flag/.test(outputs[i]));
            assert.deepStrictEqual(rejected, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names only what exists: stack outputs, config keys, resources, Kubernetes names, workflows and files", async () => {
        const code = ["index.ts", "Pulumi.yaml", ...["components", "lib", "scripts", ".github/workflows"].flatMap((dir) =>
            fs.readdirSync(path.join(root, dir)).map((f) => `${dir}/${f}`))].map((f) => fs.readFileSync(path.join(root, f), "utf8")).join("\n");
        // Made by what the lab installs (kubeadm, the Tigera operator, the charts), not named in our code.
        const upstream = new Set(["linkerd-destination", "linkerd-identity", "linkerd-identity-trust-roots", "policy", "identity", "linkerd-init", "app.kubernetes.io/name", "prometheus", "kubernetes.io/service-name"]);
        const program = await runProgram({ config: { exposure: "portForward" } });
        const resourceNames = new Set(program.resources.map((r) => r.name));
        const kubernetesNames = new Set(program.resources.map((r) => (r.inputs as { metadata?: { name?: unknown } }).metadata?.name).filter((n): n is string => typeof n === "string"));
        const text = en.map((s) => s.text).join("\n");
        const commands = en.flatMap((s) => [...s.commands, ...s.inline]).join("\n");
        const missing: string[] = [];
        const need = (kind: string, name: string, ok: boolean) => { if (!ok) missing.push(`${kind} ${name}`); };
        for (const m of commands.matchAll(/pulumi stack output (?:--show-secrets )?(\w+)/g)) need("stack output", m[1], (() => { try { program.output(m[1]); return true; } catch { return false; } })());
        const configKeys = Object.keys(projectFile().config);
        for (const m of commands.matchAll(/pulumi config (?:get|set) (?:--path )?'?(\w+)/g)) need("config key", m[1], configKeys.includes(m[1]));
        for (const m of text.matchAll(/URN of `([\w-]+)`/g)) need("resource", m[1], resourceNames.has(m[1]));
        for (const m of ko.map((s) => s.text).join("\n").matchAll(/`([\w-]+)`(?:\(또는 `-\w+`\))?의\s+URN/g)) need("resource", m[1], resourceNames.has(m[1]));
        const known = (name: string) => upstream.has(name) || kubernetesNames.has(name) || code.includes(name);
        for (const m of commands.matchAll(/(?:-n|--namespace) ([\w-]+)/g)) need("namespace", m[1], known(m[1]));
        for (const m of commands.matchAll(/\b(?:deploy|svc|ds|service)\/([\w-]+)/g)) need("workload", m[1], known(m[1]));
        for (const m of commands.matchAll(/ -c ([\w-]+)/g)) need("container", m[1], known(m[1]));
        for (const m of commands.matchAll(/ -l ([\w./-]+)=([\w-]+)/g)) { need("label", m[1], known(m[1])); need("label value", m[2], known(m[2])); }
        for (const m of commands.matchAll(/get configmap ([\w-]+)/g)) need("configmap", m[1], known(m[1]));
        for (const m of commands.matchAll(/(k8s-lab-port-forward-\w+)\.service/g)) need("unit", m[1], ["bookinfo", "grafana"].some((n) => m[1] === `k8s-lab-port-forward-${n}`) && code.includes("k8s-lab-port-forward-"));
        for (const m of commands.matchAll(/(?:--workflow|workflow (?:view|enable|run)) ([\w.-]+)/g)) need("workflow", m[1], fs.existsSync(path.join(root, ".github", "workflows", m[1])));
        for (const m of commands.matchAll(/-f (\w+)=(\w+)/g)) need("workflow input", m[1], /^ {6}action:$/m.test(fs.readFileSync(path.join(root, ".github/workflows/daily.yml"), "utf8")));
        for (const m of commands.matchAll(/ ((?:cli|policy|lib)\/[\w/]+\.ts)/g)) need("file", m[1], fs.existsSync(path.join(root, m[1])));
        for (const m of commands.matchAll(/(\/var\/log\/k8s-lab[\w.-]*|\/etc\/k8s-lab)/g)) need("node path", m[1], code.includes(m[1]));
        for (const m of commands.matchAll(/(\.pulumi\/locks\/organization\/k8s-lab\/dev\/)/g)) need("lock path", m[1], code.includes(m[1]));
        assert.deepStrictEqual(missing, []);
    });
});

describe("chart upgrades (docs/operations.md#upgrades)", () => {
    const pinned = [versions.charts.kubePrometheusStack, versions.charts.kubePrometheusStack.grafana, versions.charts.linkerdCrds, versions.charts.linkerdControlPlane];

    it("name each pinned chart's values file from its version in lib/versions.ts", () => {
        assert.deepStrictEqual(pinned.map(upstreamValuesFile), [
            `kube-prometheus-stack-${versions.charts.kubePrometheusStack.version}.values.yaml`,
            `grafana-${versions.charts.kubePrometheusStack.grafana.version}.values.yaml`,
            ...[versions.charts.linkerdCrds, versions.charts.linkerdControlPlane].map((c) => `${c.chart}-edge-${c.version.slice(2)}.values.yaml`),
        ]);
        assert.strictEqual(upstreamValuesFile({ chart: "linkerd-crds", version: "2026.8.3", repo: "https://helm.linkerd.io/edge" }), "linkerd-crds-edge-26.8.3.values.yaml");
        assert.strictEqual(upstreamValuesFile({ chart: "linkerd-crds", version: "2026.8.3", repo: "https://helm.linkerd.io/stable" }), "linkerd-crds-2026.8.3.values.yaml");
    });

    it("find the values file of every pinned chart beside the project, and fail on a bump without one", function () {
        if (!fs.existsSync(upstreamDir)) return this.skip();
        for (const chart of pinned) assert.ok(upstreamValues(chart) !== undefined, chart.chart);
        const bumped = { ...versions.charts.kubePrometheusStack, version: "88.5.4" };
        assert.throws(() => upstreamValues(bumped), (e: Error) => e.message.includes("kube-prometheus-stack-88.5.4.values.yaml is missing"));
    });
});

/**
 * "Try it on your laptop" (README.md, README.ko.md): the same commands in both languages, two to
 * make the lab on kind and two to remove it, each naming what exists (the kind config, the stack
 * file, the CLI's commands, config keys), and the URLs of the ports that config maps.
 */
describe("the READMEs' kind section", () => {
    const headings = { "README.md": "## Try it on your laptop", "README.ko.md": "## 노트북에서 해 보기" } as const;
    const section = (file: keyof typeof headings) => {
        const text = fs.readFileSync(path.join(root, file), "utf8");
        const start = text.indexOf(`\n${headings[file]}\n`);
        assert.ok(start >= 0, `${file}: ${headings[file]}`);
        const body = text.slice(start + headings[file].length + 2);
        return body.slice(0, body.search(/^## /m));
    };
    /** Each bash block's commands, without their comments (translated). */
    const blocks = (body: string) => [...body.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1].split("\n").map((l) => l.replace(/\s+# .*$/, "").trimEnd()).filter((l) => l !== ""));
    /** The commands in the text: `kind …`, `npx --no k8s-lab …`, `pulumi …`, `npm …`. */
    const inline = (body: string) => [...body.replace(/^```bash\n[\s\S]*?^```$/gm, "").matchAll(/`((?:kind|npx|pulumi|npm) [^`]+)`/g)].map((m) => m[1]).sort();
    const en = section("README.md");
    const ko = section("README.ko.md");
    const kind = YAML.parse(fs.readFileSync(path.join(root, "kind", "cluster.yaml"), "utf8")) as { name: string; nodes: { role: string; extraPortMappings?: { hostPort: number; listenAddress: string }[] }[] };

    const e2e = fs.readFileSync(path.join(root, ".github", "workflows", "e2e.yml"), "utf8");
    const kindVersion = (YAML.parse(e2e) as { env: { KIND_VERSION: string } }).env.KIND_VERSION;

    it("gives the same commands in both languages: kind's install, two to try it, the exposure through k8s-lab env, two to remove it", () => {
        assert.deepStrictEqual(blocks(ko), blocks(en));
        assert.deepStrictEqual(inline(ko), inline(en));
        assert.deepStrictEqual(blocks(en), [
            [`go install sigs.k8s.io/kind@${kindVersion}`],
            ["kind create cluster --config kind/cluster.yaml", "npx --no k8s-lab up --stack kind"],
            ['eval "$(npx --no k8s-lab env --stack kind)"', "pulumi config set exposure hostPort", "npx --no k8s-lab up --stack kind"],
            ["npx --no k8s-lab destroy --stack kind", `kind delete cluster --name ${kind.name}`],
        ]);
        // The cluster the end-to-end workflow creates: the same config.
        assert.ok(e2e.includes(`run: ${blocks(en)[1][0]} `));
    });

    it("names only the kind version the end-to-end workflow pins, in both languages", () => {
        for (const body of [en, ko]) {
            assert.deepStrictEqual([...new Set(body.match(/\bv\d+\.\d+\.\d+\b/g))], [kindVersion]);
            assert.ok(body.includes(`https://github.com/kubernetes-sigs/kind/releases/tag/${kindVersion}`));
        }
    });

    /** The config keys a text names as code, in its order. */
    const keysIn = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((m) => m[1]).filter((w) => w in configSchema);

    it("names, as the keys the target refuses, exactly the keys lib/configSchema.ts declares for aws only, in both languages, as the operations docs do", () => {
        const awsOnly = Object.entries(configSchema).filter(([, k]) => !(k.targets as readonly string[]).includes("existingCluster")).map(([key]) => key);
        for (const body of [en, ko]) {
            const refusal = body.split(/\n\n/).filter((p) => p.includes("`portForward`") && p.includes("`sweep`"));
            assert.strictEqual(refusal.length, 1);
            // The keys come first, the exposure and the commands (one of them also a key's name) after.
            assert.deepStrictEqual(keysIn(refusal[0].split("`portForward`")[0]), awsOnly);
        }
        // docs/operations(.ko).md, "On an existing cluster": the same list.
        for (const [file, opening] of [["docs/operations.md", "Every key of the AWS lab ("], ["docs/operations.ko.md", "AWS 실습 환경의 키("]]) {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            const start = text.indexOf(opening);
            assert.ok(start >= 0, `${file}: ${opening}`);
            assert.deepStrictEqual(keysIn(text.slice(start, text.indexOf(")", start))), awsOnly, file);
        }
    });

    it("names only what exists: files, stacks, the CLI's commands, config keys", () => {
        const commands = [...blocks(en).flat(), ...inline(en)];
        const missing: string[] = [];
        const need = (kind: string, name: string, ok: boolean) => { if (!ok) missing.push(`${kind} ${name}`); };
        for (const c of commands) {
            for (const m of c.matchAll(/--config (\S+)/g)) need("file", m[1], fs.existsSync(path.join(root, m[1])));
            for (const m of c.matchAll(/--stack (\w+)/g)) need("stack file", m[1], fs.existsSync(path.join(root, `Pulumi.${m[1]}.yaml`)));
            for (const m of c.matchAll(/k8s-lab (\w[\w-]*)/g)) need("command", m[1], Object.keys(cliCommands).includes(m[1]));
            for (const m of c.matchAll(/pulumi config set (?:--stack \w+ )?(\w+) (\w+)/g)) need("config key", m[1], Object.keys(projectFile().config).includes(m[1]));
        }
        for (const m of en.matchAll(/`([\w./-]+\.(?:ya?ml|md))`/g)) need("file", m[1], fs.existsSync(path.join(root, m[1])));
        assert.deepStrictEqual(missing, []);
        assert.ok(commands.length >= 7, commands.join("\n"));
    });

    it("gives the URLs of the ports kind maps, and says what does not apply and what size fits, in both languages", () => {
        const mappings = kind.nodes.flatMap((n) => n.extraPortMappings ?? []);
        for (const body of [en, ko]) {
            const urls = [...body.matchAll(/`(http:\/\/[^`]+)`/g)].map((m) => new URL(m[1]));
            assert.deepStrictEqual(urls.map((u) => `${u.hostname}:${u.port}`), mappings.map((m) => `${m.listenAddress}:${m.hostPort}`));
            assert.strictEqual(urls[0].pathname, "/productpage");
            for (const needle of ["existingCluster", "portForward", "adminCidrs", "8", "kubectl"]) assert.ok(body.includes(needle), needle);
            assert.match(body, /8 ?GB/);
        }
    });
});
