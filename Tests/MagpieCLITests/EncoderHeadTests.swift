import Classifiers
import Foundation
import MagpieTestSupport
import Testing

/// `train --encoder` on the real all-MiniLM-L6-v2, and `predict`, `evaluate` and `describe`
/// on the artifact it writes.
@Suite(.serialized) struct EncoderHeadTests {
    let labelNames = "0=Hate Speech,1=Offensive Language,2=Neither"
    /// `scripts/fetch-minilm`'s checksum of the weights it downloads.
    let miniLMWeightsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

    struct Embeddings: Decodable {
        struct Sentence: Decodable {
            let text: String
            let truncated: Bool
            let embedding: [Float]
        }
        let sentences: [Sentence]
    }

    func train(_ workspace: Workspace, encoder: String, perClass: Int, extra: [String] = []) async throws -> (
        model: String, result: MagpieProcess.Result
    ) {
        let data = try workspace.hateSpeechSlice(perClass: perClass)
        let model = workspace.path("model-\(UUID().uuidString.prefix(8))")
        let result = try await MagpieProcess.run(
            [
                "train", "--data", data, "--text-column", "tweet", "--label-column", "class", "--label-names", labelNames,
                "--encoder", encoder, "--output", model,
            ] + extra)
        return (model, result)
    }

