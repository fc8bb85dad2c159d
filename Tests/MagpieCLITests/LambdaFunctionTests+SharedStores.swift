import Foundation
import MagpieTestSupport
import Testing
import ZIPFoundation

/// Key checks in functions that share a store: exact quotas across execution environments.
extension LambdaFunctionTests {
    /// With `MAGPIE_DATABASE` naming PostgreSQL, every execution environment counts against the
    /// same quota: two functions started side by side share a quota of 3.
    @Test func keyCheckOnPostgreSQLSharesTheQuotaAcrossEnvironments() async throws {
        let workspace = try Workspace()
        try FileManager.default.createDirectory(
            at: workspace.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ModelFixture.artifact, toPath: workspace.path("models/hate-speech"))
        let database = try await PostgresFixture.database()
        let key = try await ServeProcessTests.createKey(in: database, quota: "3/day", rate: 100, burst: 100)
        let bootstrap = workspace.directory.appendingPathComponent("bootstrap")
        try FileManager.default.copyItem(at: MagpieProcess.executable, to: bootstrap)
        let event = Array(Self.httpEvent(headers: #""content-type": "application/json", "x-api-key": "\#(key)""#).utf8)
        var statuses: [Int?] = []
        for environment in 0..<2 {
            let server = try await RuntimeAPIServer()
            for request in 0..<(environment == 0 ? 2 : 3) { server.enqueue(event, requestID: "\(environment)-\(request)") }
            let process = try Self.start(
                bootstrap,
                environment: Self.lambdaEnvironment(
                    runtimeAPI: server.endpoint, taskRoot: workspace.directory.path,
                    extra: ["MAGPIE_KEY_CHECK": "on", "MAGPIE_DATABASE": database]))
            defer { process.terminate() }
            let posted = await server.posted(environment == 0 ? 2 : 3)
            statuses += posted.map { Self.answer($0).status }
        }
        #expect(statuses == [200, 200, 200, 429, 429])
    }

    /// `--api http --key-store dynamodb` as deployed: the template's variables, with the stack's
    /// table played by moto's, in two execution environments answering at once. Plans and keys
    /// are added after deploying, as the template's output says; the quota of 5 holds across
    /// both environments.
    @Test func packagedHTTPAPIFunctionCountsExactlyInTheStacksTable() async throws {
        let release = try MagpieProcess.releaseExecutable()
        let workspace = try Workspace()
        let packaged = try await MagpieProcess.run(
            [
                "package", "lambda", "--model", ModelFixture.artifact, "--api", "http", "--key-store", "dynamodb", "--output",
                workspace.path("dist"),
            ], executable: release)
        try #require(packaged.status == 0, "\(packaged.standardError)")
        let template = try String(contentsOfFile: workspace.path("dist/template.yaml"), encoding: .utf8)
        #expect(template.contains(#"MAGPIE_DATABASE: !Sub "dynamodb://${KeyTable}""#))
        let table = DynamoDBFixture.location()
        let aws = try await DynamoDBFixture.environment()
        let key = try await ServeProcessTests.createKey(in: table, quota: "5/day", rate: 100, burst: 100, environment: aws)

        let taskRoot = workspace.directory.appendingPathComponent("task")
        try FileManager.default.unzipItem(at: URL(fileURLWithPath: workspace.path("dist/function.zip")), to: taskRoot)
        let event = Array(Self.httpEvent(headers: #""content-type": "application/json", "x-api-key": "\#(key)""#).utf8)
        var servers: [RuntimeAPIServer] = []
        var processes: [ChildProcess] = []
        defer { for process in processes { process.terminate() } }
        for environment in 0..<2 {
            let server = try await RuntimeAPIServer()
            for request in 0..<4 { server.enqueue(event, requestID: "\(environment)-\(request)") }
            let variables = Self.functionVariables(in: template).merging(aws) { $1 }.merging(["MAGPIE_DATABASE": table]) { $1 }
            processes.append(
                try Self.start(
                    taskRoot.appendingPathComponent("bootstrap"),
                    environment: Self.lambdaEnvironment(runtimeAPI: server.endpoint, taskRoot: taskRoot.path, extra: variables)))
            servers.append(server)
        }
        var statuses: [Int?] = []
        for server in servers { statuses += await server.posted(4).map { Self.answer($0).status } }
        #expect(statuses.count == 8)
        #expect(statuses.filter { $0 == 200 }.count == 5, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count == 3, "\(statuses)")
    }
}
