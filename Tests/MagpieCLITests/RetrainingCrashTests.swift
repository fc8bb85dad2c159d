import Foundation
import MagpieTestSupport
import Testing

/// `magpie watch` killed with SIGKILL in the middle of training: no version folder is left
/// half-made, and the next run trains the dataset again and publishes it.
@Suite(.serialized) struct RetrainingCrashTests {
    @Test func aKillDuringTrainingLeavesNoVersionAndTheRestartRedoesIt() async throws {
        let workspace = try Workspace()
        try await ServeProcessTests.trainModel(named: "hate-speech", in: workspace, at: "models/hate-speech/1")
        try FileManager.default.createDirectory(atPath: workspace.path("datasets"), withIntermediateDirectories: true)
        let slice = try workspace.hateSpeechSlice(perClass: 400, name: "large.csv")
        try FileManager.default.moveItem(atPath: slice, toPath: workspace.path("datasets/large.csv"))
        let config = try workspace.write(
            "magpie.yaml",
            """
            models:
              hate-speech:
                path: \(workspace.path("models/hate-speech"))
                retrain: {source: \(workspace.path("datasets")), max_regression: 0.5}
            """)
        let arguments = ["watch", "--config", config, "--database", workspace.path("magpie.sqlite"), "--once"]

        let first = try ChildProcess(
            executable: MagpieProcess.executable.path, arguments: arguments, output: .pipe, errors: .sameAsOutput)
        let output = first.output!
        var logged = ""
        while !logged.contains(#""message":"retraining""#) {
            let data = output.availableData
            if data.isEmpty { break }
            logged += String(decoding: data, as: UTF8.self)
        }
        try #require(logged.contains(#""message":"retraining""#), "\(logged)")
        first.send(SIGKILL)
        #expect(await first.exit() == .killed(signal: SIGKILL), "training finished before the kill: \(logged)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: workspace.path("models/hate-speech"))
        #expect(!folders.contains("2"), "\(folders)")

        let second = try await MagpieProcess.run(arguments)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(
            second.standardOutput.contains("datasets/large.csv published as version 2")
                || second.standardOutput.contains("large.csv published as version 2"), "\(second.standardOutput)")
        let after = try FileManager.default.contentsOfDirectory(atPath: workspace.path("models/hate-speech"))
        #expect(after.contains("2") && !after.contains { $0.hasPrefix(".staging-") }, "\(after)")
        let shown = try await MagpieProcess.run([
            "models", "show", "hate-speech", "--database", workspace.path("magpie.sqlite"), "--models", workspace.path("models"),
        ])
        #expect(shown.standardOutput.contains("canary:   2 at 10%"), "\(shown.standardOutput)")
    }
}
