import Classifiers

/// The rows the accuracy gate scores both models on: the hold-out training kept aside,
/// reproduced from its fraction and seed when `data` is the very file the model was trained on
/// (same SHA-256); otherwise every row of `data`, a validation file of the user's.
public struct EvaluationRows: Sendable {
    public var texts: [String]
    public var labels: [Int]
    /// `holdout` or `file`, as the manifest records it.
    public var source: String

    public init(data: LabeledDataset, manifest: ModelManifest) throws {
        let labelSet = LabelSet(labels: manifest.labels)
        var labels: [Int] = []
        for example in data.examples {
            guard let index = labelSet.index(ofValue: example.label) ?? labelSet.names.firstIndex(of: example.label) else {
                throw DataError.unknownLabel(
                    path: data.path, line: example.line, column: manifest.trainingData.labelColumn, label: example.label,
                    known: labelSet.labels.map { $0.value == $0.name ? $0.value : "\($0.value) (\($0.name))" })
            }
            labels.append(index)
        }
        if data.sha256 == manifest.trainingData.sha256, let holdout = manifest.validation?.holdout {
            let split = StratifiedSplit.holdout(
                labels: labels, classCount: labelSet.count, fraction: holdout.fraction, seed: manifest.hyperparameters.seed)
            texts = split.test.map { data.examples[$0].text }
            self.labels = split.test.map { labels[$0] }
            source = "holdout"
        } else {
            texts = data.examples.map(\.text)
            self.labels = labels
            source = "file"
        }
    }
}
