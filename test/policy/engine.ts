/**
 * The policy pack as the Pulumi engine runs it: the pack's own process (its index.ts, from its
 * folder, which serves the analyzer's gRPC interface on 127.0.0.1 and prints the port), and
 * the engine's side of that interface: Configure with the pack's settings, Analyze for each
 * resource and AnalyzeStack for the whole stack. Properties travel as protobuf Structs, with
 * unknown values as the engine's sentinels, so @pulumi/policy's own proxy sees them.
 */
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import * as grpc from "../../policy/node_modules/@grpc/grpc-js";
import { AnalyzerClient } from "../../policy/node_modules/@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "../../policy/node_modules/@pulumi/pulumi/proto/analyzer_pb";
import type { Struct as StructClass } from "../../policy/node_modules/@types/google-protobuf/google/protobuf/struct_pb";
import type { Program } from "../harness";
import { renderedByDefault } from "../harness/charts";
import { root } from "../harness/stackConfig";

// The pack's own protobuf runtime, as the analyzer's messages expect (its typings live apart).
const { Struct } = createRequire(path.join(root, "policy", "package.json"))("google-protobuf/google/protobuf/struct_pb") as { Struct: typeof StructClass };

/** What the engine sends for a value it does not know yet (a preview), by type. */
export const unknown = {
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    bool: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

type Props = Record<string, unknown>;

export interface Resource {
    type: string;
    name: string;
    props: Props;
    provider?: { type: string; name?: string; props: Props };
    /** For a stack: property name to the names of the resources its value comes from. */
    dependsOn?: Record<string, string[]>;
}

export const urnOf = (r: { type: string; name: string }): string => `urn:pulumi:dev::k8s-lab::${r.type}::${r.name}`;

const struct = (props: Props): StructClass => Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Parameters<typeof Struct.fromJavaScript>[0]);

function options(): pb.AnalyzerResourceOptions {
    return new pb.AnalyzerResourceOptions().setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
}

function provider(r: Resource): pb.AnalyzerProviderResource | undefined {
    if (r.provider === undefined) return undefined;
    const name = r.provider.name ?? "default";
    return new pb.AnalyzerProviderResource().setType(r.provider.type).setName(name).setUrn(urnOf({ type: r.provider.type, name })).setProperties(struct(r.provider.props));
}

/** A diagnostic as the tests compare it: `policy: message`, advisories marked and without the engine's wording. */
function describe(d: pb.AnalyzeDiagnostic): string {
    return d.getEnforcementlevel() === pb.EnforcementLevel.ADVISORY && d.getMessage().includes("during preview")
        ? `${d.getPolicyname()}: (advisory) unknown during preview`
        : `${d.getPolicyname()}: ${d.getMessage().replace(`${d.getDescription()}\n`, "")}`;
}

