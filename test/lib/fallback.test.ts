import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { WorkerCapacity } from "../../lib/config";
import {
    accessCheckResource, capacityOverride, capacityOverrideVariable, exposureOverride, exposureOverrideVariable, instanceUrns, LabStack, labCapacity, labExposure, spotRefused, UpFailed, upErrors, UpOptions, UpReport,
    upRunVariable, upWithFallback,
} from "../../lib/fallback";
import { translator } from "../../lib/messages";
import { VerifyTarget } from "../../lib/endpoints";
import { Exposure, targetExposures } from "../../lib/exposure";
import { Endpoints, PlatformCheck, platformChecks, ProbeResult, Verdict, Verification } from "../../lib/probe";
import { runProgram, types } from "../harness";
import { labTargets } from "../harness/endpoints";
import { root } from "../harness/stackConfig";

const en = translator("en");
/** Each URL's verdict, then the platform checks' (those not listed ok; none at all when Grafana's fails, as verify runs them). */
type Verdicts = [bookinfo: Verdict, grafana: Verdict, platform?: Partial<Record<PlatformCheck, Verdict>>];

/**
 * A fake lab: its state is its outputs (none until the first `up`, none after a destroy), and
 * every `up` picks its mode as the program does (`labExposure`). `verdicts` says how each mode
 * answers (both ok when not listed); `failing` lists the modes whose `up` also fails elsewhere.
 */
function fakeLab(configured: Exposure, verdicts: Partial<Record<Exposure, Verdicts>>, options: { failing?: Exposure[]; noOutputs?: boolean } = {}) {
    const calls: string[] = [];
    let state: Record<string, unknown> | undefined;
    const answers = (mode: Exposure): Verdicts => verdicts[mode] ?? ["ok", "ok"];
    const platform = ([, grafana, checks = {}]: Verdicts): [PlatformCheck, Verdict][] => (grafana === "ok" ? platformChecks.map((c) => [c, checks[c] ?? "ok"]) : []);
    const verified = (v: Verdicts) => v[0] === "ok" && v[1] === "ok" && platform(v).every(([, verdict]) => verdict === "ok");
    const stack: LabStack = {
        exposure: async () => ({ configured, current: labExposure(configured, state ?? {}, undefined, en) }),
        up: async (_options, override) => {
            const mode = labExposure(configured, state ?? {}, override, en);
            calls.push(override === undefined ? `up ${mode}` : `up ${mode} (${exposureOverrideVariable}=${override})`);
            const errors = [];
            if (options.failing?.includes(mode)) errors.push({ resource: "command:remote:Command::cluster-init", error: "error: exit status 1\n[ERROR] kubelet did not start" });
            if (!options.noOutputs) state = { exposure: mode, configuredExposure: configured, endpoints: labTargets(`http://lab/${mode}/productpage`, `http://lab/${mode}`) };
            if (!verified(answers(mode))) errors.push({ resource: accessCheckResource, error: "Process exited with status 1\nThe URLs did not both answer within 120 s of retrying." });
            if (errors.length > 0) throw new UpFailed(errors);
        },
        endpoints: async (): Promise<Endpoints> => {
            if (state === undefined) throw new Error("no outputs");
            return { targets: state.endpoints as VerifyTarget[], grafanaPassword: "pw" };
        },
    };
    const check = async (e: Endpoints): Promise<Verification> => {
        const mode = e.targets[0].url.split("/")[3] as Exposure;
        calls.push(`verify ${mode}`);
        const [bookinfo, grafana] = answers(mode);
        const results: ProbeResult[] = [
            { target: "bookinfo", title: "Bookinfo", url: e.targets[0].url, verdict: bookinfo, ms: 5 },
            { target: "grafana", title: "Grafana", url: e.targets[1].url, verdict: grafana, ms: 5 },
            ...platform(answers(mode)).map(([target, verdict]) => ({ target, title: "Grafana", url: e.targets[1].url, verdict, ms: 5 })),
        ];
        return { ok: verified(answers(mode)), attempts: 1, results };
    };
    return { stack, check, calls, state: () => state, destroy: () => void (state = undefined) };
}

const summary = (report: UpReport) => ({ ok: report.ok, mode: report.mode, configured: report.configured, left: report.left, steps: report.steps.map((s) => s.mode) });

