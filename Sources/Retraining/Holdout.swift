import Classifiers
import Foundation
import JSONValues

/// The fixed evaluation set kept with a model (`MODEL/holdout.jsonl`): every candidate and
/// the stable version are scored on it, and its texts never enter training. Made once, from a
/// stratified share of the first dataset retraining takes up, unless the operator put one there.
struct Holdout {
    static let file = "holdout.jsonl"

    var examples: [LabeledDataset.Example]

    var texts: Set<String> { Set(examples.map(\.text)) }

    /// The hold-out in `folder`, or a new one split from `dataset` (seeded, per label) and
    /// written there before any training uses the rest.
    static func loadOrCreate(
        in folder: String, from dataset: LabeledDataset, labels: LabelSet, fraction: Double, seed: UInt64
    ) throws -> Holdout {
        let path = folder + "/" + file
        if FileManager.default.fileExists(atPath: path) {
            return Holdout(examples: try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label").examples)
        }
        let indices = dataset.examples.map { labels.index(ofValue: $0.label) ?? 0 }
        let split = StratifiedSplit.holdout(labels: indices, classCount: labels.count, fraction: fraction, seed: seed)
        let examples = split.test.sorted().map { dataset.examples[$0] }
        let lines = examples.map { example in
            JSONValue.object(["text": .string(example.text), "label": .string(example.label)]).serialized
        }
        let temporary = path + ".partial"
        try (lines.joined(separator: "\n") + "\n").write(toFile: temporary, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return Holdout(examples: examples)
    }

    /// Macro F1 of `classifier` on the hold-out.
    func macroF1(of classifier: TextClassifier) -> Double {
        var predictor = classifier.makePredictor()
        let labels = classifier.labels
        let truth = examples.map { labels.index(ofValue: $0.label) ?? 0 }
        let predicted = examples.map { predictor.predict($0.text).labelIndex }
        return ClassificationMetrics(truth: truth, predicted: predicted, labels: labels.names).macroF1
    }
}
