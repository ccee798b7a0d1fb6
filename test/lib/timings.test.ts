import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { phaseTracker } from "../../cli/progress";
import { alignedTable, displayWidth, minutes, parseHistory, progressPhaseOfTimed, progressPhases, runFallback, timedPhaseOf, timingRecorder, type TimedPhase } from "../../lib/timings";
import { runProgram } from "../harness";

/** A daily up's engine events as the Automation API hands them over (a first up after a destroy: the stack itself is unchanged). */
const recordedUp = (): EngineEvent[] => JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "timings", "up-events.json"), "utf8")) as EngineEvent[];

const urn = (types: string, name: string) => `urn:pulumi:dev::k8s-lab::${types}::${name}`;
/** One step event of a resource, as the engine sends it. */
const step = (kind: "resourcePreEvent" | "resOutputsEvent" | "resOpFailedEvent", timestamp: number, types: string, name: string, op = "create", planning?: boolean): EngineEvent => {
    const metadata = { op, urn: urn(types, name), type: types.split("$").pop(), provider: "" };
    return { sequence: timestamp, timestamp, [kind]: kind === "resOpFailedEvent" ? { metadata, status: 1, steps: 1 } : { metadata, planning } } as unknown as EngineEvent;
};

type Declared = Awaited<ReturnType<typeof runProgram>>["resources"][number];
/** A URN's types for each of the program's resources: the ancestors' below the stack, then the resource's own. */
const typesOf = (resources: Declared[]) => {
    const byId = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
    const types = (r: Declared): string[] => {
        const parent = r.parent === undefined || r.parent.startsWith("pulumi:pulumi:Stack::") ? undefined : byId.get(r.parent);
        return [...(parent === undefined ? [] : types(parent)), r.type];
    };
    return types;
};

