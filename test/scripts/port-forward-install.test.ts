import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { renderUnit } from "../../lib/portForward";
import { message } from "../../lib/messages";
import { renderScript } from "../../lib/scripts";
import { Sandbox } from "../harness/shell";

const port = { name: "bookinfo", service: { namespace: "bookinfo", name: "productpage", port: 9080, portName: "http" }, publicPort: 30080 };
const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6azhzLWxhYi1wb3J0LWZvcndhcmQ6cG9ydC1mb3J3YXJkIn0.c2ln";
const ca = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

describe("port-forward-install.sh", () => {
    let sandbox: Sandbox;
    let credential: string;
    let systemd: string;
    const script = () => renderScript("port-forward-install.sh", {
        UNIT_NAME: "k8s-lab-port-forward-bookinfo",
        UNIT: renderUnit(port),
        CREDENTIAL_FILE: credential,
        API_SERVER: "https://10.0.1.10:6443",
        TOKEN_NAMESPACE: "k8s-lab-port-forward",
        TOKEN_SECRET: "port-forward-token",
    }, "en");
    const run = () => sandbox.run(script(), { SYSTEMD_DIR: systemd });

    beforeEach(() => {
        sandbox = new Sandbox();
        credential = path.join(sandbox.dir, "etc-k8s-lab", "k8s-lab-port-forward-bookinfo.kubeconfig");
        systemd = path.join(sandbox.dir, "systemd");
        fs.mkdirSync(systemd);
        fs.mkdirSync(path.join(sandbox.kubernetesDir, "pki"), { recursive: true });
        fs.writeFileSync(path.join(sandbox.kubernetesDir, "pki", "ca.crt"), ca);
        sandbox.fake("kubectl", `printf '%s' '${Buffer.from(token).toString("base64")}'`);
        sandbox.fake("systemctl", `[ "$1" = is-active ] && echo active; exit 0`);
    });
    afterEach(() => sandbox.remove());

    it("writes the ServiceAccount's kubeconfig root-only, installs the unit and starts it, printing no secret", () => {
        const result = run();
        assert.strictEqual(result.status, 0, result.stderr);
        assert.deepStrictEqual(YAML.parse(fs.readFileSync(credential, "utf8")), {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "k8s-lab", cluster: { server: "https://10.0.1.10:6443", "certificate-authority-data": Buffer.from(ca).toString("base64") } }],
            users: [{ name: "port-forward", user: { token } }],
            contexts: [{ name: "port-forward", context: { cluster: "k8s-lab", user: "port-forward" } }],
            "current-context": "port-forward",
        });
        assert.strictEqual(fs.statSync(credential).mode & 0o777, 0o600);
        assert.strictEqual(fs.statSync(path.dirname(credential)).mode & 0o777, 0o700);
        assert.deepStrictEqual(fs.readdirSync(path.dirname(credential)), ["k8s-lab-port-forward-bookinfo.kubeconfig"]);
        assert.strictEqual(fs.readFileSync(path.join(systemd, "k8s-lab-port-forward-bookinfo.service"), "utf8"), `${renderUnit(port)}\n`);
        assert.deepStrictEqual(sandbox.calls().filter((c) => !c.startsWith("sleep")), [
            `kubectl --kubeconfig ${sandbox.kubernetesDir}/admin.conf --namespace k8s-lab-port-forward get secret port-forward-token -o jsonpath={.data.token}`,
            "systemctl daemon-reload",
            "systemctl enable k8s-lab-port-forward-bookinfo.service",
            "systemctl restart k8s-lab-port-forward-bookinfo.service",
            "systemctl is-active k8s-lab-port-forward-bookinfo.service",
        ]);
        // Its output is kept in Pulumi's state; no command line carried the token.
        assert.deepStrictEqual([result.stdout, result.stderr], ["active\n", ""]);
        assert.ok(!sandbox.calls().join("\n").includes(token.slice(0, 20)));
    });

    it("waits for the token controller, and fails with the message when the token never comes", () => {
        const counter = path.join(sandbox.dir, "tries");
        sandbox.fake("kubectl", `n=$(( $(cat "${counter}" 2>/dev/null || echo 0) + 1 )); echo "$n" > "${counter}"; [ "$n" -ge 3 ] && printf '%s' '${Buffer.from(token).toString("base64")}'; exit 0`);
        assert.strictEqual(run().status, 0);
        assert.strictEqual(sandbox.calls().filter((c) => c.startsWith("kubectl")).length, 3);

        sandbox.fake("kubectl", "exit 1");
        fs.rmSync(credential);
        const result = run();
        assert.strictEqual(result.status, 1);
        assert.strictEqual(result.stderr, `k8s-lab: ${message("en", "access.portForwardNoToken", { name: "port-forward-token", namespace: "k8s-lab-port-forward" })}\n`);
        assert.strictEqual(sandbox.calls().filter((c) => c.startsWith("kubectl")).length, 3 + 30);
        assert.ok(!fs.existsSync(credential));
        assert.strictEqual(sandbox.calls().filter((c) => c.startsWith("systemctl restart")).length, 1, "only the first run started the service");
    });
});