describe("the lab's instances in an exported state", () => {
    it("are the URNs of its EC2 instances only; none in a new stack", () => {
        const urn = (type: string, name: string) => `urn:pulumi:dev::k8s-lab::${type}::${name}`;
        const deployment = {
            resources: [
                { type: "pulumi:pulumi:Stack", urn: urn("pulumi:pulumi:Stack", "k8s-lab-dev") },
                { type: "aws:ec2/instance:Instance", urn: urn("k8s-lab:index:NodeGroup$aws:ec2/instance:Instance", "worker-0") },
                { type: "aws:ec2/securityGroup:SecurityGroup", urn: urn("aws:ec2/securityGroup:SecurityGroup", "nodes") },
                { type: "aws:ec2/instance:Instance", urn: urn("k8s-lab:index:Network$aws:ec2/instance:Instance", "k8s-lab-dev-nat") },
            ],
        };
        assert.deepStrictEqual(instanceUrns(deployment), [urn("k8s-lab:index:NodeGroup$aws:ec2/instance:Instance", "worker-0"), urn("k8s-lab:index:Network$aws:ec2/instance:Instance", "k8s-lab-dev-nat")]);
        assert.deepStrictEqual([instanceUrns({}), instanceUrns({ manifest: {} }), instanceUrns(undefined)], [[], [], []]);
    });
});

