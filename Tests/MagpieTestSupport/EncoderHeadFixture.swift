import Classifiers
import Encoders
import Foundation
import ModelRuntime

/// Real encoder-head artifacts: heads trained on an encoder's embeddings of the first bundled
/// tweets of each class, referring to the encoder's folder.
public enum EncoderHeadFixture {
    /// A head on all-MiniLM-L6-v2 (the cached encoder) over 20 tweets of each class. Written
    /// once per test run.
    public static func artifact() throws -> String { try built.get() }

    private static let built: Result<String, any Error> = Result {
        try head(on: try ReferenceFiles.miniLM(), name: "minilm-head", perClass: 20, longTexts: .poolWindows)
    }

    /// A new head on the encoder at `encoderDirectory` over `perClass` tweets of each class, so
    /// that heads of different `perClass` differ.
    public static func head(on encoderDirectory: URL, name: String, perClass count: Int, longTexts: TextEncoder.LongTexts)
        throws -> String
    {
        let data = ModelFixture.repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
        let dataset = try LabeledDataset.read(path: data, textColumn: "tweet", labelColumn: "class")
        var perClass: [String: Int] = [:]
        let examples = dataset.examples.filter { example in
            perClass[example.label, default: 0] += 1
            return perClass[example.label]! <= count
        }
        let labels = try LabelSet.from(
            values: examples.map(\.label), names: ["0": "Hate Speech", "1": "Offensive Language", "2": "Neither"],
            declaredOrder: ["0", "1", "2"])
        let encoder = try TextEncoder(directory: encoderDirectory)
        let embeddings = try encoder.embed(examples.map(\.text), longTexts: longTexts, batchSize: 32) { _ in }
        let parameters = LogisticRegressionParameters(naiveBayesScaling: false)
        let head = EmbeddingHeadTrainer(parameters: parameters).fit(
            embeddings.map(\.vector), labels: examples.map { labels.index(ofValue: $0.label)! }, labelSet: labels
        ) { _, _ in }.model
        let record = try EncoderRecord(encoder: encoder, directory: encoderDirectory, bundled: false, longTexts: longTexts)
        let manifest = ModelManifest(
            name: name, version: "1", labels: labels, parameters: parameters, seed: 42, encoder: record,
            trainingData: .init(dataset: dataset, textColumn: "tweet", labelColumn: "class"), validation: nil,
            createdAt: "2026-01-01T00:00:00Z")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-encoder-head-\(UUID().uuidString)")
            .appendingPathComponent(name).path
        _ = try ModelArtifact(manifest: manifest, model: .embeddingHead(head)).save(to: path)
        return path
    }
}