describe("timings", () => {
    it("turns a recorded up's engine events into the phase table: network, nodes, each bootstrap step, the CRDs and each chart, Bookinfo, verification, other and the total", () => {
        const recorder = timingRecorder();
        for (const event of recordedUp()) recorder.record(event);
        const phase = (name: string, start: number, end: number, resources: number) => ({ phase: name, start, end, seconds: end - start, resources, failed: false });
        assert.deepStrictEqual(recorder.timings(), {
            // It created the instances: a new lab's run.
            kind: "new",
            startedAt: "2026-11-29T23:00:07.000Z",
            seconds: 771,
            phases: [
                // The VPC to the private subnet's route through the NAT gateway.
                phase("network", 3, 126, 15),
                // The key pair, the instances, and an instance profile no rule names (its component is a NodeGroup).
                phase("nodes", 4, 143, 5),
                phase("init", 37, 265, 1),
                phase("cni", 265, 352, 1),
                phase("joins", 265, 330, 4),
                phase("ready", 352, 402, 1),
                // The kubeconfig command and the Kubernetes provider made from it.
                phase("kubeconfig", 402, 406, 2),
                // The Prometheus Operator's CRDs, on their own before the chart.
                phase("monitoringCrds", 406, 412, 3),
                // The monitoring namespace, secret, dashboard and rules, the chart and its children.
                phase("monitoring", 406, 561, 8),
                phase("linkerdCrds", 407, 420, 3),
                // From the linkerd namespace to the control plane's last Deployment.
                phase("linkerd", 406, 650, 4),
                // A PodDisruptionBudget no rule names counts to its component, Bookinfo.
                phase("bookinfo", 650, 745, 16),
                phase("verification", 745, 770, 1),
                // The AWS provider, the self-reference and every-up: not the keys, passwords and lab id made in no time, the stack, nor the unchanged provider.
                phase("other", 1, 4, 3),
            ],
        });
    });

    it("counts each resource of the program to a named phase but the stack-level helpers (keys and passwords time nothing), the NAT instance to the network, each chart to its own", async () => {
        const program = await runProgram();
        const types = typesOf(program.resources);
        const other = program.resources.filter((r) => timedPhaseOf(urn(types(r).join("$"), r.name)) === "other").map((r) => r.type);
        assert.deepStrictEqual([...new Set(other)].sort(), ["pulumi-nodejs:dynamic:Resource", "pulumi:providers:aws", "pulumi:pulumi:StackReference"]);
        const instant = program.resources.filter((r) => /^(random|tls):/.test(r.type));
        assert.ok(instant.length > 0);
        assert.deepStrictEqual(instant.map((r) => timedPhaseOf(urn(types(r).join("$"), r.name))), instant.map(() => undefined));
        const phases = (type: string) => program.ofType(type).map((r) => `${r.name} ${timedPhaseOf(urn(types(r).join("$"), r.name))}`).sort();
        // The NAT instance is the network's; the nodes are the cluster's; each chart and the CRDs have their own phase.
        assert.deepStrictEqual(phases("aws:ec2/instance:Instance"), ["control-plane-0 nodes", "network-nat network", "worker-0 nodes", "worker-1 nodes"]);
        assert.deepStrictEqual([...phases("kubernetes:helm.sh/v4:Chart"), ...phases("kubernetes:yaml/v2:ConfigGroup")], ["kube-prometheus-stack monitoring", "linkerd-control-plane linkerd", "linkerd-crds linkerdCrds", "monitoring-crds monitoringCrds"]);
    });

    it("shows up's progress by the same table: each resource of the program in its timed phase's progress phase, the NAT instance in the network in both", async () => {
        const program = await runProgram();
        const types = typesOf(program.resources);
        // What the CLI's progress lines say for one resource alone.
        const shown = (u: string): string[] => {
            const seen: string[] = [];
            phaseTracker((phase) => seen.push(phase))(u);
            return seen;
        };
        const both = program.resources.map((r) => {
            const u = urn(types(r).join("$"), r.name);
            const timed = timedPhaseOf(u);
            return { r, timed, progress: shown(u) };
        });
        // The progress phase its timed phase declares; none for what times nothing and for "other".
        const declared = (timed: TimedPhase | undefined): string[] => [timed === undefined ? undefined : progressPhaseOfTimed[timed]].filter((p) => p !== undefined);
        const disagree = both.filter(({ timed, progress }) => JSON.stringify(progress) !== JSON.stringify(declared(timed)));
        assert.deepStrictEqual(disagree.map(({ r }) => `${r.type}::${r.name}`), []);
        const line = (type: string) => both.filter(({ r }) => r.type === type).map(({ r, timed, progress }) => `${r.name} ${timed} ${progress.join()}`).sort();
        assert.deepStrictEqual(line("aws:ec2/instance:Instance"), ["control-plane-0 nodes nodes", "network-nat network network", "worker-0 nodes nodes", "worker-1 nodes nodes"]);
        // Every progress phase has resources of the program.
        assert.deepStrictEqual([...new Set(both.flatMap(({ progress }) => progress))].sort(), [...progressPhases].sort());
    });

    it("shows the recorded up's progress lines each once, in order, when the phase's first resource starts: network first, not the keys made at the start", () => {
        const events = recordedUp();
        const first = Math.min(...events.map((e) => e.timestamp));
        const lines: string[] = [];
        let at = 0;
        const track = phaseTracker((phase) => lines.push(`${at - first} ${phase}`));
        for (const event of events) {
            const u = event.resourcePreEvent?.metadata.urn;
            at = event.timestamp;
            if (u !== undefined) track(u);
        }
        assert.deepStrictEqual(lines, ["3 network", "4 nodes", "37 bootstrap", "406 platform", "745 verification"]);
    });

    it("places a resource by its own type and name first, else by its nearest component, else in other; the stack and the program's components time nothing", () => {
        const cases: [string, string, string | undefined][] = [
            ["k8slab:index:Network$aws:ec2/instance:Instance", "network-nat", "network"],
            ["k8slab:index:NodeGroup$aws:ec2/instance:Instance", "worker-0", "nodes"],
            ["k8slab:index:Monitoring$kubernetes:helm.sh/v4:Chart", "prometheus-operator-crds", "monitoringCrds"],
            ["k8slab:index:Monitoring$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment", "kube-prometheus-stack:monitoring/kube-prometheus-stack-grafana", "monitoring"],
            ["k8slab:index:Mesh$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment", "linkerd-control-plane:linkerd/linkerd-destination", "linkerd"],
            ["k8slab:index:Mesh$kubernetes:monitoring.coreos.com/v1:PodMonitor", "mesh-proxies", "linkerd"],
            ["k8slab:index:Access$command:local:Command", "access-verify", "verification"],
            ["aws:s3/bucket:Bucket", "mystery", "other"],
            ["k8slab:index:KubernetesCluster$command:remote:Command", "cluster-something-new", "other"],
            ["pulumi:pulumi:Stack", "k8s-lab-dev", undefined],
            ["k8slab:index:SshKey$tls:index/privateKey:PrivateKey", "lab-key", undefined],
            ["random:index/randomPassword:RandomPassword", "grafana-admin", undefined],
            ["k8slab:index:Bookinfo", "bookinfo", undefined],
        ];
        assert.deepStrictEqual(cases.map(([types, name]) => timedPhaseOf(urn(types, name))), cases.map(([, , phase]) => phase));
        assert.strictEqual(timedPhaseOf("not a urn"), "other");
    });

    it("marks a phase whose resource failed, ends an unfinished one at the last event, and ignores unchanged resources, previews and events it does not know", () => {
        const recorder = timingRecorder();
        assert.strictEqual(recorder.timings(), undefined);
        const cluster = "k8slab:index:KubernetesCluster$command:remote:Command";
        const events = [
            { sequence: 0, timestamp: 100, preludeEvent: { config: {} } },
            step("resourcePreEvent", 101, "k8slab:index:Network$aws:ec2/vpc:Vpc", "network-vpc", "same"),
            step("resOutputsEvent", 101, "k8slab:index:Network$aws:ec2/vpc:Vpc", "network-vpc", "same"),
            step("resourcePreEvent", 101, "k8slab:index:Bookinfo$kubernetes:core/v1:Namespace", "bookinfo", "create", true),
            step("resourcePreEvent", 102, cluster, "cluster-init", "replace"),
            step("resourcePreEvent", 103, cluster, "cluster-join-worker-0"),
            step("resOpFailedEvent", 150, cluster, "cluster-init", "replace"),
            { sequence: 7, timestamp: 151, resourcePreEvent: {} },
            { sequence: 8, timestamp: 152, somethingNew: { urn: 1 } },
            { sequence: 9, timestamp: Number.NaN, resOutputsEvent: { metadata: { urn: urn(cluster, "cluster-join-worker-0") } } },
            { sequence: 10 },
            step("resOutputsEvent", 140, "k8slab:index:Access$command:local:Command", "access-verify"),
            step("resOutputsEvent", 180, "k8slab:index:Access$command:local:Command", "orphan-verify"),
        ] as unknown as EngineEvent[];
        for (const event of events) recorder.record(event);
        assert.deepStrictEqual(recorder.timings(), {
            kind: "update",
            startedAt: "1970-01-01T00:01:40.000Z",
            seconds: 80,
            phases: [
                { phase: "init", start: 2, end: 50, seconds: 48, resources: 1, failed: true },
                { phase: "joins", start: 3, end: 80, seconds: 77, resources: 1, failed: false },
                { phase: "verification", start: 40, end: 80, seconds: 40, resources: 2, failed: false },
            ],
        });
    });

    it("reads the history's runs and skips a line that is not one; m:ss", () => {
        const run = { stack: "dev", ok: true, startedAt: "2026-11-29T23:00:07.000Z", seconds: 771, phases: [] };
        assert.deepStrictEqual(parseHistory(`${JSON.stringify(run)}\n\nnot json\n{"stack":"dev"}\nnull\n${JSON.stringify({ ...run, ok: false })}\n`), [run, { ...run, ok: false }]);
        assert.deepStrictEqual([0, 59, 60, 771, 3600.4, -3].map(minutes), ["0:00", "0:59", "1:00", "12:51", "60:00", "0:00"]);
    });

    it("marks a run new when it created EC2 instances, else an update, and records an update that changed nothing", () => {
        const run = (events: EngineEvent[]) => {
            const recorder = timingRecorder();
            for (const event of events) recorder.record(event);
            return recorder.timings();
        };
        const worker = "k8slab:index:NodeGroup$aws:ec2/instance:Instance";
        assert.deepStrictEqual(run([step("resourcePreEvent", 10, worker, "worker-0", "same"), { sequence: 2, timestamp: 14, summaryEvent: {} } as unknown as EngineEvent]), { kind: "update", startedAt: "1970-01-01T00:00:10.000Z", seconds: 4, phases: [] });
        assert.deepStrictEqual(run([step("resourcePreEvent", 10, worker, "worker-0", "update"), step("resOutputsEvent", 20, worker, "worker-0", "update")])?.kind, "update");
        assert.deepStrictEqual(run([step("resourcePreEvent", 10, "k8slab:index:NodeGroup$aws:ec2/spotInstanceRequest:SpotInstanceRequest", "worker-0"), step("resOutputsEvent", 20, worker, "worker-0")])?.kind, "new");
        assert.deepStrictEqual(run([step("resourcePreEvent", 10, worker, "worker-0")])?.kind, "new");
        assert.deepStrictEqual(run([step("resourcePreEvent", 10, "k8slab:index:Network$aws:ec2/vpc:Vpc", "network-vpc")])?.kind, "update");
    });

    it("says which fallbacks a run's report shows: another exposure, on-demand workers, both or none", () => {
        assert.strictEqual(runFallback({ steps: [{ mode: "nodePort" }] }), undefined);
        assert.deepStrictEqual(runFallback({ steps: [{ mode: "nodePort" }, { mode: "portForward" }] }), { exposure: { from: "nodePort", to: "portForward" } });
        assert.deepStrictEqual(runFallback({ steps: [{ mode: "nodePort" }, { mode: "nodePort", capacity: "onDemand" }] }), { capacity: { from: "spot", to: "onDemand" } });
        assert.deepStrictEqual(runFallback({ steps: [{ mode: "nodePort" }, { mode: "nodePort", capacity: "onDemand" }, { mode: "hostPort", capacity: "onDemand" }] }), {
            exposure: { from: "nodePort", to: "hostPort" },
            capacity: { from: "spot", to: "onDemand" },
        });
    });

    it("aligns a table by display width: a Hangul syllable takes two columns", () => {
        assert.deepStrictEqual(["network", "네트워크", "kubeadm init 실행", ""].map(displayWidth), [7, 8, 17, 0]);
        assert.deepStrictEqual(alignedTable([["단계", "시작"], ["네트워크", "0:03"], ["other", "12:00"]]), ["단계       시작", "네트워크   0:03", "other     12:00"]);
    });
});
