import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackPolicyPackConfig, writePolicyPackConfig } from "../../cli/policyConfig";
import { parseConfig } from "../../lib/config";
import { policyPackConfig, rawStackConfig } from "../../lib/policyConfig";
import { policies } from "../../policy/policies";
import { projectFile, rawConfig, root } from "../harness/stackConfig";

describe("the policy pack's settings from the stack", () => {
    it("follows the dev stack: its public ports, its instance types, the lab's and the user's tags", () => {
        assert.deepStrictEqual(stackPolicyPackConfig(root, "dev", {}), {
            "no-world-ingress-except-public-ports": { allowedPorts: [30080, 30300] },
            "no-world-ingress-across-rules": { allowedPorts: [30080, 30300] },
            "instance-type-allow-list": { allowedInstanceTypes: ["t3.large", "t3.medium", "t4g.nano"] },
            "required-tags": { requiredTags: ["Project", "Stack", "LabId", "ManagedBy", "Environment"] },
        });
    });

    it("follows other ports and one instance type for both roles, with a NAT gateway (no NAT instance's type)", () => {
        const config = parseConfig(rawConfig("dev", { bookinfoPort: 31443, grafanaPort: 30444, controlPlaneInstanceType: "t3a.large", workerInstanceType: "t3a.large", egress: "natGateway", tags: [] }), "k8s-lab", {});
        assert.deepStrictEqual(policyPackConfig(config), {
            "no-world-ingress-except-public-ports": { allowedPorts: [30444, 31443] },
            "no-world-ingress-across-rules": { allowedPorts: [30444, 31443] },
            "instance-type-allow-list": { allowedInstanceTypes: ["t3a.large"] },
            "required-tags": { requiredTags: ["Project", "Stack", "LabId", "ManagedBy"] },
        });
    });

    it("reads the stack files as the CLI hands config to the program", () => {
        const keys = Object.keys(projectFile().config);
        for (const stack of ["dev", "kind"]) {
            const { project, get } = rawStackConfig(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"), fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"));
            assert.strictEqual(project, "k8s-lab");
            assert.deepStrictEqual(keys.map(get), keys.map(rawConfig(stack)), stack);
        }
        // Each stack file is one the program accepts, on its target: lab up reads it first, for the pack.
        assert.deepStrictEqual(["dev", "kind"].map((stack) => parseConfig(rawConfig(stack), "k8s-lab", {}).target), ["aws", "existingCluster"]);
        assert.deepStrictEqual(stackPolicyPackConfig(root, "kind", {})["no-world-ingress-except-public-ports"], { allowedPorts: [30080, 30300] });
        assert.deepStrictEqual(rawStackConfig("name: k8s-lab\n", undefined).get("region"), undefined);
    });

    it("names only policies of the pack, each with settings its schema declares", () => {
        const config = stackPolicyPackConfig(root, "dev", {});
        const schemas = Object.fromEntries(policies.map((p) => [p.name, Object.keys(p.configSchema?.properties ?? {})]));
        assert.deepStrictEqual(
            Object.entries(config).map(([name, settings]) => [name, Object.keys(settings)]),
            Object.keys(config).map((name) => [name, schemas[name]]),
        );
    });

    it("writes the file a workflow passes, and says in one sentence what is wrong with a bad config", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-policy-config-"));
        try {
            fs.copyFileSync(path.join(root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(path.join(dir, "Pulumi.ci.yaml"), "config:\n  k8s-lab:bookinfoPort: 31080\n");
            const file = writePolicyPackConfig(dir, "ci", path.join(dir, "pack.json"), {});
            assert.deepStrictEqual((JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>)["no-world-ingress-except-public-ports"], { allowedPorts: [30300, 31080] });
            fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  k8s-lab:bookinfoPort: 443\n");
            assert.throws(() => stackPolicyPackConfig(dir, "bad", {}), {
                name: "ConfigError",
                message: 'Config key k8s-lab:bookinfoPort has the value "443", which is not allowed: use a NodePort from 30000 to 32767.',
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
