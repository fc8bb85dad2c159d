import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `magpie serve` as a process: it finds artifacts, counts quota in its SQLite file across
/// restarts, and exits cleanly on SIGTERM.
@Suite(.serialized) struct ServeProcessTests {
    /// Trains a small three-class model on real tweets at `path` inside `workspace`.
    static func trainModel(named name: String, in workspace: Workspace, at path: String) async throws {
        let data = try workspace.hateSpeechSlice(perClass: 40)
        let trained = try await MagpieProcess.run([
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--name", name,
            "--label-names", "0=Hate Speech,1=Offensive Language,2=Neither", "--output", workspace.path(path),
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
    }

    /// Serves the models folder of `workspace`, classifies `text` with `model` once, stops the
    /// server (expecting exit 0), and returns the answer's JSON body.
    static func classifyOnce(_ text: String, with model: String, in workspace: Workspace) async throws -> [String: Any] {
        let database = workspace.path("magpie.sqlite")
        let key = try await createKey(in: database, quota: "1000/day", rate: 100, burst: 100)
        let server = try Server(models: workspace.path("models"), database: database)
        defer { server.process.terminate() }
        let answer = try await server.post("/v1/models/\(model)/classify", ["text": text], key: key)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(await server.terminate() == .exited(0))
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
    }

    /// A key on a new plan with `quota`, `rate` and `burst`, made with the CLI as a user would.
    static func createKey(
        in database: String, quota: String, rate: Int, burst: Int, environment: [String: String] = [:]
    ) async throws -> String {
        let plan = try await MagpieProcess.run(
            [
                "plans", "create", "--database", database, "--name", "plan", "--quota", quota, "--rate", "\(rate)", "--burst",
                "\(burst)",
            ], environment: environment)
        #expect(plan.status == 0, "\(plan.standardError)")
        let created = try await MagpieProcess.run(
            ["keys", "create", "--database", database, "--name", "k", "--plan", "plan"], environment: environment)
        return try #require(created.standardOutput.split(separator: "\n").last.map(String.init))
    }

    /// A trained model in a new workspace, a database with one key on a plan of `quota`,
    /// `rate` and `burst`, and a server on both.
    static func keyedServer(quota: String, rate: Int, burst: Int) async throws -> (
        workspace: Workspace, database: String, key: String, server: Server
    ) {
        let workspace = try Workspace()
        try await trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech")
        let database = workspace.path("magpie.sqlite")
        let key = try await createKey(in: database, quota: quota, rate: rate, burst: burst)
        return (workspace, database, key, try Server(models: workspace.path("models"), database: database))
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        var output: String
        var description: String { "magpie serve did not print its port:\n\(output)" }
    }

    @Test func quotaSurvivesRestartAndSIGTERMExitsCleanly() async throws {
        let workspace = try Workspace()
        try await Self.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech")
        let database = workspace.path("magpie.sqlite")
        let key = try await Self.createKey(in: database, quota: "3/day", rate: 100, burst: 10)

        let first = try Server(models: workspace.path("models"), database: database)
        for _ in 0..<2 {
            let response = try await first.classify("you are a bitch", key: key)
            #expect(response.status == 200 && response.body.hasPrefix(#"{"category":""#))
        }
        #expect(await first.terminate() == .exited(0))

        let second = try Server(models: workspace.path("models"), database: database)
        #expect(try await second.classify("hello", key: key).status == 200)
        let refused = try await second.classify("hello", key: key)
        #expect(refused.status == 429 && refused.body == #"{"error_type":"quota_exceeded","message":"Limit Exceeded"}"#)
        #expect(await second.terminate() == .exited(0))
    }

    /// A counted request is in the database when its answer is sent: a server killed with
    /// SIGKILL, with no chance to close SQLite or checkpoint its WAL, has lost none of the
    /// requests it answered, and the next server reads the same count.
    @Test func countedRequestsSurviveSIGKILL() async throws {
        let (workspace, database, key, first) = try await Self.keyedServer(quota: "50/day", rate: 1000, burst: 1000)
        let port = first.port
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await Server.post(port: port, "/v1/infer/hate-speech", ["text": "text \(index)"], key: key).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(answered == Array(repeating: 200, count: 40))
        first.process.send(SIGKILL)
        #expect(await first.process.exit() == .killed(signal: SIGKILL))

        let listed = try await MagpieProcess.run(["keys", "list", "--database", database])
        #expect(listed.standardOutput.contains(" 40/50/day "), "\(listed.standardOutput)")
        let second = try Server(models: workspace.path("models"), database: database)
        for _ in 0..<10 { #expect(try await second.classify("more", key: key).status == 200) }
        #expect(try await second.classify("one too many", key: key).status == 429)
        #expect(await second.terminate() == .exited(0))
    }

    /// At `notice` the server still says where it listens but writes no line per request; an
    /// unknown level is refused at start.
    @Test func logLevelNoticeDropsPerRequestLines() async throws {
        let workspace = try Workspace()
        try await Self.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech")
        let database = workspace.path("magpie.sqlite")
        let server = try Server(arguments: [
            "--models", workspace.path("models"), "--database", database, "--port", "0", "--log-level", "notice",
        ])
        for _ in 0..<3 { _ = try await server.classify("hello", key: "mgp_unknown") }
        #expect(await server.terminate() == .exited(0))
        let output = server.loggedText
        #expect(!output.contains(#""message":"request""#), "\(output)")

        let bad = try await MagpieProcess.run(
            ["serve", "--models", workspace.path("models"), "--database", database], environment: ["MAGPIE_LOG_LEVEL": "loud"])
        #expect(bad.status != 0 && bad.standardError.contains("MAGPIE_LOG_LEVEL: expected one of: trace, debug, info"))
    }

    @Test func refusesToStartWithoutModels() async throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(atPath: workspace.path("empty"), withIntermediateDirectories: true)
        let result = try await MagpieProcess.run([
            "serve", "--models", workspace.path("empty"), "--database", workspace.path("db"),
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("no model artifacts under"))
    }

    @Test func aConfigurationFileDeclaresModelsRoutesAndPlans() async throws {
        let workspace = try Workspace()
        try await Self.trainModel(named: "tweets", in: workspace, at: "artifacts/tweets")
        let database = workspace.path("state/magpie.sqlite")
        let config = try workspace.write(
            "magpie.yaml",
            """
            server:
              port: 8080
              database: \(database)
            models:
              hate-speech:
                path: \(workspace.path("artifacts/tweets"))
                provisioned: true
            routes:
              assistant:
                json_field: task
                choices: {toxicity: hate-speech}
            plans:
              configured: {quota: 2/day, rate: 100, burst: 100}
            """)
        // The flag overrides the file's port, and the file's database holds the plan.
        let server = try Server(arguments: ["--config", config, "--port", "0"])
        let created = try await MagpieProcess.run([
            "keys", "create", "--database", database, "--name", "c", "--plan", "configured",
        ])
        #expect(created.status == 0, "\(created.standardError)")
        let key = try #require(created.standardOutput.split(separator: "\n").last.map(String.init))
        let routed = try await server.post("/v1/routes/assistant", ["task": "toxicity", "text": "you are a bitch"], key: key)
        #expect(routed.status == 200 && routed.body.contains(#""model":"hate-speech""#))
        #expect(try await server.classify("hello", key: key).status == 200)
        #expect(try await server.classify("hello", key: key).status == 429)
        #expect(await server.terminate() == .exited(0))
    }

    /// A configured remote model: one `magpie serve` in front of another (format `magpie`, the
    /// upstream's key from the environment), and its local fallback once the upstream is gone.
    @Test func aRemoteModelIsServedAndFallsBack() async throws {
        let workspace = try Workspace()
        try await Self.trainModel(named: "tweets", in: workspace, at: "artifacts/tweets")
        let upstreamDatabase = workspace.path("upstream.sqlite")
        let upstreamKey = try await Self.createKey(in: upstreamDatabase, quota: "none", rate: 1000, burst: 1000)
        let upstream = try Server(models: workspace.path("artifacts"), database: upstreamDatabase)
        let database = workspace.path("gateway.sqlite")
        let config = try workspace.write(
            "gateway.yaml",
            """
            models:
              local:
                path: \(workspace.path("artifacts/tweets"))
              remote:
                http: {url: "http://127.0.0.1:\(upstream.port)/v1/models/tweets/classify", format: magpie}
                headers_from_env: {x-api-key: UPSTREAM_KEY}
                timeout: 5
                max_attempts: 1
                fallback: local
            """)
        let gateway = try Server(
            arguments: ["--config", config, "--database", database, "--port", "0"], environment: ["UPSTREAM_KEY": upstreamKey])
        let key = try await Self.createKey(in: database, quota: "none", rate: 1000, burst: 1000)
        let remote = try await gateway.post("/v1/models/remote/classify", ["text": "you are a bitch"], key: key)
        let direct = try await upstream.post("/v1/models/tweets/classify", ["text": "you are a bitch"], key: upstreamKey)
        #expect(remote.status == 200 && remote.body.contains(#""model":"remote""#), "\(remote.body)")
        let label = { (body: String) in body.components(separatedBy: #""label":""#).dropFirst().first?.prefix { $0 != "\"" } }
        #expect(label(remote.body) == label(direct.body))
        #expect(await upstream.terminate() == .exited(0))
        let fallback = try await gateway.post("/v1/models/remote/classify", ["text": "you are a bitch"], key: key)
        #expect(fallback.status == 200 && fallback.body.contains(#""model":"local""#), "\(fallback.body)")
        #expect(await gateway.terminate() == .exited(0))
    }
}
