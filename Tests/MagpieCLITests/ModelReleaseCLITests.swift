import Foundation
import MagpieTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `magpie models` against a running `magpie serve`: numbered versions on disk, a canary
/// started and ended from the command line, and a release that outlives a restart.
@Suite(.serialized) struct ModelReleaseCLITests {
    typealias Server = ServeProcessTests.Server

    static func models(_ arguments: [String], database: String, workspace: Workspace) async throws -> MagpieProcess.Result {
        try await MagpieProcess.run(["models"] + arguments + ["--database", database, "--models", workspace.path("models")])
    }

    /// The version that answered each key, once per key.
    static func versions(_ server: Server, keys: [String]) async throws -> [String] {
        var versions: [String] = []
        for key in keys {
            let answer = try await server.post("/v1/models/hate-speech/classify", ["text": "you are a bitch"], key: key)
            #expect(answer.status == 200, "\(answer.body)")
            let body = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            versions.append(body?["version"] as? String ?? "")
        }
        return versions
    }

    /// Waits (up to 30 s: 24 requests a round are slow on a busy test machine) for the server to
    /// apply a release change, which it reads once a second.
    static func waitFor(_ server: Server, keys: [String], _ condition: ([String]) -> Bool) async throws -> [String] {
        var versions: [String] = []
        _ = try await eventually(within: .seconds(30), every: .milliseconds(200)) {
            versions = try await Self.versions(server, keys: keys)
            return condition(versions)
        }
        return versions
    }

    @Test func aCanaryStartedByHandServesItsShareSurvivesARestartAndRollsBack() async throws {
        let workspace = try Workspace()
        try await ServeProcessTests.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech/1")
        try FileManager.default.copyItem(
            atPath: workspace.path("models/hate-speech/1"), toPath: workspace.path("models/hate-speech/2"))
        let database = workspace.path("magpie.sqlite")
        var keys = await [try ServeProcessTests.createKey(in: database, quota: "10000/day", rate: 1000, burst: 1000)]
        for index in 1..<24 {
            let created = try await MagpieProcess.run([
                "keys", "create", "--database", database, "--name", "k\(index)", "--plan", "plan",
            ])
            keys.append(try #require(created.standardOutput.split(separator: "\n").last.map(String.init)))
        }

        let listed = try await Self.models(["list"], database: database, workspace: workspace)
        #expect(listed.standardOutput.contains("hate-speech  1, 2"), "\(listed.standardOutput)")
        let first = try Server(models: workspace.path("models"), database: database)
        // The first server records the newest version as stable.
        #expect(try await Self.versions(first, keys: keys).allSatisfy { $0 == "2" })
        await #expect(try Self.models(["promote", "hate-speech", "1"], database: database, workspace: workspace).status == 0)
        #expect(try await Self.waitFor(first, keys: keys) { $0.allSatisfy { $0 == "1" } }.allSatisfy { $0 == "1" })

        let started = try await Self.models(
            ["canary", "hate-speech", "2", "--weight", "50"], database: database, workspace: workspace)
        #expect(
            started.status == 0 && started.standardOutput.contains("version 2 is the canary at 50%"), "\(started.standardError)")
        // Once the server has read the canary (within a second; a round that straddles the read
        // mixes old and new answers, so two rounds must agree), every key keeps its side, here
        // and (below) in a new server that reads the release afresh.
        var previous: [String] = []
        let split = try await Self.waitFor(first, keys: keys) { round in
            defer { previous = round }
            return Set(round) == ["1", "2"] && round == previous
        }
        #expect(Set(split) == ["1", "2"], "both versions answer: \(split)")
        #expect(try await Self.versions(first, keys: keys) == split)
        #expect(await first.terminate() == .exited(0))

        // A restarted server resumes the canary where it was.
        let second = try Server(models: workspace.path("models"), database: database)
        #expect(try await Self.versions(second, keys: keys) == split)
        let shown = try await Self.models(["show", "hate-speech"], database: database, workspace: workspace)
        #expect(shown.standardOutput.contains("canary:   2 at 50%"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("canary_started") && shown.standardOutput.contains("by hand"))

        let rolledBack = try await Self.models(["rollback", "hate-speech"], database: database, workspace: workspace)
        #expect(rolledBack.status == 0 && rolledBack.standardOutput.contains("stable is version 1; no canary"))
        #expect(try await Self.waitFor(second, keys: keys) { $0.allSatisfy { $0 == "1" } }.allSatisfy { $0 == "1" })
        #expect(await second.terminate() == .exited(0))

        let refused = try await Self.models(["canary", "hate-speech", "3"], database: database, workspace: workspace)
        #expect(refused.status != 0 && refused.standardError.contains("model 'hate-speech' has no version '3' (versions: 1, 2)"))
        let unknown = try await Self.models(["show", "sentiment"], database: database, workspace: workspace)
        #expect(
            unknown.status != 0 && unknown.standardError.contains("no versioned model named 'sentiment' (models: hate-speech)"))
    }
}
