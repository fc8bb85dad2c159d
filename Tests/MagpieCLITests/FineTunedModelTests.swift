import Classifiers
import Foundation
import MagpieTestSupport
import Synchronization
import Testing

/// `train --encoder DIR --fine-tune` on the tiny BERT test model, and the folder it writes used
/// by `predict`, `evaluate`, `describe`, `serve` and `package lambda` like any other model.
@Suite(.serialized) struct FineTunedModelTests {
    let labelNames = "0=Hate Speech,1=Offensive Language,2=Neither"

    func fineTune(_ workspace: Workspace, output: String, extra: [String] = []) async throws -> MagpieProcess.Result {
        let data = try workspace.hateSpeechSlice(perClass: 40)
        return try await MagpieProcess.run(
            [
                "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--label-names", labelNames,
                "--encoder", try ReferenceFiles.testVector("bert-tiny-cls").path, "--fine-tune", "--epochs", "2",
                "--max-length", "64", "--learning-rate", "1e-3", "--threads", "1", "--output", output,
            ] + extra)
    }

    @Test func theFolderIsAHuggingFaceClassifierAndAMagpieModel() async throws {
        let workspace = try Workspace()
        let model = workspace.path("models/tweets")
        let trained = try await fineTune(workspace, output: model)
        try #require(trained.status == 0, "\(trained.standardError)")
        #expect(trained.standardError.contains("step 14/14 (epoch 2)"), "\(trained.standardError)")
        #expect(trained.standardError.contains("epoch 1: training loss") && trained.standardError.contains("validation accuracy"))
        #expect(trained.standardOutput.contains("Validation (epoch") && trained.standardOutput.contains("peak memory"))

        let files = try FileManager.default.contentsOfDirectory(atPath: model).sorted()
        #expect(
            files == [
                "config.json", "manifest.json", "model.safetensors", "special_tokens_map.json", "tokenizer_config.json",
                "vocab.txt",
            ])
        let manifest = try ModelArtifact.verifiedManifest(at: model)
        #expect(manifest.isFineTunedEncoder && manifest.formatVersion == 3 && manifest.name == "tweets")
        #expect(manifest.hyperparameters.fineTuning?.epochs == 2 && manifest.hyperparameters.fineTuning?.maxLength == 64)
        #expect(manifest.labels.map(\.name) == ["Hate Speech", "Offensive Language", "Neither"])
        #expect(manifest.validation?.holdout?.testCount == 12)
        let configuration = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/config.json")))
                as? [String: Any])
        #expect((configuration["id2label"] as? [String: String])?["0"] == "Hate Speech")

        let predicted = try await MagpieProcess.run(["predict", "--model", model, "you are trash", "what a lovely day"])
        #expect(predicted.status == 0, "\(predicted.standardError)")
        let lines = predicted.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set((first["scores"] as? [String: Double] ?? [:]).keys) == ["Hate Speech", "Offensive Language", "Neither"])

        let evaluated = try await MagpieProcess.run([
            "evaluate", "--model", model, "--data", try workspace.hateSpeechSlice(perClass: 10, name: "scored.csv"),
            "--text-column", "tweet", "--label-column", "class",
        ])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        #expect(evaluated.standardOutput.contains("macro F1"))
        let described = try await MagpieProcess.run(["describe", "--model", model])
        #expect(described.standardOutput.contains("Fine-tuned bert encoder, 64 tokens: 2 epochs"), "\(described.standardOutput)")

        // Served from a models folder like any artifact.
        let body = try await ServeProcessTests.classifyOnce("you are trash", with: "tweets", in: workspace)
        #expect(["Hate Speech", "Offensive Language", "Neither"].contains(body["label"] as? String ?? ""))

        let packaged = try await MagpieProcess.run(
            ["package", "lambda", "--model", model, "--output", workspace.path("dist")],
            executable: try MagpieProcess.releaseExecutable())
        #expect(packaged.status == 0, "\(packaged.standardError)")
    }

    @Test func aChangedWeightsFileIsRefusedNamingIt() async throws {
        let workspace = try Workspace()
        let model = workspace.path("tweets")
        try #require(try await fineTune(workspace, output: model, extra: ["--epochs", "1"]).status == 0)
        let weights = URL(fileURLWithPath: model + "/model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: weights)
        let predicted = try await MagpieProcess.run(["predict", "--model", model, "hello"])
        #expect(predicted.status != 0)
        #expect(predicted.standardError.contains("model.safetensors differs"), "\(predicted.standardError)")
    }

    @Test func anOutputFolderHoldingOtherFilesIsNotReplaced() async throws {
        let workspace = try Workspace()
        let output = workspace.path("notes")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: output + "/notes.txt"))
        let trained = try await fineTune(workspace, output: output, extra: ["--epochs", "1"])
        #expect(trained.status != 0)
        #expect(trained.standardError.contains("is not a model"), "\(trained.standardError)")
        #expect(try String(contentsOfFile: output + "/notes.txt", encoding: .utf8) == "keep me")
    }

    @Test func fineTuneWithoutAnEncoderOrWithFoldsIsRefused() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 5)
        let base = [
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--output", workspace.path("m"),
        ]
        let noEncoder = try await MagpieProcess.run(base + ["--fine-tune"])
        #expect(noEncoder.status != 0 && noEncoder.standardError.contains("--fine-tune trains an encoder"))
        let folds = try await MagpieProcess.run(
            base + ["--fine-tune", "--encoder", try ReferenceFiles.testVector("bert-tiny-cls").path, "--folds", "3"])
        #expect(folds.status != 0 && folds.standardError.contains("use --validation"), "\(folds.standardError)")
    }

    /// Ctrl-C during a run writes a checkpoint and exits 130; the same command with `--resume`
    /// then writes, on one thread, exactly the weights of a run that was never stopped.
    @Test func ctrlCSavesACheckpointAndResumeEndsAsAnUninterruptedRun() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 200)
        func arguments(_ output: String) throws -> [String] {
            [
                "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder",
                try ReferenceFiles.testVector("bert-tiny-cls").path, "--fine-tune", "--epochs", "4", "--max-length", "48",
                "--threads", "1", "--output", output,
            ]
        }
        let whole = try await MagpieProcess.run(try arguments(workspace.path("whole")))
        try #require(whole.status == 0, "\(whole.standardError)")

        let stopped = workspace.path("stopped")
        let process = try ChildProcess(
            executable: MagpieProcess.executable.path, arguments: try arguments(stopped), output: .null, errors: .pipe)
        let errors = process.errors!
        let output = Mutex(Data())
        errors.readabilityHandler = { handle in
            let chunk = handle.availableData
            output.withLock { $0.append(chunk) }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !output.withLock({ String(decoding: $0, as: UTF8.self) }).contains("step 1/"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        process.send(SIGINT)
        let termination = await process.exit()
        errors.readabilityHandler = nil
        let said = output.withLock { String(decoding: $0, as: UTF8.self) }
        #expect(termination == .exited(130), "\(said)")
        #expect(said.contains("run the same command with --resume"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: stopped))
        #expect(FileManager.default.fileExists(atPath: workspace.path(".stopped.checkpoint/state.json")))

        let resumed = try await MagpieProcess.run(try arguments(stopped) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming from"), "\(resumed.standardError)")
        #expect(!FileManager.default.fileExists(atPath: workspace.path(".stopped.checkpoint")))
        let expected = try Data(contentsOf: URL(fileURLWithPath: workspace.path("whole/model.safetensors")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: stopped + "/model.safetensors")) == expected)
    }
}
