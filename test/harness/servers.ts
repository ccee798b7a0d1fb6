/**
 * Real HTTP servers on 127.0.0.1 for the tests of what the lab asks over HTTP; each test file
 * closes its servers with `closeAll` after each test.
 */
import * as http from "http";
import { AddressInfo } from "net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: http.Server[] = [];

/** Starts a server; returns its base URL (http://127.0.0.1:port). */
export async function serve(handler: Handler): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL nothing listens on: a server bound, its port noted, then closed. */
export async function closedPort(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    return url;
}

export async function closeAll(): Promise<void> {
    for (const server of servers.splice(0)) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
    }
}

/** A Grafana that answers its login page and its Prometheus datasource's health as told. */
export function fakeGrafana(options: { password: string; health: { status: string; message: string } }): Handler {
    return (req, res) => {
        const authorized = req.headers.authorization === `Basic ${Buffer.from(`admin:${options.password}`).toString("base64")}`;
        if (req.url === "/login") return void res.end("<!DOCTYPE html><html><head><title>Grafana</title></head><body>login</body></html>");
        if (!authorized) return void res.writeHead(401).end('{"message":"Unauthorized"}');
        if (req.url === "/api/datasources") return void res.end(JSON.stringify([{ uid: "prometheus", name: "Prometheus", type: "prometheus" }]));
        if (req.url === "/api/datasources/uid/prometheus/health") return void res.writeHead(options.health.status === "OK" ? 200 : 400).end(JSON.stringify(options.health));
        res.writeHead(404).end();
    };
}
