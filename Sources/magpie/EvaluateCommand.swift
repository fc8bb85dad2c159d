import ArgumentParser
import Classifiers
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model on a labelled file: accuracy, per-class metrics, confusion matrix."
    )

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Print exactly one JSON object on standard output.")
    var json = false

    func run() throws {
        let model = try modelOptions.loadAnyKind()
        let dataset = try LabeledDataset.read(
            path: dataOptions.data, textColumn: dataOptions.textColumn, labelColumn: dataOptions.labelColumn,
            skipInvalidRows: dataOptions.skipInvalidRows)
        let labelSet = model.labels
        var truth: [Int] = []
        truth.reserveCapacity(dataset.examples.count)
        for example in dataset.examples {
            guard let index = labelSet.index(ofValue: example.label) ?? labelSet.names.firstIndex(of: example.label) else {
                throw DataError.unknownLabel(
                    path: dataset.path, line: example.line, column: dataOptions.labelColumn, label: example.label,
                    known: labelSet.labels.map { $0.value == $0.name ? $0.value : "\($0.value) (\($0.name))" })
            }
            truth.append(index)
        }
        let predicted = try model.classify(
            dataset.examples.map(\.text), progress: Progress.counter("classified", total: dataset.examples.count)
        ).map(\.prediction.labelIndex)
        let metrics = ClassificationMetrics(truth: truth, predicted: predicted, labels: labelSet.names)
        if json {
            print(try EvaluationJSON(metrics).encoded())
        } else {
            if dataset.skipped.total > 0 { Progress.say("skipped \(dataset.skipped.total) invalid rows") }
            print("\(model.title) on \(dataOptions.data):")
            print(MetricsTable.classification(metrics))
        }
    }
}

/// The `evaluate --json` object; its keys are a public contract.
struct EvaluationJSON: Encodable {
    struct ClassEntry: Encodable {
        var precision: Double
        var recall: Double
        var f1: Double
        var support: Int
    }

    struct Confusion: Encodable {
        var labels: [String]
        var matrix: [[Int]]
    }

    var accuracy: Double
    var macroF1: Double
    var weightedF1: Double
    var count: Int
    var perClass: [String: ClassEntry]
    var confusionMatrix: Confusion

    enum CodingKeys: String, CodingKey {
        case accuracy, count
        case macroF1 = "macro_f1"
        case weightedF1 = "weighted_f1"
        case perClass = "per_class"
        case confusionMatrix = "confusion_matrix"
    }

    init(_ metrics: ClassificationMetrics) {
        accuracy = metrics.accuracy
        macroF1 = metrics.macroF1
        weightedF1 = metrics.weightedF1
        count = metrics.count
        perClass = Dictionary(
            uniqueKeysWithValues: zip(metrics.labels, metrics.perClass).map {
                ($0, ClassEntry(precision: $1.precision, recall: $1.recall, f1: $1.f1, support: $1.support))
            })
        confusionMatrix = Confusion(labels: metrics.labels, matrix: metrics.confusionMatrix)
    }

    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
