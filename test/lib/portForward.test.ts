import * as assert from "assert";
import { renderUnit, unitName } from "../../lib/portForward";

/** A systemd unit as sections of key=value lines. */
function sections(unit: string): Record<string, Record<string, string>> {
    const result: Record<string, Record<string, string>> = {};
    let current = "";
    for (const line of unit.split("\n").filter((l) => l.trim() !== "")) {
        const header = /^\[(\w+)\]$/.exec(line);
        if (header) result[(current = header[1])] = {};
        else {
            const [key, ...value] = line.split("=");
            result[current][key] = value.join("=");
        }
    }
    return result;
}

describe("port-forward service", () => {
    const unit = sections(renderUnit({ name: "bookinfo", namespace: "bookinfo", service: "productpage", servicePort: 9080, publicPort: 30080 }));

    it("forwards the public port on every address of the node to the Service", () => {
        assert.strictEqual(unit.Service.ExecStart, "/usr/bin/kubectl port-forward --address 0.0.0.0 --namespace bookinfo svc/productpage 30080:9080");
        assert.strictEqual(unit.Service.Environment, "KUBECONFIG=/etc/kubernetes/admin.conf");
    });

    it("restarts when it fails and starts at boot, after the kubelet", () => {
        assert.strictEqual(unit.Service.Restart, "always");
        assert.strictEqual(unit.Install.WantedBy, "multi-user.target");
        assert.match(unit.Unit.After, /kubelet\.service/);
        assert.strictEqual(unitName("grafana"), "k8s-lab-port-forward-grafana");
    });
});
