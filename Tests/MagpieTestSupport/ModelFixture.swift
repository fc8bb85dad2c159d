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
        _ = train(rows: 0..<1_500, to: root.appendingPathComponent("hate-speech").path)
        return root.path
    }()

    /// Trains a logistic regression on `rows` of the bundled tweets and saves it at `path`;
    /// with `shuffledLabels`, on the same tweets with their labels shuffled (by a fixed seed), a
    /// model that learned nothing but the labels' proportions.
    public static func train(rows: Range<Int>, shuffledLabels: Bool = false, to path: String) -> String {
        let data = repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
        let dataset = try! LabeledDataset.read(path: data, textColumn: "tweet", labelColumn: "class")
        var examples = Array(dataset.examples[rows])
        if shuffledLabels {
            var generator = SeededGenerator(seed: 7)
            let shuffled = examples.map(\.label).shuffled(using: &generator)
            for index in examples.indices { examples[index].label = shuffled[index] }
        }
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
        _ = try! ModelArtifact(
            manifest: manifest, classifier: classifier, trainingTexts: TrainingTexts(examples.map(\.text))
        ).save(to: path)
        return path
    }

    public static var artifact: String { directory + "/hate-speech" }
}
