import * as assert from "assert";
import { configuredPorts, deploymentId, labEndpoints, publicPorts, serviceId, ServedEndpoint, verifyTarget } from "../../lib/endpoints";

const served = (name: string, check: ServedEndpoint["verify"]["check"], path: string): ServedEndpoint => ({
    title: name.toUpperCase(),
    purpose: `${name} purpose`,
    workload: { namespace: `${name}-ns`, deployment: `${name}-v1`, container: name, containerPort: "http" },
    service: { namespace: `${name}-ns`, name, port: 8080, portName: "http" },
    verify: { check, path },
});

describe("the lab's public endpoints", () => {
    const config = { bookinfoPort: 31080, grafanaPort: 31300 };

    it("are each endpoint's configured port joined with what its component states, in order", () => {
        assert.deepStrictEqual(configuredPorts(config), [{ name: "bookinfo", publicPort: 31080 }, { name: "grafana", publicPort: 31300 }]);
        const endpoints = labEndpoints(config, { bookinfo: served("b", "productPage", "/productpage"), grafana: served("g", "grafana", "") });
        assert.deepStrictEqual(endpoints, [
            { name: "bookinfo", publicPort: 31080, ...served("b", "productPage", "/productpage") },
            { name: "grafana", publicPort: 31300, ...served("g", "grafana", "") },
        ]);
        assert.deepStrictEqual(endpoints.map((e) => [deploymentId(e), serviceId(e)]), [["b-ns/b-v1", "b-ns/b"], ["g-ns/g-v1", "g-ns/g"]]);
        assert.deepStrictEqual(verifyTarget(endpoints[0], "203.0.113.9"), { name: "bookinfo", title: "B", url: "http://203.0.113.9:31080/productpage", check: "productPage", publicPort: 31080 });
        assert.strictEqual(verifyTarget(endpoints[1], "203.0.113.9").url, "http://203.0.113.9:31300");
    });

    it("allow each public port once, in order", () => {
        assert.deepStrictEqual(publicPorts([{ publicPort: 31300 }, { publicPort: 30080 }, { publicPort: 31300 }]), [30080, 31300]);
        assert.deepStrictEqual(publicPorts([]), []);
    });
});
