import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { credentialFile, ForwardedEndpoint, renderUnit, roleRules, servicesByNamespace, unitName } from "../../lib/portForward";

const bookinfo: ForwardedEndpoint = { name: "bookinfo", service: { namespace: "bookinfo", name: "productpage", port: 9080, portName: "http" }, publicPort: 30080 };
const grafana: ForwardedEndpoint = { name: "grafana", service: { namespace: "monitoring", name: "kube-prometheus-stack-grafana", port: 80, portName: "http-web" }, publicPort: 30300 };

/** systemd-analyze, if this machine has it (Debian's systemd package). */
const analyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

describe("port-forward service", () => {
    it("renders a unit that forwards the public port on every address as a dynamic user with the ServiceAccount's kubeconfig, sandboxed", () => {
        assert.strictEqual(renderUnit(bookinfo), [
            "[Unit]",
            "Description=k8s-lab: kubectl port-forward svc/productpage on port 30080",
            "After=network-online.target kubelet.service",
            "Wants=network-online.target",
            "",
            "[Service]",
            "DynamicUser=yes",
            "LoadCredential=kubeconfig:/etc/k8s-lab/k8s-lab-port-forward-bookinfo.kubeconfig",
            "Environment=KUBECONFIG=%d/kubeconfig",
            "ExecStart=/usr/bin/kubectl port-forward --cache-dir=/tmp/kubectl-cache --address 0.0.0.0 --namespace bookinfo svc/productpage 30080:9080",
            "Restart=always",
            "RestartSec=3",
            "CapabilityBoundingSet=",
            "AmbientCapabilities=",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "PrivateDevices=yes",
            "PrivateUsers=yes",
            "ProtectKernelTunables=yes",
            "ProtectKernelModules=yes",
            "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes",
            "ProtectClock=yes",
            "ProtectHostname=yes",
            "ProtectProc=invisible",
            "ProcSubset=pid",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
            "RestrictNamespaces=yes",
            "RestrictRealtime=yes",
            "RestrictSUIDSGID=yes",
            "LockPersonality=yes",
            "MemoryDenyWriteExecute=yes",
            "RemoveIPC=yes",
            "SystemCallArchitectures=native",
            "SystemCallFilter=@system-service",
            "SystemCallFilter=~@privileged",
            "SystemCallErrorNumber=EPERM",
            "DevicePolicy=closed",
            "UMask=0077",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ].join("\n"));
        assert.strictEqual(unitName("grafana"), "k8s-lab-port-forward-grafana");
        assert.strictEqual(credentialFile("grafana"), "/etc/k8s-lab/k8s-lab-port-forward-grafana.kubeconfig");
    });

    it("lets the ServiceAccount get only the forwarded Services, find their pods and port-forward to them", () => {
        assert.deepStrictEqual(roleRules(["productpage"]), [
            { apiGroups: [""], resources: ["services"], resourceNames: ["productpage"], verbs: ["get"] },
            { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
            { apiGroups: [""], resources: ["pods/portforward"], verbs: ["get", "create"] },
        ]);
        assert.deepStrictEqual(servicesByNamespace([bookinfo, grafana, { ...bookinfo, name: "details", service: { ...bookinfo.service, name: "details" } }]), [
            { namespace: "bookinfo", services: ["productpage", "details"] },
            { namespace: "monitoring", services: ["kube-prometheus-stack-grafana"] },
        ]);
    });

    it("scores OK or better in systemd-analyze security (overall exposure at most 2.0)", function () {
        if (!analyze && process.env.CI) throw new Error("systemd-analyze is missing: .ci/run installs Debian's systemd package");
        if (!analyze) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-lab-unit-"));
        for (const port of [bookinfo, grafana]) {
            const file = path.join(dir, `${unitName(port.name)}.service`);
            fs.writeFileSync(file, renderUnit(port));
            const result = spawnSync("systemd-analyze", ["security", "--offline=true", "--no-pager", file], { encoding: "utf8" });
            const overall = /Overall exposure level for [\w.-]+: (\d+\.\d+) (\w+)/.exec(result.stdout);
            assert.ok(overall, `${result.stdout}\n${result.stderr}`);
            assert.ok(Number(overall[1]) <= 2.0 && ["OK", "SAFE", "PERFECT"].includes(overall[2]), overall[0]);
        }
        // The unit parses without complaint (kubectl itself need not be installed here).
        const verify = spawnSync("systemd-analyze", ["verify", "--man=no", path.join(dir, `${unitName("bookinfo")}.service`)], { encoding: "utf8" });
        assert.deepStrictEqual(verify.stderr.split("\n").filter((l) => l.includes(unitName("bookinfo")) && !l.includes("is not executable")), []);
    });
});