describe("up with fallback", () => {
    const options: UpOptions = { policyPacks: ["/repo/policy"], output: () => undefined };
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    beforeEach(() => void lines.splice(0));

    it("applies once when the lab serves", async () => {
        const lab = fakeLab("nodePort", {});
        assert.deepStrictEqual(summary(await upWithFallback(lab.stack, options, lab.check, log, en)), { ok: true, mode: "nodePort", configured: "nodePort", left: "nodePort", steps: ["nodePort"] });
        assert.deepStrictEqual(lab.calls, ["up nodePort"]);
        assert.deepStrictEqual(lines, ["Applying the stack with exposure nodePort.", "Exposure nodePort serves every URL."]);
    });

    it("does not switch when the datasource is unhealthy: no exposure changes that", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["ok", "datasourceUnhealthy"] });
        assert.deepStrictEqual(summary(await upWithFallback(lab.stack, options, lab.check, log, en)), { ok: false, mode: undefined, configured: "nodePort", left: "nodePort", steps: ["nodePort"] });
        assert.deepStrictEqual(lab.calls, ["up nodePort", "verify nodePort"]);
        assert.strictEqual(lines[lines.length - 1], "Not switching from exposure nodePort: grafana: datasourceUnhealthy is not a network failure, and another exposure cannot change it.");
    });

    it("does not switch when a URL answered but too slowly: the port is reached, another exposure cannot help", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["ok", "slow"] });
        const report = await upWithFallback(lab.stack, options, lab.check, log, en);
        assert.deepStrictEqual(summary(report), { ok: false, mode: undefined, configured: "nodePort", left: "nodePort", steps: ["nodePort"] });
        assert.deepStrictEqual(lines.slice(-1), ["Not switching from exposure nodePort: grafana: slow is not a network failure, and another exposure cannot change it."]);
    });

    it("does not switch when a mix of verdicts includes one no exposure can change", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "unauthorized"] });
        assert.deepStrictEqual(summary(await upWithFallback(lab.stack, options, lab.check, log, en)).steps, ["nodePort"]);
    });

    it("does not switch on a platform check's verdict, whatever it is: Grafana answered, so its port is reached", async () => {
        // URL timeout + platform panelsWithoutData → no switch: the platform would fail on any exposure.
        const timeout = fakeLab("nodePort", { nodePort: ["timeout", "ok", { bookinfoDashboard: "panelsWithoutData" }] });
        assert.deepStrictEqual(summary(await upWithFallback(timeout.stack, options, timeout.check, log, en)), { ok: false, mode: undefined, configured: "nodePort", left: "nodePort", steps: ["nodePort"] });
        assert.deepStrictEqual(timeout.calls, ["up nodePort", "verify nodePort"]);
        assert.strictEqual(lines[lines.length - 1], "Not switching from exposure nodePort: bookinfo: timeout, bookinfoDashboard: panelsWithoutData is not a network failure, and another exposure cannot change it.");
        // platform refused → no switch, though refused is a network verdict for a URL.
        const refused = fakeLab("nodePort", { nodePort: ["ok", "ok", { linkerdProxies: "refused", alertRules: "timeout" }] });
        assert.deepStrictEqual(summary(await upWithFallback(refused.stack, options, refused.check, log, en)).steps, ["nodePort"]);
        assert.strictEqual(lines[lines.length - 1], "Not switching from exposure nodePort: linkerdProxies: refused, alertRules: timeout is not a network failure, and another exposure cannot change it.");
        // The positive case unchanged: a URL's network verdict, the platform checks passing, switches.
        const url = fakeLab("nodePort", { nodePort: ["timeout", "ok"] });
        assert.deepStrictEqual(summary(await upWithFallback(url.stack, options, url.check, log, en)), { ok: true, mode: "portForward", configured: "nodePort", left: "portForward", steps: ["nodePort", "portForward"] });
        assert.deepStrictEqual(url.calls.slice(0, 2), ["up nodePort", "verify nodePort"]);
    });

    it("does not switch when the up failed for another reason than the access check, and keeps the error", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "refused"] }, { failing: ["nodePort"] });
        const report = await upWithFallback(lab.stack, options, lab.check, log, en);
        assert.deepStrictEqual(summary(report), { ok: false, mode: undefined, configured: "nodePort", left: "nodePort", steps: ["nodePort"] });
        assert.deepStrictEqual(lab.calls, ["up nodePort"]);
        assert.deepStrictEqual(report.steps[0].upErrors, [
            { resource: "command:remote:Command::cluster-init", error: "[ERROR] kubelet did not start" },
            { resource: accessCheckResource, error: "The URLs did not both answer within 120 s of retrying." },
        ]);
    });

    it("does not switch when the up failed before the stack had outputs", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "refused"] }, { noOutputs: true });
        assert.deepStrictEqual(summary(await upWithFallback(lab.stack, options, lab.check, log, en)).steps, ["nodePort"]);
        assert.deepStrictEqual(lab.calls, ["up nodePort"]);
    });

    it("on an existing cluster, switches from a refused nodePort to hostPort, the next mode it serves with", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "refused"] });
        const stack: LabStack = { ...lab.stack, exposure: async () => ({ ...(await lab.stack.exposure()), modes: targetExposures.existingCluster }) };
        assert.deepStrictEqual(summary(await upWithFallback(stack, options, lab.check, log, en)), { ok: true, mode: "hostPort", configured: "nodePort", left: "hostPort", steps: ["nodePort", "hostPort"] });
        assert.deepStrictEqual(lab.calls, ["up nodePort", "verify nodePort", `up hostPort (${exposureOverrideVariable}=hostPort)`]);
    });

    it("switches from a refused nodePort to portForward, says so, and the next up of the same lab keeps portForward", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "refused"] });
        const report = await upWithFallback(lab.stack, options, lab.check, log, en);
        assert.deepStrictEqual(summary(report), { ok: true, mode: "portForward", configured: "nodePort", left: "portForward", steps: ["nodePort", "portForward"] });
        assert.deepStrictEqual(report.steps[0].verification?.results.map((r) => r.verdict), ["refused", "refused"]);
        assert.deepStrictEqual(lines, [
            "Applying the stack with exposure nodePort.",
            `pulumi up failed with exposure nodePort: ${accessCheckResource}: The URLs did not both answer within 120 s of retrying.`,
            "Exposure nodePort did not serve every URL (bookinfo: refused, grafana: refused); switching to portForward and applying again.",
            "Applying the stack with exposure portForward.",
            "Exposure portForward serves every URL.",
            "The lab keeps exposure portForward until it is destroyed, although nodePort is configured; a new lab starts from nodePort.",
        ]);
        assert.deepStrictEqual(lab.state()?.exposure, "portForward");
        // The next up, lab up or plain pulumi up: no override, and the lab stays on portForward.
        lab.calls.splice(0);
        assert.deepStrictEqual(summary(await upWithFallback(lab.stack, options, lab.check, log, en)), { ok: true, mode: "portForward", configured: "nodePort", left: "portForward", steps: ["portForward"] });
        assert.deepStrictEqual(lab.calls, ["up portForward"]);
    });

    it("tries no other mode, and does not re-apply the configured one, once the operator cancelled", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "refused"] });
        // From a terminal pulumi got the Ctrl-C itself: nothing aborted, but cancelled all the same.
        const report = await upWithFallback(lab.stack, { ...options, cancelled: () => true }, lab.check, log, en);
        assert.deepStrictEqual(summary(report), { ok: false, mode: undefined, configured: "nodePort", left: "nodePort", steps: ["nodePort"] });
        assert.deepStrictEqual(lab.calls, ["up nodePort"]);
    });

    it("starts a destroyed and rebuilt lab from the configured mode again", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["timeout", "ok"] });
        await upWithFallback(lab.stack, options, lab.check, log, en);
        assert.deepStrictEqual(lab.state()?.exposure, "portForward");
        lab.destroy();
        lab.calls.splice(0);
        await upWithFallback(lab.stack, options, lab.check, log, en);
        assert.deepStrictEqual(lab.calls.slice(0, 2), ["up nodePort", "verify nodePort"]);
    });

    it("leaves the lab on the configured mode when every mode fails, and says so", async () => {
        const lab = fakeLab("nodePort", { nodePort: ["refused", "ok"], portForward: ["unreachable", "ok"], hostPort: ["timeout", "timeout"] });
        const report = await upWithFallback(lab.stack, options, lab.check, log, en);
        assert.deepStrictEqual(summary(report), { ok: false, mode: undefined, configured: "nodePort", left: "nodePort", steps: ["nodePort", "portForward", "hostPort", "nodePort"] });
        assert.deepStrictEqual(lab.calls, [
            "up nodePort", "verify nodePort",
            "up portForward (K8S_LAB_EXPOSURE=portForward)", "verify portForward",
            "up hostPort (K8S_LAB_EXPOSURE=hostPort)", "verify hostPort",
            "up nodePort (K8S_LAB_EXPOSURE=nodePort)",
        ]);
        assert.deepStrictEqual(lab.state()?.exposure, "nodePort");
        assert.deepStrictEqual(lines.slice(-4), [
            "No exposure served every URL; tried nodePort, portForward, hostPort.",
            "Applying the configured exposure nodePort again, so that the lab is left on it.",
            "Applying the stack with exposure nodePort.",
            `pulumi up failed with exposure nodePort: ${accessCheckResource}: The URLs did not both answer within 120 s of retrying.`,
        ]);
    });

    it("tries the other modes in order from a lab kept on portForward, and says so in Korean", async () => {
        const broken = fakeLab("nodePort", { nodePort: ["refused", "ok"], portForward: ["refused", "ok"] });
        const first: string[] = [];
        await upWithFallback(broken.stack, options, broken.check, (line) => void first.push(line), translator("ko"));
        // The verdicts in a switch's reason are Korean phrases, not the codes.
        assert.deepStrictEqual(first.filter((l) => l.includes("전환해")), [
            "nodePort 노출 방식으로는 모든 URL을 제공하지 못했습니다(bookinfo: 연결 거부). portForward 방식으로 전환해 다시 적용합니다.",
            "portForward 노출 방식으로는 모든 URL을 제공하지 못했습니다(bookinfo: 연결 거부). hostPort 방식으로 전환해 다시 적용합니다.",
        ]);
        broken.calls.splice(0);
        const report = await upWithFallback(broken.stack, options, broken.check, log, translator("ko"));
        assert.deepStrictEqual(summary(report), { ok: true, mode: "hostPort", configured: "nodePort", left: "hostPort", steps: ["hostPort"] });
        assert.deepStrictEqual(lines[lines.length - 1], "설정된 방식은 nodePort 방식이지만, 이 실습 환경은 삭제될 때까지 hostPort 노출 방식을 유지합니다. 새 실습 환경은 nodePort 방식으로 시작합니다.");
    });
});

