import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `magpie bench` as a user runs it: against a real `magpie serve`, and with bad input.
@Suite struct BenchCommandTests {
    @Test func benchesAServedModelWithKeyAndTextsAndPrintsAJSONReport() async throws {
        let workspace = try Workspace()
        let database = workspace.path("magpie.sqlite")
        let key = try await ServeProcessTests.createKey(in: database, quota: "none", rate: 100_000, burst: 100_000)
        let server = try ServeProcessTests.Server(models: ModelFixture.directory, database: database)
        defer { server.process.terminate() }
        let texts = try workspace.write("texts.txt", "I love you all\nyou are \"trash\"\n\nhave a lovely day\n")
        let result = try await MagpieProcess.run([
            "bench", "http://127.0.0.1:\(server.port)/v1/infer/hate-speech", "--header", "x-api-key: \(key)", "--texts",
            texts, "--requests", "120", "--concurrency", "3", "--json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any], "\(result.standardOutput)"
        )
        #expect(report["requests"] as? Int == 120)
        #expect(report["status_counts"] as? [String: Int] == ["200": 120])
        #expect(report["format_version"] as? Int == 1)
        let latency = try #require(report["latency_ms"] as? [String: Double])
        #expect(Set(latency.keys) == ["min", "p50", "p90", "p99", "p99_9", "max", "mean"])
        #expect(latency["min"]! > 0 && latency["min"]! <= latency["p50"]! && latency["p50"]! <= latency["max"]!)

        let unkeyed = try await MagpieProcess.run([
            "bench", "http://127.0.0.1:\(server.port)/v1/infer/hate-speech", "--body", #"{"text": "hi"}"#, "--requests", "10",
        ])
        #expect(unkeyed.status == 0)
        #expect(unkeyed.standardOutput.contains("status     403: 10"), "\(unkeyed.standardOutput)")

        // Ctrl-C: the run stops and the report covers what ran until then.
        let process = try ChildProcess(
            executable: MagpieProcess.executable.path,
            arguments: ["bench", "http://127.0.0.1:\(server.port)/health", "--method", "GET", "--duration", "60s", "--json"],
            output: .pipe, errors: .null)
        // Interrupted once the run is under way: the server has answered some of its requests.
        let metrics = URL(string: "http://127.0.0.1:\(server.port)/metrics")!
        #expect(
            await eventually {
                let page = (try? await URLSession.shared.data(from: metrics)).map { String(decoding: $0.0, as: UTF8.self) }
                return page?.contains(#"magpie_requests_total{route="health",status="200"}"#) == true
            })
        process.send(SIGINT)
        let output = process.output!
        let printed = await offThePool { output.readDataToEndOfFile() }
        #expect(await process.exit() == .exited(0))
        let partial = try #require(try JSONSerialization.jsonObject(with: printed) as? [String: Any])
        #expect((partial["requests"] as? Int ?? 0) > 0)
        // Well before the 60 s asked for, however late a busy test machine delivered the signal.
        #expect((partial["seconds"] as? Double ?? 60) < 45)
        #expect((partial["status_counts"] as? [String: Int])?.keys.sorted() == ["200"])
    }

    @Test func coldStartsAfterIdleUnloadsAreMeasuredBesideTheWarmRun() async throws {
        let workspace = try Workspace()
        let database = workspace.path("magpie.sqlite")
        let key = try await ServeProcessTests.createKey(in: database, quota: "none", rate: 100_000, burst: 100_000)
        let server = try ServeProcessTests.Server(arguments: [
            "--models", ModelFixture.directory, "--database", database, "--port", "0", "--idle-timeout", "1",
        ])
        defer { server.process.terminate() }
        let html = workspace.path("report.html")
        let result = try await MagpieProcess.run([
            "bench", "http://127.0.0.1:\(server.port)/v1/infer/hate-speech", "--header", "x-api-key: \(key)", "--body",
            #"{"text": "I love you all"}"#, "--cold-start", "2", "--idle", "2.5s", "--requests", "50", "--json", "--html", html,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any], "\(result.standardOutput)"
        )
        let cold = try #require(report["cold_start"] as? [String: Any])
        #expect(cold["trigger"] as? String == "idle")
        let samples = try #require(cold["samples"] as? [[String: Any]])
        #expect(samples.count == 2)
        for sample in samples {
            #expect(sample["cold_start"] as? Bool == true, "\(sample)")
            let load = try #require(sample["server_load_ms"] as? Double)
            let first = try #require(sample["first_request_ms"] as? Double)
            #expect(load > 0 && first > load, "\(sample)")
        }
        #expect(report["requests"] as? Int == 50)
        #expect((cold["server_load_ms"] as? [String: Double])?["median"] != nil)
        #expect(result.standardError.contains("cold start 2:"))
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("First requests after an idle wait"))
    }

    @Test(arguments: [
        (["https://127.0.0.1:1/x"], "cannot connect to https://127.0.0.1:1/x"),
        (["http://127.0.0.1:1/x", "--header", "x-api-key"], "--header 'x-api-key': it has no ':'"),
        (["http://127.0.0.1:1/x", "--texts", "/nonexistent/texts.txt"], "/nonexistent/texts.txt cannot be read"),
        (["http://127.0.0.1:1/x", "--duration", "soon"], "--duration 'soon' is not a duration"),
        (["http://127.0.0.1:1/x", "--duration", "1s", "--requests", "5"], "not both"),
        (["http://127.0.0.1:1/x", "--requests", "1"], "cannot connect to http://127.0.0.1:1/x"),
        (["http://127.0.0.1:1/x", "--cold-start", "2"], "--cold-start needs either --restart-command or --idle"),
        (["http://127.0.0.1:1/x", "--method", "GE T"], "--method 'GE T' is not an HTTP method"),
    ])
    func badInputIsAClearError(_ arguments: [String], _ message: String) async throws {
        let result = try await MagpieProcess.run(["bench"] + arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func aTemplateWithoutTheTextIsRefused() async throws {
        let workspace = try Workspace()
        let texts = try workspace.write("texts.txt", "one\ntwo\n")
        let result = try await MagpieProcess.run([
            "bench", "http://127.0.0.1:1/x", "--texts", texts, "--template", #"{"text": 1}"#,
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("it has no $TEXT"), "\(result.standardError)")
    }
}
