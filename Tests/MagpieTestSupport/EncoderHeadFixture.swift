import Classifiers
import Encoders
import Foundation
import ModelRuntime

/// A real encoder-head artifact: a head trained on all-MiniLM-L6-v2 embeddings of the first 20
/// bundled tweets of each class, referring to the cached encoder. Written once per test run.
public enum EncoderHeadFixture {
    public static func artifact() throws -> String { try built.get() }

    private static let built: Result<String, any Error> = Result {
        let encoderDirectory = try ReferenceFiles.miniLM()
        let data = ModelFixture.repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
        let dataset = try LabeledDataset.read(path: data, textColumn: "tweet", labelColumn: "class")
        var perClass: [String: Int] = [:]
        let examples = dataset.examples.filter { example in
            perClass[example.label, default: 0] += 1
            return perClass[example.label]! <= 20
        }
        let labels = try LabelSet.from(
            values: examples.map(\.label), names: ["0": "Hate Speech", "1": "Offensive Language", "2": "Neither"],
            declaredOrder: ["0", "1", "2"])
        let encoder = try TextEncoder(directory: encoderDirectory)
        let embeddings = try encoder.embed(examples.map(\.text), longTexts: .poolWindows, batchSize: 32) { _ in }
        let parameters = LogisticRegressionParameters(naiveBayesScaling: false)
        let head = EmbeddingHeadTrainer(parameters: parameters).fit(
            embeddings.map(\.vector), labels: examples.map { labels.index(ofValue: $0.label)! }, labelSet: labels
        ) { _, _ in }.model
        let record = try EncoderRecord(encoder: encoder, directory: encoderDirectory, bundled: false, longTexts: .poolWindows)
        let manifest = ModelManifest(
            name: "minilm-head", version: "1", labels: labels, parameters: parameters, seed: 42, encoder: record,
            trainingData: .init(dataset: dataset, textColumn: "tweet", labelColumn: "class"), validation: nil,
            createdAt: "2026-01-01T00:00:00Z")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-encoder-head-\(UUID().uuidString)")
            .appendingPathComponent("minilm-head").path
        _ = try ModelArtifact(manifest: manifest, model: .embeddingHead(head)).save(to: path)
        return path
    }
}