/**
 * The program's situations, each run once for both fallbacks, the exposure's and the workers'
 * capacity: each test reads its own outputs. A lab that fell back in both; lab up's one-run
 * overrides of both; both settings changed; both overrides exported outside a run of lab up.
 */
const fellBack = { exposure: "portForward", configuredExposure: "nodePort", workerCapacity: "onDemand", configuredWorkerCapacity: "spot" };
const situations = {
    fellBack: { previousOutputs: fellBack },
    overridden: { env: { [exposureOverrideVariable]: "portForward", [capacityOverrideVariable]: "onDemand", [upRunVariable]: "4242-1" } },
    changed: { config: { exposure: "hostPort", workerCapacity: "onDemand" }, previousOutputs: fellBack },
    exported: { env: { [exposureOverrideVariable]: "portForward", [capacityOverrideVariable]: "onDemand", [upRunVariable]: "" } },
};

describe("the exposure a run of the program builds", () => {
    it("is the override, else the lab's own while its setting is unchanged, else the configured one", () => {
        assert.deepStrictEqual([
            labExposure("nodePort", {}, undefined, en),
            labExposure("nodePort", { exposure: "portForward", configuredExposure: "nodePort" }, undefined, en),
            labExposure("nodePort", { exposure: "portForward", configuredExposure: "nodePort" }, "", en),
            labExposure("hostPort", { exposure: "portForward", configuredExposure: "nodePort" }, undefined, en),
            labExposure("nodePort", { exposure: "portForward" }, undefined, en),
            labExposure("nodePort", { exposure: "loadBalancer", configuredExposure: "nodePort" }, undefined, en),
            labExposure("nodePort", { exposure: "portForward", configuredExposure: "nodePort" }, "hostPort", en),
        ], ["nodePort", "portForward", "portForward", "hostPort", "nodePort", "nodePort", "hostPort"]);
        assert.throws(() => labExposure("nodePort", {}, "loadBalancer", en), {
            name: "ConfigError",
            message: "The environment variable K8S_LAB_EXPOSURE is loadBalancer, which is not an exposure: use one of nodePort, portForward, hostPort, or unset it.",
        });
    });

    it("on an existing cluster, refuses portForward as an override, naming the modes it serves with", () => {
        assert.strictEqual(labExposure("nodePort", {}, "hostPort", en, targetExposures.existingCluster), "hostPort");
        assert.throws(() => labExposure("nodePort", {}, "portForward", en, targetExposures.existingCluster), {
            name: "ConfigError",
            message: "The environment variable K8S_LAB_EXPOSURE is portForward, which is not an exposure: use one of nodePort, hostPort, or unset it.",
        });
    });

    it("takes the override from the environment only next to lab up's run id, and warns about one without it", () => {
        const warnings: string[] = [];
        const warn = (line: string) => void warnings.push(line);
        assert.deepStrictEqual([
            exposureOverride({ [exposureOverrideVariable]: "hostPort", [upRunVariable]: "4242-1" }, warn, en),
            exposureOverride({ [exposureOverrideVariable]: "hostPort" }, warn, en),
            exposureOverride({ [exposureOverrideVariable]: "hostPort", [upRunVariable]: "" }, warn, translator("ko")),
            exposureOverride({ [upRunVariable]: "4242-1" }, warn, en),
            exposureOverride({}, warn, en),
        ], ["hostPort", undefined, undefined, undefined, undefined]);
        assert.deepStrictEqual(warnings, [
            "K8S_LAB_EXPOSURE=hostPort is ignored: only k8s-lab up sets it for one run; unset it (the exposure is the config key k8s-lab:exposure).",
            "K8S_LAB_EXPOSURE=hostPort 설정은 무시합니다. 이 변수는 k8s-lab up이 한 번의 실행에만 설정합니다. 변수를 해제하세요(노출 방식은 설정 키 k8s-lab:exposure로 정합니다).",
        ]);
    });

    describe("in the program, from its own state", () => {
        const stackFile = path.join(root, "Pulumi.dev.yaml");
        const before = fs.readFileSync(stackFile, "utf8");
        const portForwardServices = (program: Awaited<ReturnType<typeof runProgram>>) =>
            program.ofType(types.remoteCommand).filter((c) => c.name.startsWith("access-k8s-lab-port-forward")).map((c) => c.name).sort();
        const built = async (options: Parameters<typeof runProgram>[0]) => {
            const program = await runProgram(options);
            assert.strictEqual(program.run.error, undefined);
            return {
                outputs: [program.output("exposure").value, program.output("configuredExposure").value],
                verifiedWith: (program.get(types.localCommand, "access-verify").inputs.environment as Record<string, string>).LAB_EXPOSURE,
                services: portForwardServices(program),
            };
        };
        const services = ["access-k8s-lab-port-forward-bookinfo", "access-k8s-lab-port-forward-grafana"];

        it("a new lab starts from the configured mode", async () => {
            assert.deepStrictEqual(await built({}), { outputs: ["nodePort", "nodePort"], verifiedWith: "nodePort", services: [] });
        });

        it("a lab that fell back keeps its mode on a plain pulumi up, without editing the stack file", async () => {
            const kept = await built(situations.fellBack);
            assert.deepStrictEqual(kept, { outputs: ["portForward", "nodePort"], verifiedWith: "portForward", services });
            assert.strictEqual(fs.readFileSync(stackFile, "utf8"), before);
        });

        it("lab up's one-run override switches a lab, and a changed setting takes effect", async () => {
            assert.deepStrictEqual(await built(situations.overridden), { outputs: ["portForward", "nodePort"], verifiedWith: "portForward", services });
            assert.deepStrictEqual(await built(situations.changed), { outputs: ["hostPort", "hostPort"], verifiedWith: "hostPort", services: [] });
        });

        it("ignores an exported override outside a run of lab up, with a warning, so that a plain pulumi up never switches the lab", async () => {
            const program = await runProgram(situations.exported);
            assert.strictEqual(program.run.error, undefined);
            assert.deepStrictEqual([program.output("exposure").value, program.output("configuredExposure").value], ["nodePort", "nodePort"]);
            assert.deepStrictEqual(program.run.warnings.filter((w) => w.includes("K8S_LAB_EXPOSURE")), ["K8S_LAB_EXPOSURE=portForward is ignored: only k8s-lab up sets it for one run; unset it (the exposure is the config key k8s-lab:exposure)."]);
        });

        it("reads its own state by the bare stack name on a DIY backend, which both of its layouts accept", async () => {
            const program = await runProgram({});
            assert.deepStrictEqual(program.ofType(types.stackReference).map((r) => r.inputs.name), ["dev"]);
        });

        it("stops with one sentence when the override is not a mode", async () => {
            const program = await runProgram({ env: { [exposureOverrideVariable]: "loadBalancer", [upRunVariable]: "4242-1" } });
            assert.deepStrictEqual(program.run.error, { name: "ConfigError", message: "The environment variable K8S_LAB_EXPOSURE is loadBalancer, which is not an exposure: use one of nodePort, portForward, hostPort, or unset it." });
        });
    });
});

