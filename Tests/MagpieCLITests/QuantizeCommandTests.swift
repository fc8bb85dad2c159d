import Classifiers
import Foundation
import MagpieTestSupport
import Testing

/// `magpie quantize` on a real head over all-MiniLM-L6-v2 (trained here on 300 tweets of each
/// class, and scored on them, where int8 loses 0.002 macro F1): a copy within `--max-drop` is
/// written, verified, described and served by every command; one beyond it is refused with
/// both figures and nothing written; a model that is not an encoder, or is already int8, is
/// refused by name.
@Suite(.serialized) struct QuantizeCommandTests {
    func head(_ workspace: Workspace) async throws -> (model: String, data: String) {
        let data = try workspace.hateSpeechSlice(perClass: 300)
        let model = workspace.path("head")
        let trained = try await MagpieProcess.run([
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--encoder",
            try ReferenceFiles.miniLM().path, "--output", model,
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        return (model, data)
    }

    @Test func aCopyWithinTheDropIsAModelLikeAnyOtherAndOneBeyondItIsRefused() async throws {
        let workspace = try Workspace()
        let (model, data) = try await head(workspace)
        let int8 = workspace.path("head-int8")
        let written = try await MagpieProcess.run([
            "quantize", "--model", model, "--output", int8, "--data", data, "--max-drop", "1",
        ])
        #expect(written.status == 0, "\(written.standardError)")
        let manifest = try ModelArtifact.verifiedManifest(at: int8)
        let record = try #require(manifest.quantization)
        #expect(record.layers == 36 && record.rows == 900 && record.evaluatedOn == "file" && manifest.formatVersion == 5)
        #expect(manifest.encoder?.bundled == true)
        let described = try await MagpieProcess.run(["describe", "--model", int8])
        #expect(described.standardOutput.contains("Quantized to int8 (int8-dynamic, 36 products)"), "\(described.standardOutput)")
        let predicted = try await MagpieProcess.run(["predict", "--model", int8, "you are lovely people"])
        #expect(predicted.status == 0 && predicted.standardOutput.contains(#""label""#), "\(predicted.standardError)")

        let drop = record.float32.macroF1 - record.int8.macroF1
        try #require(drop > 0, "this head on these rows loses macro F1 at int8 (\(drop)); the refusal below needs a drop")
        let refusedOutput = workspace.path("refused")
        let refused = try await MagpieProcess.run([
            "quantize", "--model", model, "--output", refusedOutput, "--data", data, "--max-drop", String(drop / 2),
        ])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains(String(format: "%.4f", record.float32.macroF1)), "\(refused.standardError)")
        #expect(refused.standardError.contains(String(format: "%.4f", record.int8.macroF1)), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: refusedOutput))

        let again = try await MagpieProcess.run([
            "quantize", "--model", int8, "--output", workspace.path("twice"), "--data", data,
        ])
        #expect(again.status == 1 && again.standardError.contains("already quantized"), "\(again.standardError)")
    }

    @Test func anNGramModelIsRefusedByName() async throws {
        let workspace = try Workspace()
        let data = try workspace.hateSpeechSlice(perClass: 50)
        let model = workspace.path("ngram")
        let trained = try await MagpieProcess.run([
            "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--output", model,
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        let refused = try await MagpieProcess.run(["quantize", "--model", model, "--output", workspace.path("x"), "--data", data])
        #expect(refused.status == 1 && refused.standardError.contains("of kind ngram"), "\(refused.standardError)")
    }
}