    /// The head's probabilities for a sentence, computed here from sentence-transformers' own
    /// embedding of it: `predict` must agree, which checks tokenizer, encoder, pooling and the
    /// head's weights end to end.
    func referenceProbabilities(_ head: EmbeddingHead, embedding: [Float]) -> [Double] {
        let classCount = head.weights.classCount
        var scores = head.weights.bias.map(Double.init)
        for (dimension, value) in embedding.enumerated() {
            for label in 0..<classCount {
                scores[label] += Double(value) * Double(head.weights.weights[dimension * classCount + label])
            }
        }
        let largest = scores.max()!
        let exponentials = scores.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    @Test func trainsAHeadOnMiniLMEmbeddingsThatPredictsAsTheReferenceEmbeddingsDo() async throws {
        let workspace = try Workspace()
        let miniLM = try ReferenceFiles.miniLM().path
        let report = workspace.path("report.json")
        let (model, train) = try await train(
            workspace, encoder: miniLM, perClass: 40, extra: ["--holdout", "0.25", "--report", report])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.contains("Hold-out evaluation (30 rows"))
        #expect(train.standardOutput.contains("Final fit: 120 rows, 384 embedding dimensions"))
        #expect(train.standardOutput.contains("Embedding: 120 texts"))
        #expect(train.standardError.contains("embedded 120/120"))

        let reportJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let embedding = try #require(reportJSON["embedding"] as? [String: Any])
        #expect(embedding["texts"] as? Int == 120)
        #expect((embedding["textsPerSecond"] as? Double ?? 0) > 0)

        let artifact = try ModelArtifact.load(from: model)
        #expect(artifact.manifest.formatVersion == 2)
        #expect(artifact.manifest.features == nil)
        let encoder = try #require(artifact.manifest.encoder)
        #expect(encoder.path == URL(fileURLWithPath: miniLM).standardizedFileURL.path && !encoder.bundled)
        #expect(encoder.files["model.safetensors"]?.sha256 == miniLMWeightsSHA256)
        #expect(encoder.pooling == "mean" && encoder.normalize && encoder.maxLength == 256 && encoder.longTexts == "windows")
        guard case .embeddingHead(let head) = artifact.model else {
            Issue.record("the artifact holds no embedding head")
            return
        }

        let sentences = try JSONDecoder().decode(
            Embeddings.self, from: Data(contentsOf: try ReferenceFiles.testVector("minilm/embeddings.json"))
        ).sentences.filter { !$0.truncated && !$0.text.allSatisfy(\.isWhitespace) && !$0.text.contains("\n") }.prefix(12)
        let predict = try await MagpieProcess.run(["predict", "--model", model] + sentences.map(\.text))
        #expect(predict.status == 0, "\(predict.standardError)")
        let lines = predict.standardOutput.split(separator: "\n")
        #expect(lines.count == sentences.count)
        for (line, sentence) in zip(lines, sentences) {
            let output = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let scores = try #require(output["scores"] as? [String: Double])
            let expected = referenceProbabilities(head, embedding: sentence.embedding)
            for (label, probability) in zip(head.labels.names, expected) {
                #expect(abs(scores[label]! - probability) < 1e-4, "\(sentence.text): \(label)")
            }
        }

        let evaluate = try await MagpieProcess.run([
            "evaluate", "--model", model, "--data", workspace.path("slice.csv"), "--text-column", "tweet", "--label-column",
            "class", "--json",
        ])
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.standardOutput.utf8)) as? [String: Any])
        #expect(metrics["count"] as? Int == 120)
        #expect((metrics["accuracy"] as? Double ?? 0) >= 0.7, "training-set accuracy: \(metrics)")

        let describe = try await MagpieProcess.run(["describe", "--model", model])
        #expect(describe.status == 0, "\(describe.standardError)")
        #expect(describe.standardOutput.contains("logistic-regression on 384-dimension embeddings"))
        #expect(describe.standardOutput.contains("Encoder: \(encoder.path) (bert, mean pooling, normalized, 256 tokens"))
    }

    @Test func aBundledEncoderTravelsWithTheModelAndAChangedOneIsRefused() async throws {
        let workspace = try Workspace()
        let copy = workspace.directory.appendingPathComponent("encoder-copy")
        try FileManager.default.copyItem(at: try ReferenceFiles.miniLM(), to: copy)

        let (bundledModel, bundled) = try await train(workspace, encoder: copy.path, perClass: 8, extra: ["--bundle-encoder"])
        #expect(bundled.status == 0, "\(bundled.standardError)")
        let (referencingModel, referencing) = try await train(workspace, encoder: copy.path, perClass: 8)
        #expect(referencing.status == 0, "\(referencing.standardError)")
        let before = try await MagpieProcess.run(["predict", "--model", bundledModel, "what a lovely day"])
        #expect(before.status == 0, "\(before.standardError)")

        let config = copy.appendingPathComponent("config.json")
        try (String(contentsOf: config, encoding: .utf8) + "\n").write(to: config, atomically: true, encoding: .utf8)
        let changed = try await MagpieProcess.run(["predict", "--model", referencingModel, "what a lovely day"])
        #expect(changed.status != 0)
        #expect(changed.standardError.contains("config.json differs from the encoder the model was trained on"))

        try FileManager.default.removeItem(at: copy)
        let missing = try await MagpieProcess.run(["predict", "--model", referencingModel, "what a lovely day"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("encoder folder \(copy.path) is missing"))
        let after = try await MagpieProcess.run(["predict", "--model", bundledModel, "what a lovely day"])
        #expect(after.status == 0, "\(after.standardError)")
        #expect(after.standardOutput == before.standardOutput)
    }

    @Test func optionsThatNeedNGramsAreRefusedWithAnEncoder() async throws {
        let workspace = try Workspace()
        let miniLM = try ReferenceFiles.miniLM().path
        let (_, naiveBayes) = try await train(workspace, encoder: miniLM, perClass: 2, extra: ["--algorithm", "naive-bayes"])
        #expect(naiveBayes.status != 0)
        #expect(naiveBayes.standardError.contains("--algorithm naive-bayes needs n-gram counts"))
        let (_, nGrams) = try await train(workspace, encoder: miniLM, perClass: 2, extra: ["--word-ngrams", "1-3"])
        #expect(nGrams.status != 0)
        #expect(nGrams.standardError.contains("with --encoder the features are embeddings"))
        let (_, missing) = try await train(workspace, encoder: workspace.path("no-such-encoder"), perClass: 2)
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no-such-encoder/config.json is missing"))
    }
}
