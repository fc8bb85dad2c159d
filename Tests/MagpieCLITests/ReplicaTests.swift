import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Several `magpie serve` replicas sharing one real PostgreSQL, or one DynamoDB table in moto's
/// server: a quota stays exact however the requests are spread, a replica killed under load
/// loses and doubles nothing, a database restart gives 503s and then service again, and a key
/// revoked through one is refused by all.
@Suite(.serialized) struct ReplicaTests {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 128
        // Far: with 96 clients on moto's single Python process and every other test running,
        // an answer can take tens of seconds; a request with no answer must mean a lost one.
        configuration.timeoutIntervalForRequest = 180
        return URLSession(configuration: configuration)
    }()

    enum Outcome: Equatable {
        case status(Int, errorType: String?)
        /// No answer: the connection failed (a killed replica).
        case noAnswer
    }

    static func infer(port: Int, key: String) async -> Outcome {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/infer/hate-speech")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key, forHTTPHeaderField: "x-api-key")
        request.httpBody = Data(#"{"text": "you are all lovely"}"#.utf8)
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else {
            return .noAnswer
        }
        let errorType = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error_type"] as? String
        return .status(http.statusCode, errorType: errorType)
    }

    /// `clients` concurrent clients, each sending `perClient` requests in turn, client i to
    /// replica i mod n; `during` runs once a third of the requests are answered, and is given
    /// the count of answers so far.
    static func load(
        ports: [Int], key: String, clients: Int, perClient: Int, during: (@Sendable (Counter) async -> Void)? = nil
    ) async -> [(port: Int, outcome: Outcome)] {
        let answered = Counter()
        let total = clients * perClient
        return await withTaskGroup(of: [(Int, Outcome)].self) { group in
            for client in 0..<clients {
                let port = ports[client % ports.count]
                group.addTask {
                    var outcomes: [(Int, Outcome)] = []
                    for _ in 0..<perClient {
                        outcomes.append((port, await infer(port: port, key: key)))
                        answered.increment()
                    }
                    return outcomes
                }
            }
            if let during {
                group.addTask {
                    while answered.value < total / 3 { try? await Task.sleep(for: .milliseconds(5)) }
                    await during(answered)
                    return []
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    enum Backend: String, CaseIterable, Sendable {
        case postgres, dynamodb
    }

    struct Cluster {
        let database: String
        /// The AWS settings that reach moto, for DynamoDB; empty for PostgreSQL.
        let environment: [String: String]
        let workspace: Workspace
        let replicas: [ServeProcessTests.Server]
        /// Kept alive as long as the cluster: the helper stops when released.
        let dedicatedMoto: HelperProcess?
        var ports: [Int] { replicas.map(\.port) }

        /// - Parameter moto: the moto server for DynamoDB; by default one of the cluster's own,
        ///   since moto serves one request at a time and three loaded replicas would starve
        ///   other tests sharing one.
        init(
            replicas count: Int, backend: Backend = .postgres, databaseTimeoutSeconds: Int? = 30, moto: HelperProcess? = nil
        ) async throws {
            switch backend {
            case .postgres:
                database = try await PostgresFixture.database(timeoutSeconds: databaseTimeoutSeconds)
                environment = [:]
                dedicatedMoto = nil
            case .dynamodb:
                let server: HelperProcess
                if let moto {
                    server = moto
                } else {
                    server = try await HelperProcess.start(script: "scripts/aws/moto_with_auth.py")
                }
                database = DynamoDBFixture.location()
                environment = try await DynamoDBFixture.environment(server)
                dedicatedMoto = server
            }
            workspace = try Workspace()
            try FileManager.default.createDirectory(
                at: workspace.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: workspace.path("models/hate-speech"))
            let models = workspace.path("models")
            let (database, environment) = (database, environment)
            replicas = try (0..<count).map { _ in
                try ServeProcessTests.Server(
                    arguments: ["--models", models, "--database", database, "--port", "0", "--log-level", "notice"],
                    environment: environment)
            }
        }

        func key(quota: String) async throws -> (id: String, secret: String) {
            let plan = try await MagpieProcess.run(
                [
                    "plans", "create", "--database", database, "--name", "plan", "--quota", quota, "--rate", "100000", "--burst",
                    "100000",
                ], environment: environment)
            try #require(plan.status == 0, "\(plan.standardError)")
            let created = try await MagpieProcess.run(
                ["keys", "create", "--database", database, "--name", "k", "--plan", "plan"], environment: environment)
            try #require(created.status == 0, "\(created.standardError)")
            let lines = created.standardOutput.split(separator: "\n")
            let id = try #require(lines.first?.split(separator: " ").dropFirst(2).first.map(String.init))
            return (id, try #require(lines.last.map(String.init)))
        }

        /// The key's count this period, as `magpie keys list` reads it from the database.
        func usage() async throws -> Int {
            let listed = try await MagpieProcess.run(["keys", "list", "--database", database], environment: environment)
            let row = try #require(listed.standardOutput.split(separator: "\n").dropFirst().first)
            let usage = try #require(row.split(separator: " ").first { $0.contains("/") && !$0.contains(":") })
            return try #require(Int(usage.split(separator: "/")[0]))
        }

        func stop() {
            for replica in replicas where replica.process.isRunning { replica.process.terminate() }
        }
    }

    static func count(_ outcomes: [(port: Int, outcome: Outcome)], _ wanted: Outcome) -> Int {
        outcomes.filter { $0.outcome == wanted }.count
    }

    /// 96 clients over 3 replicas send 576 requests against a quota of 250: the database counts
    /// exactly 250, no more are admitted, and every other answer is `429 Limit Exceeded`. A
    /// request whose count was written but whose answer was lost on the way (a store call cut
    /// off on an overloaded machine) may stand for an admitted one; it is shown, never hidden.
    @Test(arguments: Backend.allCases) func threeReplicasAdmitExactlyTheQuota(_ backend: Backend) async throws {
        let cluster = try await Cluster(replicas: 3, backend: backend)
        defer { cluster.stop() }
        let key = try await cluster.key(quota: "250/day")
        let outcomes = await Self.load(ports: cluster.ports, key: key.secret, clients: 96, perClient: 6)
        #expect(outcomes.count == 576)
        let admitted = Self.count(outcomes, .status(200, errorType: nil))
        let others = outcomes.map(\.outcome).filter {
            $0 != .status(200, errorType: nil) && $0 != .status(429, errorType: "quota_exceeded")
        }
        #expect(admitted <= 250 && admitted + others.count >= 250, "\(admitted) admitted; others: \(others)")
        // The rest were refused for the quota; the few others are the server's failures, never a
        // client error such as a wrong key.
        let serverFailures = others.filter { outcome in
            if case .status(let code, _) = outcome { return code >= 500 } else { return true }
        }
        #expect(others.count <= 2 && serverFailures.count == others.count, "others: \(others)")
        #expect(Set(outcomes.filter { $0.outcome == .status(200, errorType: nil) }.map(\.port)).count == 3)
        await #expect(try cluster.usage() == 250)
    }

    /// SIGKILL of one replica while 96 clients load all three: every admitted request is
    /// counted once, and only requests in flight on the killed replica may be counted without
    /// an answer.
    @Test(arguments: Backend.allCases) func aKilledReplicaLosesAndDoublesNothing(_ backend: Backend) async throws {
        let cluster = try await Cluster(replicas: 3, backend: backend)
        defer { cluster.stop() }
        let key = try await cluster.key(quota: "100000/day")
        let victim = cluster.replicas[2].process
        let outcomes = await Self.load(ports: cluster.ports, key: key.secret, clients: 96, perClient: 8) { _ in
            victim.send(SIGKILL)
        }
        let admitted = Self.count(outcomes, .status(200, errorType: nil))
        let unanswered = Self.count(outcomes, .noAnswer)
        #expect(unanswered > 0, "the kill came after the load")
        #expect(admitted + unanswered == outcomes.count, "\(outcomes.filter { $0.outcome != .status(200, errorType: nil) })")
        let counted = try await cluster.usage()
        #expect(counted >= admitted && counted <= admitted + 32, "counted \(counted), admitted \(admitted)")
    }

    /// The database going away under load (PostgreSQL's fast shutdown; moto's server closing
    /// its socket) for 2 s: requests get 503 `store_unavailable` with no crash, service resumes
    /// without a restart of Magpie, and the quota stays exact.
    @Test(arguments: Backend.allCases) func aDatabaseOutageGives503sThenServiceResumes(_ backend: Backend) async throws {
        // The outage must not reach other tests' stores: DynamoDB gets a moto of its own.
        let moto = backend == .dynamodb ? try await HelperProcess.start(script: "scripts/aws/moto_with_auth.py") : nil
        let cluster = try await Cluster(replicas: 2, backend: backend, databaseTimeoutSeconds: nil, moto: moto)
        defer { cluster.stop() }
        let key = try await cluster.key(quota: "400/day")
        let server: HelperProcess
        if let moto { server = moto } else { server = try await PostgresFixture.server }
        let outcomes = await Self.load(ports: cluster.ports, key: key.secret, clients: 32, perClient: 20) { answered in
            #expect(await server.command("stop") == "stopped")
            // Down until 64 more requests have had their answer (503s, once those in flight are
            // through), then back.
            let before = answered.value
            #expect(await eventually { answered.value >= before + 64 })
            #expect(await server.command("start") == "started")
        }
        let unavailable = Self.count(outcomes, .status(503, errorType: "store_unavailable"))
        let admitted = Self.count(outcomes, .status(200, errorType: nil))
        #expect(unavailable > 0)
        #expect(Self.count(outcomes, .noAnswer) == 0)
        #expect(admitted + unavailable + Self.count(outcomes, .status(429, errorType: "quota_exceeded")) == outcomes.count)
        let afterwards = await Self.load(ports: cluster.ports, key: key.secret, clients: 4, perClient: 5)
        #expect(
            Self.count(afterwards, .status(200, errorType: nil))
                + Self.count(afterwards, .status(429, errorType: "quota_exceeded")) == 20)
        let counted = try await cluster.usage()
        let admittedInAll = admitted + Self.count(afterwards, .status(200, errorType: nil))
        #expect(counted <= 400 && counted >= admittedInAll && counted <= admittedInAll + unavailable)
    }

    /// Revoked through the CLI (any replica's store): the next request on every replica is 403.
    @Test(arguments: Backend.allCases) func aRevokedKeyIsRefusedByEveryReplica(_ backend: Backend) async throws {
        let cluster = try await Cluster(replicas: 3, backend: backend)
        defer { cluster.stop() }
        let key = try await cluster.key(quota: "1000/day")
        for port in cluster.ports { #expect(await Self.infer(port: port, key: key.secret) == .status(200, errorType: nil)) }
        let revoked = try await MagpieProcess.run(
            ["keys", "revoke", "--database", cluster.database, key.id], environment: cluster.environment)
        try #require(revoked.status == 0, "\(revoked.standardError)")
        for port in cluster.ports {
            #expect(await Self.infer(port: port, key: key.secret) == .status(403, errorType: "forbidden"))
        }
    }
}
