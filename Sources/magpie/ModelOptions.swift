import ArgumentParser
import Classifiers
import Encoders
import Foundation

/// The `--model` option of every command that classifies with a model.
struct ModelOptions: ParsableArguments {
    @Option(
        help: """
            The model: an artifact directory written by `magpie train`, or a Hugging Face \
            BertForSequenceClassification / DistilBertForSequenceClassification folder (config.json, \
            model.safetensors, tokenizer files).
            """)
    var model: String

    /// The verified artifact; fails with a message naming what is missing or corrupt.
    func load() throws -> ModelArtifact {
        try ModelArtifact.load(from: model)
    }

    /// Either kind of model: a folder with `config.json` and no `manifest.json` is a Hugging
    /// Face classifier.
    func loadAnyKind() throws -> CommandLineModel {
        let directory = URL(fileURLWithPath: model)
        let isHuggingFace =
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path)
            && FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path)
        return isHuggingFace ? .huggingFace(try SequenceClassifier(directory: directory), path: model) : .artifact(try load())
    }
}

/// A model `predict` and `evaluate` can use.
enum CommandLineModel {
    case artifact(ModelArtifact)
    case huggingFace(SequenceClassifier, path: String)

    var labels: LabelSet {
        switch self {
        case .artifact(let artifact): artifact.classifier.labels
        case .huggingFace(let classifier, _): classifier.labels
        }
    }

    /// How reports name the model.
    var title: String {
        switch self {
        case .artifact(let artifact): "Model \(artifact.manifest.name) version \(artifact.manifest.version)"
        case .huggingFace(_, let path): "Hugging Face model \(path)"
        }
    }

    /// Predictions for `texts`, and for each whether the model had to truncate it.
    func classify(_ texts: [String]) throws -> [(prediction: Prediction, truncated: Bool)] {
        switch self {
        case .artifact(let artifact):
            return Evaluator.predictions(of: artifact.classifier, texts: texts).map { ($0, false) }
        case .huggingFace(let classifier, _):
            return try classifier.classify(texts).map { ($0.prediction, $0.isTruncated) }
        }
    }
}
