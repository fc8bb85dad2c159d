import Classifiers
import Foundation

/// Times what a serving process does with a model artifact: load it, classify one text at a
/// time, classify a batch. Prints one JSON object so scripts can compare it with a reference.
///
/// Usage: ModelBenchmarks MODEL_DIR TEXTS_CSV TEXT_COLUMN
let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: ModelBenchmarks MODEL_DIR TEXTS_CSV TEXT_COLUMN\n".utf8))
    exit(2)
}
let modelPath = arguments[1]
let texts = try LabeledDataset.read(path: arguments[2], textColumn: arguments[3], labelColumn: nil).examples.map(\.text)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = start.duration(to: .now)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

var artifact = try ModelArtifact.load(from: modelPath)
let loadTimes = try (0..<20).map { _ in try seconds { artifact = try ModelArtifact.load(from: modelPath) } }

guard let classifier = artifact.textClassifier else {
    fatalError("\(modelPath) is an encoder head; this benchmark measures n-gram models")
}
var predictor = classifier.makePredictor()
let sample = Array(texts.prefix(2000))
var checksum: Float = 0
for text in sample { checksum += predictor.predict(text).score }
var perText: [Double] = []
for _ in 0..<5 {
    let elapsed = seconds { for text in sample { checksum += predictor.predict(text).score } }
    perText.append(elapsed / Double(sample.count))
}
// An explanation per text, as `POST /v1/models/{model}/explain` computes it.
var perExplanation: [Double] = []
for _ in 0..<3 {
    let elapsed = seconds { for text in sample.prefix(500) { checksum += Float(classifier.explain(text).logit) } }
    perExplanation.append(elapsed / Double(min(500, sample.count)))
}
let batchSeconds = seconds {
    checksum += Evaluator.predictions(of: classifier, texts: texts).reduce(0) { $0 + $1.score }
}

let weightsBytes = (try? FileManager.default.attributesOfItem(atPath: modelPath + "/weights.bin")[.size] as? Int) ?? 0
let report: [String: Any] = [
    "load_ms_median": median(loadTimes) * 1000,
    "predict_us_median": median(perText) * 1e6,
    "explain_us_median": median(perExplanation) * 1e6,
    "batch_texts_per_second": Double(texts.count) / batchSeconds,
    "batch_texts": texts.count,
    "weights_bytes": weightsBytes,
    "features": classifier.featureSpace.count,
    "checksum": Double(checksum),
]
for (key, value) in report {
    if let number = value as? Double, !number.isFinite {
        FileHandle.standardError.write(Data("ModelBenchmarks: \(key) is \(number), not a finite number\n".utf8))
        exit(1)
    }
}
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
