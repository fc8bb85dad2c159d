import ArgumentParser
import Classifiers
import Encoders
import Foundation
import ModelRuntime

/// The `--model` option of every command that classifies with a model.
struct ModelOptions: ParsableArguments {
    @Option(
        help: """
            The model: an artifact directory written by `magpie train`, or a Hugging Face \
            BertForSequenceClassification / DistilBertForSequenceClassification folder (config.json, \
            model.safetensors, tokenizer files).
            """)
    var model: String

    /// The artifact's manifest, format-checked, without loading weights.
    func manifest() throws -> ModelManifest {
        try ModelArtifact.manifest(at: model)
    }

    /// Either kind of model: a folder with `config.json` and no `manifest.json` is a Hugging
    /// Face classifier; anything else must be an artifact (n-gram or encoder head).
    func loadAnyKind() throws -> CommandLineModel {
        let directory = URL(fileURLWithPath: model)
        let isHuggingFace =
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent(ModelArtifact.manifestFile).path)
            && FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path)
        return isHuggingFace
            ? .huggingFace(try SequenceClassifier(directory: directory), path: model)
            : .artifact(try ArtifactModel.load(from: model))
    }
}

/// A model `predict` and `evaluate` can use.
enum CommandLineModel {
    case artifact(ArtifactModel)
    case huggingFace(SequenceClassifier, path: String)

    var labels: LabelSet {
        switch self {
        case .artifact(let model): model.labels
        case .huggingFace(let classifier, _): classifier.labels
        }
    }

    /// How reports name the model.
    var title: String {
        switch self {
        case .artifact(let model): "Model \(model.manifest.name) version \(model.manifest.version)"
        case .huggingFace(_, let path): "Hugging Face model \(path)"
        }
    }

    /// What explains the model's answers: every kind can (`LocalClassifier.explain`).
    var explainer: any LocalClassifier {
        switch self {
        case .artifact(let model): model.classifier
        case .huggingFace(let classifier, _): classifier
        }
    }

    /// Predictions for `texts`, and for each whether the model had to truncate it. `progress`
    /// hears the count done after each batch of an encoder model.
    func classify(_ texts: [String], progress: (Int) -> Void = { _ in }) throws -> [(prediction: Prediction, truncated: Bool)] {
        switch self {
        case .artifact(let model):
            // The n-gram model's predictions for many texts run on every core.
            if let classifier = model.classifier as? TextClassifier {
                return Evaluator.predictions(of: classifier, texts: texts).map { ($0, false) }
            }
            return try model.predictions(for: texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
        case .huggingFace(let classifier, _):
            return try classifier.classify(texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
        }
    }
}
