import Foundation
import Testing

/// `magpie serve` with a `retrain:` section: a CSV moved into the watched folder becomes a
/// gated version, which goes through the canary to stable while every request is answered.
@Suite(.serialized) struct RetrainingCLITests {
    typealias Server = ServeProcessTests.Server

    @Test func aDroppedDatasetBecomesACanaryThenStableWithNoRequestFailing() async throws {
        let workspace = try Workspace()
        try await ServeProcessTests.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech/1")
        try FileManager.default.createDirectory(atPath: workspace.path("datasets"), withIntermediateDirectories: true)
        let database = workspace.path("magpie.sqlite")
        var keys = await [try ServeProcessTests.createKey(in: database, quota: "100000/day", rate: 1000, burst: 1000)]
        for index in 1..<20 {
            let created = try await MagpieProcess.run([
                "keys", "create", "--database", database, "--name", "k\(index)", "--plan", "plan",
            ])
            keys.append(try #require(created.standardOutput.split(separator: "\n").last.map(String.init)))
        }
        let config = try workspace.write(
            "magpie.yaml",
            """
            models:
              hate-speech:
                path: \(workspace.path("models/hate-speech"))
                canary: {min_requests: 30, min_duration: 1, early_requests: 15, max_label_divergence: 0.3, min_latency_increase_ms: 500}
                retrain: {source: \(workspace.path("datasets")), max_regression: 0.2, poll: 1, canary_weight: 50}
            """)
        let server = try Server(arguments: ["--config", config, "--database", database, "--port", "0"])
        // A bigger slice of real tweets than version 1 saw, moved in once written.
        let slice = try workspace.hateSpeechSlice(perClass: 150, name: "new.csv")
        try FileManager.default.moveItem(atPath: slice, toPath: workspace.path("datasets/2026-12-03.csv"))

        var statuses: [Int] = []
        var versions: Set<String> = []
        let deadline = Date().addingTimeInterval(90)
        var stable = 1
        var lastShown = ""
        while Date() < deadline {
            for key in keys {
                let answer = try await server.post("/v1/models/hate-speech/classify", ["text": "you are a bitch"], key: key)
                statuses.append(answer.status)
                let body = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                if let version = body?["version"] as? String { versions.insert(version) }
            }
            let shown = try await MagpieProcess.run([
                "models", "show", "hate-speech", "--database", database, "--models", workspace.path("models"),
            ])
            lastShown = shown.standardOutput + shown.standardError
            if shown.standardOutput.contains("stable:   2") {
                stable = 2
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(stable == 2, "version 2 did not become stable in time:\n\(lastShown)")
        #expect(statuses.allSatisfy { $0 == 200 }, "\(Set(statuses))")
        #expect(versions == ["1", "2"])
        let shown = try await MagpieProcess.run([
            "models", "show", "hate-speech", "--database", database, "--models", workspace.path("models"),
        ])
        #expect(shown.standardOutput.contains("retrained on 2026-12-03.csv"), "\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("promoted") && shown.standardOutput.contains("analysis"))
        #expect(await server.terminate() == .exited(0))
        #expect(server.loggedText.contains(#""message":"retraining finished""#))
    }
}
