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
            : .artifact(try LoadedModel.load(from: model), manifest: try ModelArtifact.manifest(at: model))
    }
}

/// A model `predict` and `evaluate` can use.
enum CommandLineModel {
    case artifact(LoadedModel, manifest: ModelManifest)
    case huggingFace(SequenceClassifier, path: String)

    var labels: LabelSet {
        switch self {
        case .artifact(let model, _): model.labels
        case .huggingFace(let classifier, _): classifier.labels
        }
    }

    /// How reports name the model.
    var title: String {
        switch self {
        case .artifact(_, let manifest): "Model \(manifest.name) version \(manifest.version)"
        case .huggingFace(_, let path): "Hugging Face model \(path)"
        }
    }

    /// Predictions for `texts`, and for each whether the model had to truncate it. `progress`
    /// hears the count done after each batch of an encoder model.
    func classify(_ texts: [String], progress: (Int) -> Void = { _ in }) throws -> [(prediction: Prediction, truncated: Bool)] {
        switch self {
        case .artifact(let model, _):
            switch model.backend {
            case .nGram(let classifier):
                return Evaluator.predictions(of: classifier, texts: texts).map { ($0, false) }
            case .remote:
                throw ValidationError("--model must be an artifact or a Hugging Face folder, not a remote model")
            case .encoderHead, .fineTunedEncoder, .ensemble:
                return try model.classify(texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
            }
        case .huggingFace(let classifier, _):
            return try classifier.classify(texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
        }
    }
}
