import Foundation
import MagpieTestSupport
import Testing

/// `magpie serve --tls-cert --tls-key` against certificates made for the test with openssl,
/// checked with curl and with Python's ssl.
@Suite(.serialized) struct TLSTests {
    /// A self-signed P-256 certificate for 127.0.0.1 named `name`; returns its PEM files.
    static func certificate(_ name: String, in workspace: Workspace) throws -> (certificate: String, key: String) {
        let (certificate, key) = (workspace.path("\(name).pem"), workspace.path("\(name)-key.pem"))
        let status = try run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
                certificate, "-days", "2", "-subj", "/CN=\(name)", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ]
        ).status
        try #require(status == 0, "openssl could not make a certificate")
        return (certificate, key)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let (termination, text) = try ChildProcess.run("/usr/bin/env", [tool] + arguments)
        guard case .exited(let status) = termination else { return (-1, text) }
        return (status, text)
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    static func server(
        _ files: (certificate: String, key: String), in workspace: Workspace, arguments: [String] = []
    ) async throws -> (ServeProcessTests.Server, key: String) {
        try FileManager.default.createDirectory(
            at: workspace.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: workspace.path("models/hate-speech"))
        let database = workspace.path("magpie.sqlite")
        let key = try await ServeProcessTests.createKey(in: database, quota: "1000/day", rate: 100, burst: 100)
        let server = try ServeProcessTests.Server(
            arguments: [
                "--models", workspace.path("models"), "--database", database, "--port", "0", "--tls-cert", files.certificate,
                "--tls-key", files.key,
            ] + arguments)
        return (server, key)
    }

    /// Under TLS the console's cookie is `Secure` with the `__Host-` prefix, and the origin
    /// check reads HTTP/2's `:authority`.
    @Test func theConsolesCookieIsSecureUnderTLS() async throws {
        let workspace = try Workspace()
        let files = try Self.certificate("magpie-console", in: workspace)
        let (server, _) = try await Self.server(files, in: workspace)
        defer { server.process.terminate() }
        let admin = try await MagpieProcess.run([
            "keys", "create", "--admin", "--name", "ops", "--database", workspace.path("magpie.sqlite"),
        ])
        let adminKey = try #require(admin.standardOutput.split(separator: "\n").last.map(String.init))
        let url = "https://127.0.0.1:\(server.port)"
        let (status, output) = try Self.run(
            "curl",
            [
                "-s", "-D", "-", "--http2", "--cacert", files.certificate, "-H", "content-type: application/json",
                "-H", "origin: \(url)", "--data", #"{"key": "\#(adminKey)"}"#, url + "/console/api/login",
            ])
        #expect(status == 0 && output.hasPrefix("HTTP/2 200"), "\(output)")
        let cookie = try #require(output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
        #expect(cookie.contains("__Host-magpie_console=") && cookie.hasSuffix("; Path=/; HttpOnly; SameSite=Strict; Secure"))
        let pair = String(cookie.dropFirst("set-cookie: ".count).split(separator: ";")[0])
        let session = try Self.run(
            "curl", ["-s", "--http2", "--cacert", files.certificate, "-H", "cookie: \(pair)", url + "/console/api/session"])
        #expect(session.output.contains(#""admin_key_name":"ops""#), "\(session.output)")
    }

    /// HTTP/2 and HTTP/1.1 over TLS with HSTS; TLS 1.0 and 1.1 refused; AEAD ciphers only; a
    /// keyed classification answered over HTTPS.
    @Test func servesHTTP2AndHTTP11WithModernTLSAndHSTS() async throws {
        let workspace = try Workspace()
        let files = try Self.certificate("magpie-one", in: workspace)
        let (server, key) = try await Self.server(files, in: workspace)
        defer { server.process.terminate() }
        let url = "https://127.0.0.1:\(server.port)"
        for (flag, version) in [("--http2", "2"), ("--http1.1", "1.1")] {
            let (status, output) = try Self.run(
                "curl",
                [
                    "-s", "-D", "-", "-o", "/dev/null", "-w", "version=%{http_version}", flag, "--cacert", files.certificate,
                    "-H", "x-api-key: \(key)", "-H", "content-type: application/json", "--data", #"{"text": "lovely"}"#,
                    url + "/v1/infer/hate-speech",
                ])
            #expect(status == 0)
            #expect(output.contains("version=\(version)"), "\(output)")
            #expect(output.lowercased().contains("strict-transport-security: max-age=31536000"), "\(output)")
            #expect(output.hasPrefix("HTTP/\(version) 200"), "\(output)")
        }
        let probe = Self.json(
            try Self.run("python3", ["scripts/tls_client.py", "handshakes", "\(server.port)", files.certificate]).output)
        #expect(probe["accepted"] as? [String: Bool] == ["TLSv1": false, "TLSv1.1": false, "TLSv1.2": true, "TLSv1.3": true])
        let cipher = probe["cipher_tls12"] as? String ?? ""
        #expect(cipher.hasPrefix("ECDHE-") && (cipher.contains("GCM") || cipher.contains("CHACHA20")), "\(probe)")
        #expect(probe["alpn"] as? String == "h2")
        // magpie bench speaks https too, trusting the test's certificate.
        let bench = try await MagpieProcess.run([
            "bench", url + "/health", "--method", "GET", "--cacert", files.certificate, "--requests", "50", "--concurrency", "2",
        ])
        #expect(bench.status == 0 && bench.standardOutput.contains("200: 50"), "\(bench.standardOutput)\(bench.standardError)")
        // Plain HTTP on the TLS port gets no answer it could mistake for service.
        #expect(
            try Self.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/health"]).output
                != "200")
    }

    /// HTTPS connections count against `max_connections` from their opening: with the limit
    /// held by HTTP/2 connections a new one is closed before its handshake; with it held by
    /// connections still before their handshake, the longest-waiting one makes room.
    @Test func httpsConnectionsCountAgainstTheConnectionLimit() async throws {
        let workspace = try Workspace()
        let files = try Self.certificate("magpie-limit", in: workspace)
        let config = try workspace.write("config.yaml", "server:\n  max_connections: 3\n")
        let (server, _) = try await Self.server(files, in: workspace, arguments: ["--config", config])
        defer { server.process.terminate() }
        let result = Self.json(
            try Self.run("python3", ["scripts/tls_client.py", "limit", "\(server.port)", files.certificate, "3"]).output)
        #expect(result["held"] as? [String] == ["h2", "h2", "h2"], "\(result)")
        #expect(result["beyond_http2"] as? Int != 200, "\(result)")
        #expect(result["beyond_handshaking"] as? Int == 200, "\(result)")
        #expect(result["evicted"] as? Int == 1, "\(result)")
    }

    /// SIGHUP with new files: new connections get the new certificate, a connection opened
    /// before keeps working; a key that does not match is refused and the certificate in use kept.
    @Test func sighupReloadsTheCertificateWithoutDroppingConnections() async throws {
        let workspace = try Workspace()
        let first = try Self.certificate("magpie-one", in: workspace)
        let second = try Self.certificate("magpie-two", in: workspace)
        let served = (certificate: workspace.path("served.pem"), key: workspace.path("served-key.pem"))
        try FileManager.default.copyItem(atPath: first.certificate, toPath: served.certificate)
        try FileManager.default.copyItem(atPath: first.key, toPath: served.key)
        let (server, _) = try await Self.server(served, in: workspace)
        defer { server.process.terminate() }
        let open = try await HelperProcess.start(
            script: "scripts/tls_client.py", arguments: ["keep-alive", "\(server.port)", first.certificate])
        #expect(open.announcement["first"] as? Int == 200)

        for (source, target) in [(second.certificate, served.certificate), (second.key, served.key)] {
            try FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: source, toPath: target)
        }
        server.process.send(SIGHUP)
        #expect(await eventually { server.loggedText.contains("reloaded the TLS certificate") })
        let after = Self.json(
            try Self.run("python3", ["scripts/tls_client.py", "handshakes", "\(server.port)", second.certificate]).output)
        #expect(after["subject"] as? String == "magpie-two")
        #expect(
            Self.json(await open.command("again"))["second"] as? Int == 200, "the connection from before the reload was dropped")

        try FileManager.default.removeItem(atPath: served.key)
        try FileManager.default.copyItem(atPath: first.key, toPath: served.key)
        server.process.send(SIGHUP)
        #expect(await eventually { server.loggedText.contains("kept the TLS certificate in use") })
        let kept = Self.json(
            try Self.run("python3", ["scripts/tls_client.py", "handshakes", "\(server.port)", second.certificate]).output)
        #expect(kept["subject"] as? String == "magpie-two")
    }

    @Test func badFilesAreRefusedAtStartNamingTheFile() async throws {
        let workspace = try Workspace()
        let files = try Self.certificate("magpie-one", in: workspace)
        let missing = try await MagpieProcess.run(["serve", "--port", "0", "--tls-cert", files.certificate])
        #expect(missing.status != 0 && missing.standardError.contains("--tls-cert and --tls-key go together"))
        let notPEM = try workspace.write("not.pem", "hello")
        let refused = try await MagpieProcess.run([
            "serve", "--models", workspace.path("none"), "--database", "memory://", "--port", "0", "--tls-cert", notPEM,
            "--tls-key", files.key,
        ])
        #expect(refused.status != 0)
        #expect((refused.standardError + refused.standardOutput).contains("\(notPEM): "), "\(refused.standardError)")
    }
}
