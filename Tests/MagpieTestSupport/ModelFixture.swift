import Classifiers
import Foundation
import TextFeatures

/// A real artifact trained on the first 1,500 bundled tweets, written once per test run.
public enum ModelFixture {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A directory holding the artifact folder `hate-speech`.
    public static let directory: String = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-runtime-\(UUID().uuidString)")
        let path = root.appendingPathComponent("hate-speech").path
        let data = repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
        let dataset = try! LabeledDataset.read(path: data, textColumn: "tweet", labelColumn: "class")
        let examples = Array(dataset.examples.prefix(1_500))
        let labels = try! LabelSet.from(
            values: examples.map(\.label), names: ["0": "Hate Speech", "1": "Offensive Language", "2": "Neither"],
            declaredOrder: ["0", "1", "2"])
        let features = FeatureConfiguration()
        var featurizer = TextFeaturizer(configuration: features)
        let trainer = ModelTrainer(algorithm: .logisticRegression(.init()), features: features)
        let classifier = trainer.fit(
            documents: examples.map { featurizer.termCounts(of: $0.text) },
            labels: examples.map { example in labels.labels.firstIndex { $0.value == example.label }! }, labelSet: labels
        ).classifier
        let manifest = ModelManifest(
            name: "hate-speech", version: "1", labels: labels, algorithm: trainer.algorithm, seed: 42, features: features,
            featureCount: classifier.featureSpace.count,
            trainingData: .init(dataset: dataset, textColumn: "tweet", labelColumn: "class"), validation: nil,
            createdAt: "2026-01-01T00:00:00Z")
        _ = try! ModelArtifact(manifest: manifest, classifier: classifier).save(to: path)
        return root.path
    }()

    public static var artifact: String { directory + "/hate-speech" }
}
