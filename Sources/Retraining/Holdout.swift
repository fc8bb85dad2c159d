import Classifiers
import Foundation
import JSONValues

/// The fixed evaluation set kept with a model (`MODEL/holdout.jsonl`): every candidate and
/// the stable version are scored on it, and its texts never enter training. Made once, from a
/// stratified share of the first dataset retraining takes up, unless the operator put one there.
///
/// A new dump usually holds the rows stable was trained on, and a model scored on its own
/// training rows looks better than it is. So rows among stable's recorded training texts are
/// left out twice: the hold-out is drawn from the others, and when the versions are compared,
/// any hold-out row stable trained on (a hold-out made before, or the operator's) is skipped.
struct Holdout {
    static let file = "holdout.jsonl"

    var examples: [LabeledDataset.Example]

    var texts: Set<String> { Set(examples.map(\.text)) }

    /// The hold-out kept in `folder`, if there is one.
    static func load(in folder: String) throws -> Holdout? {
        let path = folder + "/" + file
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return Holdout(examples: try LabeledDataset.read(path: path, textColumn: "text", labelColumn: "label").examples)
    }

    /// A new hold-out: a stratified, seeded share of `dataset`'s rows that are not among
    /// `seen`, stable's training texts.
    static func draw(
        from dataset: LabeledDataset, labels: LabelSet, fraction: Double, seed: UInt64, excluding seen: TrainingTexts?
    ) -> Holdout {
        let pool = dataset.examples.filter { seen?.contains($0.text) != true }
        let indices = pool.map { labels.index(ofValue: $0.label) ?? 0 }
        let split = StratifiedSplit.holdout(labels: indices, classCount: labels.count, fraction: fraction, seed: seed)
        return Holdout(examples: split.test.sorted().map { pool[$0] })
    }

    /// Writes the hold-out into `folder`, before any training uses the rest of its dataset.
    func write(in folder: String) throws {
        let path = folder + "/" + Self.file
        let lines = examples.map { example in
            JSONValue.object(["text": .string(example.text), "label": .string(example.label)]).serialized
        }
        let temporary = path + ".partial"
        try (lines.joined(separator: "\n") + "\n").write(toFile: temporary, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    /// The rows stable did not train on, and how many it did.
    func unseen(by seen: TrainingTexts?) -> (holdout: Holdout, leftOut: Int) {
        let kept = examples.filter { seen?.contains($0.text) != true }
        return (Holdout(examples: kept), examples.count - kept.count)
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