export class PolicyEngine {
    /**
     * Each resource's diagnostics, by the bytes of the settings and of its request: the pack
     * answers the same question the same way, and the whole-program tests ask most of them again
     * (a resource with no unknown id in a preview; the objects every exposure shares).
     */
    private readonly answers = new Map<string, Promise<string[]>>();
    private settings = "";

    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerClient,
    ) {}

    /** Starts the pack from its folder, as `pulumi preview --policy-pack policy` does. */
    static start(env: Record<string, string | undefined> = {}): Promise<PolicyEngine> {
        // The pack as JavaScript, transpiled once by build.ts; its TypeScript through its own ts-node otherwise.
        const build = process.env.HARNESS_BUILD;
        const dir = path.join(build ?? root, "policy");
        const child = spawn(process.execPath, build ? ["index.js"] : ["-r", path.join(dir, "node_modules", "ts-node", "register", "transpile-only"), "index.ts"], {
            cwd: dir,
            // `undefined` unsets a variable.
            env: Object.fromEntries(Object.entries({ ...process.env, TS_NODE_PROJECT: path.join(dir, "tsconfig.json"), ...env }).filter(([, value]) => value !== undefined)),
            stdio: ["ignore", "pipe", "pipe"],
        });
        return new Promise((resolve, reject) => {
            let out = "";
            let err = "";
            child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
            child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}): ${err}`)));
            child.stdout?.on("data", (d: Buffer) => {
                out += d.toString();
                const port = /^(\d+)\s/.exec(out)?.[1];
                if (port) resolve(new PolicyEngine(child, new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure())));
            });
        });
    }

    stop(): void {
        this.client.close();
        this.child.removeAllListeners("exit");
        this.child.kill();
    }

    private call<Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res> {
        return new Promise((resolve, reject) => method.call(this.client, req, (e, r) => (e ? reject(e) : resolve(r))));
    }

    /** The pack's settings, per policy, as `--policy-pack-config` gives them (the engine sends every policy's). */
    async configure(config: Record<string, Props> = {}): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        for (const [policy, props] of Object.entries(config)) {
            req.getPolicyconfigMap().set(policy, new pb.PolicyConfig().setEnforcementlevel(pb.EnforcementLevel.MANDATORY).setProperties(struct(props)));
        }
        await this.call(this.client.configure, req);
        this.settings = Buffer.from(req.serializeBinary()).toString("base64");
    }

    /** Every diagnostic of the per-resource policies on one resource. */
    async analyze(r: Resource): Promise<string[]> {
        const req = new pb.AnalyzeRequest().setType(r.type).setName(r.name).setUrn(urnOf(r)).setProperties(struct(r.props)).setOptions(options());
        const p = provider(r);
        if (p) req.setProvider(p);
        const key = `${this.settings} ${Buffer.from(req.serializeBinary()).toString("base64")}`;
        let answer = this.answers.get(key);
        if (answer === undefined) {
            answer = this.call<pb.AnalyzeRequest, pb.AnalyzeResponse>(this.client.analyze, req).then((res) => res.getDiagnosticsList().map(describe));
            this.answers.set(key, answer);
            answer.catch(() => this.answers.delete(key)); // a failed call is asked again
        }
        return answer;
    }

    /** Every diagnostic of the stack policies on the whole stack. */
    async analyzeStack(resources: Resource[]): Promise<string[]> {
        const list = resources.map((r) => {
            const resource = new pb.AnalyzerResource().setType(r.type).setName(r.name).setUrn(urnOf(r)).setProperties(struct(r.props)).setOptions(options());
            const p = provider(r);
            if (p) resource.setProvider(p);
            for (const [key, names] of Object.entries(r.dependsOn ?? {})) {
                const urns = names.map((name) => resources.find((d) => d.name === name)).map((d) => (d ? urnOf(d) : `missing ${key}`));
                resource.getPropertydependenciesMap().set(key, new pb.AnalyzerPropertyDependencies().setUrnsList(urns));
            }
            return resource;
        });
        const res = await this.call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(this.client.analyzeStack, new pb.AnalyzeStackRequest().setResourcesList(list));
        return res.getDiagnosticsList().map(describe);
    }
}

/**
 * What the engine hands the pack for the program: every resource with its inputs and provider,
 * the chart's rendered children, and the security group each rule's `securityGroupId` comes from.
 * In a preview, every id of a resource still to be created is unknown.
 */
export function asEngineSees(program: Program, preview: boolean): Resource[] {
    const names = new Set(program.resources.map((r) => r.name));
    const isId = (value: unknown): value is string => typeof value === "string" && value.endsWith("-id") && names.has(value.slice(0, -3));
    const unknownIds = (value: unknown): unknown =>
        isId(value) ? unknown.string : Array.isArray(value) ? value.map(unknownIds) : typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownIds(v)])) : value;
    const props = (p: Record<string, unknown>) => (preview ? (unknownIds(p) as Record<string, unknown>) : p);
    const declared = program.resources.filter((r) => r.custom).map((r): Resource => {
        const ref = r.provider?.match(/pulumi:providers:(\w+)::(\S+?)::/);
        const provider = ref ? program.resources.find((p) => p.type === `pulumi:providers:${ref[1]}` && p.name === ref[2]) : undefined;
        const group = r.inputs.securityGroupId;
        return {
            type: r.type,
            name: r.name,
            props: props(r.inputs),
            ...(provider ? { provider: { type: provider.type, name: provider.name, props: props(provider.inputs) } } : {}),
            ...(isId(group) ? { dependsOn: { securityGroupId: [group.slice(0, -3)] } } : {}),
        };
    });
    const rendered = renderedByDefault.flatMap((probe, i) => probe.objects.map((o, j): Resource => ({ type: o.type, name: o.name, props: program.run.probes?.[i]?.[j] ?? o.props })));
    return [...declared, ...rendered];
}
