import Classifiers
import Foundation
import MagpieTestSupport
import Testing

/// `train --fine-tune --ensemble` on the tiny BERT test model: one artifact holding the
/// fine-tuned encoder and the n-gram model, whose answers are the weighted average of its
/// members' and which every command uses like any other model.
@Suite(.serialized) struct EnsembleModelTests {
    static let labelNames = "0=Hate Speech,1=Offensive Language,2=Neither"

    static func train(_ workspace: Workspace, output: String, extra: [String] = []) async throws -> MagpieProcess.Result {
        let data = try workspace.hateSpeechSlice(perClass: 40)
        return try await MagpieProcess.run(
            [
                "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--label-names", labelNames,
                "--encoder", try ReferenceFiles.testVector("bert-tiny-cls").path, "--fine-tune", "--ensemble", "--epochs",
                "1", "--max-length", "64", "--learning-rate", "1e-3", "--threads", "1", "--output", output,
            ] + extra)
    }

    static func scores(_ result: MagpieProcess.Result) throws -> [[String: Double]] {
        try result.standardOutput.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["scores"] as? [String: Double])
        }
    }

    @Test func theEnsembleAveragesItsMembersAndWorksEverywhere() async throws {
        let workspace = try Workspace()
        let model = workspace.path("models/tweets")
        let trained = try await Self.train(workspace, output: model)
        try #require(trained.status == 0, "\(trained.standardError)")
        #expect(trained.standardError.contains("validation macro F1: encoder"), "\(trained.standardError)")
        #expect(trained.standardOutput.contains("Validation of the ensemble:"), "\(trained.standardOutput)")

        let manifest = try ModelArtifact.verifiedManifest(at: model)
        let ensemble = try #require(manifest.ensemble)
        #expect(manifest.isEnsemble && manifest.formatVersion == 4 && manifest.name == "tweets")
        #expect(ensemble.members.map(\.path) == ["encoder", "ngram"])
        #expect(abs(ensemble.members.map(\.weight).reduce(0, +) - 1) < 1e-9)
        #expect(try ModelArtifact.verifiedManifest(at: model + "/encoder").isFineTunedEncoder)
        #expect(try ModelArtifact.verifiedManifest(at: model + "/ngram").features != nil)
        #expect(manifest.validation?.holdout?.testCount == 12)

        // The ensemble's scores are its members' scores averaged with the recorded weights.
        let texts = ["you are trash", "what a lovely day", "those people should all go back"]
        let combined = try Self.scores(try await MagpieProcess.run(["predict", "--model", model] + texts))
        var expected = [[String: Double]](repeating: [:], count: texts.count)
        for member in ensemble.members {
            let answers = try Self.scores(try await MagpieProcess.run(["predict", "--model", model + "/" + member.path] + texts))
            for (row, scores) in answers.enumerated() {
                for (label, score) in scores { expected[row][label, default: 0] += member.weight * score }
            }
        }
        #expect(combined.count == texts.count)
        for (row, scores) in combined.enumerated() {
            #expect(Set(scores.keys) == ["Hate Speech", "Offensive Language", "Neither"])
            for (label, score) in scores {
                #expect(abs(score - (expected[row][label] ?? -1)) < 1e-5, "\(label) in row \(row): \(score) vs \(expected[row])")
            }
        }

        let evaluated = try await MagpieProcess.run([
            "evaluate", "--model", model, "--data", try workspace.hateSpeechSlice(perClass: 10, name: "scored.csv"),
            "--text-column", "tweet", "--label-column", "class",
        ])
        #expect(evaluated.status == 0 && evaluated.standardOutput.contains("macro F1"), "\(evaluated.standardError)")
        let described = try await MagpieProcess.run(["describe", "--model", model])
        #expect(
            described.standardOutput.contains("as an ensemble averaging encoder/ at weight"), "\(described.standardOutput)")

        let body = try await ServeProcessTests.classifyOnce(texts[0], with: "tweets", in: workspace)
        let served = try #require(body["scores"] as? [[String: Any]])
        #expect(served.count == 3)
        for entry in served {
            let label = try #require(entry["label"] as? String)
            #expect(abs((entry["score"] as? Double ?? -1) - (combined[0][label] ?? -2)) < 1e-5, "\(label)")
        }

        let packaged = try await MagpieProcess.run(
            ["package", "lambda", "--model", model, "--output", workspace.path("dist")],
            executable: try MagpieProcess.releaseExecutable())
        #expect(packaged.status == 0, "\(packaged.standardError)")
    }

    /// A member changed after training fails the load, naming the file.
    @Test func aChangedMemberIsRefusedNamingIt() async throws {
        let workspace = try Workspace()
        let model = workspace.path("tweets")
        try #require(try await Self.train(workspace, output: model).status == 0)
        let memberManifest = URL(fileURLWithPath: model + "/ngram/manifest.json")
        var text = try String(contentsOf: memberManifest, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"version\" : \"1\"", with: "\"version\" : \"2\"")
        try text.write(to: memberManifest, atomically: true, encoding: .utf8)
        let predicted = try await MagpieProcess.run(["predict", "--model", model, "hello"])
        #expect(predicted.status != 0)
        #expect(predicted.standardError.contains("ngram/manifest.json: SHA-256 does not match"), "\(predicted.standardError)")

        try #require(try await Self.train(workspace, output: model).status == 0)
        let weights = URL(fileURLWithPath: model + "/encoder/model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: weights)
        let changed = try await MagpieProcess.run(["predict", "--model", model, "hello"])
        #expect(changed.status != 0)
        #expect(changed.standardError.contains("model.safetensors differs"), "\(changed.standardError)")
    }

    @Test func anEnsembleNeedsFineTuningAndAValidationSplit() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 5)
        let base = [
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--output", workspace.path("m"),
            "--ensemble",
        ]
        let alone = try await MagpieProcess.run(base)
        #expect(alone.status != 0 && alone.standardError.contains("add --fine-tune"), "\(alone.standardError)")
        let noSplit = try await MagpieProcess.run(
            base + ["--fine-tune", "--encoder", try ReferenceFiles.testVector("bert-tiny-cls").path, "--validation", "0"])
        #expect(noSplit.status != 0 && noSplit.standardError.contains("--validation must be above 0"), "\(noSplit.standardError)")
    }
}