/** EC2's refusal of spot capacity, as the engine reports it for a worker instance. */
const refusal = (worker: string, code = "InsufficientInstanceCapacity") => ({
    resource: `aws:ec2/instance:Instance::${worker}`,
    error: `creating EC2 Instance: operation error EC2: RunInstances, https response error StatusCode: 500, RequestID: 1, api error ${code}: We currently do not have sufficient t3.medium capacity in the Availability Zone you requested (ap-northeast-2a).`,
});

/**
 * A fake lab whose workers' capacity is picked as the program does (`labCapacity`), its state
 * the outputs of its last successful up (saved all or none). `refused` says what a spot up fails
 * with; `onDemandFails` makes the on-demand up fail too.
 */
function fakeSpotLab(configured: WorkerCapacity, refused: { resource: string; error: string }[], onDemandFails = false) {
    const calls: string[] = [];
    let state: Record<string, unknown> | undefined;
    const stack: LabStack = {
        exposure: async () => ({ configured: "nodePort", current: "nodePort" }),
        capacity: async () => ({ configured, current: labCapacity(configured, state ?? {}, undefined, en) }),
        up: async (_options, exposure, override) => {
            const capacity = labCapacity(configured, state ?? {}, override, en);
            calls.push(override === undefined ? `up ${capacity}` : `up ${capacity} (${capacityOverrideVariable}=${override})`);
            if (capacity === "spot" && refused.length > 0) throw new UpFailed(refused);
            if (capacity === "onDemand" && onDemandFails) throw new UpFailed([{ resource: "aws:ec2/instance:Instance::worker-0", error: "api error VcpuLimitExceeded: You have requested more vCPU capacity than your current vCPU limit" }]);
            state = { workerCapacity: capacity, configuredWorkerCapacity: configured, exposure: exposure ?? "nodePort", configuredExposure: "nodePort" };
        },
        endpoints: async (): Promise<Endpoints> => ({ targets: labTargets("http://lab/productpage", "http://lab"), grafanaPassword: "pw" }),
    };
    return { stack, calls, state: () => state, destroy: () => void (state = undefined) };
}

