import * as assert from "assert";
import { errorLine, lineRedactor, redact, serverText } from "../../lib/redact";

const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----";

describe("redaction", () => {
    it("replaces every token and key shape, and leaves the rest of the line alone", () => {
        const text = [
            "kubeadm join 10.0.1.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:8f3c0a1b",
            "[bootstrap-token] Using token: 7f2k9q.x8d0m3n5b7v9c1z2",
            "kubeadm join 10.0.1.5:6443 --token=abcdef.0123456789abcdef --control-plane --certificate-key 5d8e8c2f0b9a",
            `key: ${pem}`,
            "    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=",
            "    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
            "    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl",
            "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig ; Authorization: Basic YWRtaW46aHVudGVyMg==",
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "session ASIAY34FZKBOKMUTVV7A wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "{\"admin-password\":\"Zx81kLm0\",\"admin-user\":\"admin\"}",
            "commit 3f786850e387550fdab836ed7e6dc881de23001b, digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            "grafanaPasswordCommand: pulumi stack output --show-secrets grafanaAdminPassword",
        ].join("\n");
        assert.strictEqual(redact(text), [
            "kubeadm join 10.0.1.5:6443 --token [redacted] --discovery-token-ca-cert-hash sha256:8f3c0a1b",
            "[bootstrap-token] Using token: [redacted]",
            "kubeadm join 10.0.1.5:6443 --token=[redacted] --control-plane --certificate-key [redacted]",
            "key: [redacted PEM block]",
            "    client-key-data: [redacted]",
            "    client-certificate-data: [redacted PEM block]",
            "    token: [redacted]",
            "Authorization: Bearer [redacted] ; Authorization: Basic [redacted]",
            "AWS_ACCESS_KEY_ID=[redacted AWS key id] AWS_SECRET_ACCESS_KEY=[redacted]",
            "session [redacted AWS key id] [redacted AWS secret key]",
            "{\"admin-password\":\"[redacted]\",\"admin-user\":\"admin\"}",
            "commit 3f786850e387550fdab836ed7e6dc881de23001b, digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            "grafanaPasswordCommand: pulumi stack output --show-secrets grafanaAdminPassword",
        ].join("\n"));
    });

    it("replaces the values it is told are secret, also inside JSON, and nothing shorter than 4 characters", () => {
        assert.strictEqual(redact("login admin / Zx81kLm0pQ then \"Zx81kLm0pQ\" ok", ["Zx81kLm0pQ", "ok", ""]), "login admin / [redacted] then \"[redacted]\" ok");
        assert.strictEqual(redact(JSON.stringify({ v: "a\"quoted\"secret" }), ["a\"quoted\"secret"]), "{\"v\":\"[redacted]\"}");
    });

    it("redacts a PEM block that is cut off before its END line", () => {
        assert.strictEqual(redact("before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"), "before\n[redacted PEM block]");
    });

    it("gives one line of an error: the last one, redacted, without colours, at most 300 characters", () => {
        assert.strictEqual(errorLine("\u001b[31merror:\u001b[0m Process exited with status 1\nstdout: [init] Using Kubernetes version\nkubeadm join 10.0.1.5:6443 --token abcdef.0123456789abcdef\n\n"), "kubeadm join 10.0.1.5:6443 --token [redacted]");
        assert.strictEqual(errorLine(`x\n${"a".repeat(400)}`), `${"a".repeat(299)}…`);
        assert.strictEqual(errorLine(""), "");
    });

    it("redacts a stream line by line, however it is cut, dropping a PEM block across lines", () => {
        const lines: string[] = [];
        const stream = lineRedactor((line) => void lines.push(line), () => ["Zx81kLm0pQ"]);
        const text = `Updating (dev)\n  stderr: ${pem}\n  token: abcdef.0123456789abcdef\npassword Zx81kLm0pQ\nResources: 3 changed`;
        for (let i = 0; i < text.length; i += 7) stream.write(text.slice(i, i + 7));
        stream.end();
        assert.deepStrictEqual(lines, ["Updating (dev)", "  stderr: [redacted PEM block]", "  token: [redacted]", "password [redacted]", "Resources: 3 changed"]);
    });

    it("shows a server's text as one line: no escape sequence or control character, redacted, cut at 300 characters", () => {
        const esc = String.fromCharCode(27);
        assert.strictEqual(
            serverText(`${esc}[2J${esc}[1;31merror${esc}[0m:\r\nfake ${esc}]8;;http://x${esc}\\link${esc}]8;;${esc}\\ ok\u0000\u0008\u007f\u0085\u009b2K\tBearer abcdefgh12345678`),
            "error: fake link ok Bearer [redacted]",
        );
        assert.strictEqual(serverText("plain text, kept as it is"), "plain text, kept as it is");
        assert.strictEqual(serverText(`${"x".repeat(299)}\r${"y".repeat(10)}`), `${"x".repeat(299)}…`);
    });
});