describe("up with spot workers", () => {
    const options: UpOptions = { policyPacks: ["/repo/policy"], output: () => undefined };
    const serves = async (): Promise<Verification> => ({ ok: true, attempts: 1, results: [] });
    const capacitySummary = (report: UpReport) => ({ ok: report.ok, workerCapacity: report.workerCapacity, steps: report.steps.map((s) => s.capacity ?? "-") });

    it("applies again with on-demand workers when EC2 refuses spot capacity, says so, and the lab keeps them until destroyed", async () => {
        const lab = fakeSpotLab("spot", [refusal("worker-0"), refusal("worker-1", "MaxSpotInstanceCountExceeded")]);
        const lines: string[] = [];
        const report = await upWithFallback(lab.stack, options, serves, (line) => void lines.push(line), en);
        assert.deepStrictEqual(capacitySummary(report), { ok: true, workerCapacity: { configured: "spot", left: "onDemand" }, steps: ["-", "onDemand"] });
        assert.deepStrictEqual(lab.calls, ["up spot", `up onDemand (${capacityOverrideVariable}=onDemand)`]);
        assert.deepStrictEqual(lines.filter((l) => !l.startsWith("pulumi up failed")), [
            "Applying the stack with exposure nodePort.",
            "EC2 refused spot capacity for the workers; applying again with on-demand workers. The lab keeps them until it is destroyed; a new lab starts from spot.",
            "Applying the stack with exposure nodePort.",
            "Exposure nodePort serves every URL.",
            "The lab keeps onDemand workers until it is destroyed, although spot is configured; a new lab starts from spot.",
        ]);
        // The next up keeps on-demand from the lab's own state, with no override.
        lab.calls.splice(0);
        const next = await upWithFallback(lab.stack, options, serves, () => undefined, en);
        assert.deepStrictEqual([lab.calls, next.workerCapacity], [["up onDemand"], { configured: "spot", left: "onDemand" }]);
        // A destroyed lab starts again from spot (and is refused again here).
        lab.destroy();
        lab.calls.splice(0);
        await upWithFallback(lab.stack, options, serves, () => undefined, en);
        assert.deepStrictEqual(lab.calls, ["up spot", `up onDemand (${capacityOverrideVariable}=onDemand)`]);
    });

    it("says it in Korean too", async () => {
        const lab = fakeSpotLab("spot", [refusal("worker-0")]);
        const lines: string[] = [];
        await upWithFallback(lab.stack, options, serves, (line) => void lines.push(line), translator("ko"));
        assert.ok(lines.includes("EC2가 워커용 스팟 용량을 내주지 않았습니다. 온디맨드 워커로 다시 적용합니다. 이 실습 환경은 삭제될 때까지 온디맨드 워커를 유지하며, 새 실습 환경은 spot 설정으로 시작합니다."), lines.join("\n"));
    });

    it("does not switch when something else failed too, when the refusal is not spot's, or for a lab configured on-demand; and tries on-demand once", async () => {
        for (const [configured, refused, onDemandFails, calls] of [
            ["spot", [refusal("worker-0"), { resource: "command:remote:Command::cluster-init", error: "exit status 1" }], false, ["up spot"]],
            ["spot", [{ resource: "aws:ec2/instance:Instance::worker-0", error: "api error VcpuLimitExceeded: You have requested more vCPU capacity" }], false, ["up spot"]],
            ["spot", [refusal("control-plane-0")], false, ["up spot"]],
            ["spot", [refusal("worker-0")], true, ["up spot", `up onDemand (${capacityOverrideVariable}=onDemand)`]],
        ] as const) {
            const lab = fakeSpotLab(configured, [...refused], onDemandFails);
            const report = await upWithFallback(lab.stack, options, serves, () => undefined, en);
            assert.deepStrictEqual([report.ok, lab.calls], [false, calls], JSON.stringify(refused));
        }
        const onDemand = fakeSpotLab("onDemand", []);
        const report = await upWithFallback(onDemand.stack, options, serves, () => undefined, en);
        assert.deepStrictEqual([report.ok, report.workerCapacity, onDemand.calls], [true, { configured: "onDemand", left: "onDemand" }, ["up onDemand"]]);
    });

    it("knows spot's refusals by their codes on worker instances only", () => {
        assert.deepStrictEqual(
            [
                [refusal("worker-0")],
                [refusal("worker-3", "SpotMaxPriceTooLow"), refusal("worker-1", "InsufficientCapacity")],
                [{ resource: "aws:ec2/instance:Instance::worker-0", error: "waiting for EC2 Instance create: unexpected state 'terminated', wanted target 'running'. last error: Server.SpotInstanceTermination: Spot instance termination" }],
                [],
                [refusal("control-plane-0")],
                [refusal("worker-0"), { resource: accessCheckResource, error: "exit status 1" }],
                [{ resource: "aws:ec2/instance:Instance::worker-0", error: "api error InvalidParameterValue: bad" }],
            ].map(spotRefused),
            [true, true, true, false, false, false, false],
        );
    });

    it("honours the capacity override only in a run of lab up, and refuses one that is no capacity", () => {
        const warnings: string[] = [];
        assert.deepStrictEqual(
            [capacityOverride({ [capacityOverrideVariable]: "onDemand", [upRunVariable]: "1-2" }, (l) => void warnings.push(l), en), capacityOverride({ [capacityOverrideVariable]: "onDemand" }, (l) => void warnings.push(l), en)],
            ["onDemand", undefined],
        );
        assert.deepStrictEqual(warnings, ["K8S_LAB_WORKER_CAPACITY=onDemand is ignored: only k8s-lab up sets it for one run; unset it (the workers' capacity is the config key k8s-lab:workerCapacity)."]);
        assert.deepStrictEqual(
            [labCapacity("spot", {}, undefined, en), labCapacity("spot", { workerCapacity: "onDemand", configuredWorkerCapacity: "spot" }, undefined, en), labCapacity("onDemand", { workerCapacity: "onDemand", configuredWorkerCapacity: "spot" }, undefined, en), labCapacity("spot", { workerCapacity: "onDemand", configuredWorkerCapacity: "onDemand" }, undefined, en), labCapacity("onDemand", {}, "spot", en)],
            ["spot", "onDemand", "onDemand", "spot", "spot"],
        );
        assert.throws(() => labCapacity("spot", {}, "reserved", en), { name: "ConfigError", message: "The environment variable K8S_LAB_WORKER_CAPACITY is reserved, which is not a worker capacity: use one of spot, onDemand, or unset it." });
    });

    describe("in the program, from its own state", () => {
        const market = (program: Awaited<ReturnType<typeof runProgram>>) =>
            Object.fromEntries(program.ofType(types.instance).map((i) => [i.name, i.inputs.instanceMarketOptions ?? "on-demand"]));
        /** What replaces an instance when the capacity changes (the provider alone would keep a spot market it read). */
        const triggers = (program: Awaited<ReturnType<typeof runProgram>>) =>
            Object.fromEntries(program.ofType(types.instance).map((i) => [i.name, i.options.replacementTrigger ?? "none"]));
        const spot = { marketType: "spot", spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" } };
        const built = async (options: Parameters<typeof runProgram>[0]) => {
            const program = await runProgram(options);
            assert.strictEqual(program.run.error, undefined);
            return { outputs: [program.output("workerCapacity").value, program.output("configuredWorkerCapacity").value], market: market(program), triggers: triggers(program) };
        };

        it("a new lab runs its workers (only) on one-time spot instances, terminated when reclaimed", async () => {
            assert.deepStrictEqual(await built({}), {
                outputs: ["spot", "spot"],
                market: { "network-nat": "on-demand", "control-plane-0": "on-demand", "worker-0": spot, "worker-1": spot },
                triggers: { "network-nat": "none", "control-plane-0": "none", "worker-0": "spot", "worker-1": "spot" },
            });
        });

        it("a lab that fell back keeps on-demand workers; lab up's override switches it; a changed setting takes effect", async () => {
            const onDemand = {
                market: { "network-nat": "on-demand", "control-plane-0": "on-demand", "worker-0": "on-demand", "worker-1": "on-demand" },
                triggers: { "network-nat": "none", "control-plane-0": "none", "worker-0": "onDemand", "worker-1": "onDemand" },
            };
            assert.deepStrictEqual(await built(situations.fellBack), { outputs: ["onDemand", "spot"], ...onDemand });
            assert.deepStrictEqual(await built(situations.overridden), { outputs: ["onDemand", "spot"], ...onDemand });
            assert.deepStrictEqual(await built(situations.changed), { outputs: ["onDemand", "onDemand"], ...onDemand });
        });

        it("ignores an exported override outside a run of lab up, with a warning", async () => {
            const program = await runProgram(situations.exported);
            assert.deepStrictEqual([program.output("workerCapacity").value, program.run.warnings.filter((w) => w.includes("K8S_LAB_WORKER_CAPACITY"))], ["spot", ["K8S_LAB_WORKER_CAPACITY=onDemand is ignored: only k8s-lab up sets it for one run; unset it (the workers' capacity is the config key k8s-lab:workerCapacity)."]]);
        });
    });
});

describe("the failing resources of an up", () => {
    it("keeps the engine's own redacted error line of an error that names no resource, never code: 255", () => {
        const commandError = "code: 255\n stdout: Updating (dev)\n\n stderr: error: getting stack configuration: passphrase must be set\n\n err?: Error: Command failed with exit code 255: pulumi up --yes\n";
        assert.deepStrictEqual(upErrors(new Error(commandError)), [{ resource: "pulumi up", error: "error: getting stack configuration: passphrase must be set" }]);
        assert.deepStrictEqual(upErrors(new Error("code: 255\n stdout: \n stderr: error: could not decrypt: token: s3cr3t-value\n")), [{ resource: "pulumi up", error: "error: could not decrypt: token: [redacted]" }]);
    });
});
