import Classifiers
import Encoders
import Foundation

/// A model ready to classify: an artifact in memory, or a client of a remote one. Immutable
/// and shared by every request.
public struct LoadedModel: Sendable {
    /// The artifact's manifest; nil for a remote model.
    public let manifest: ModelManifest?
    public let backend: Backend
    /// How long reading and verifying the artifact (and an encoder head's encoder) took.
    public let loadDuration: Duration

    /// How a model computes: n-gram features and linear weights, a frozen encoder feeding a
    /// trained head, a fine-tuned encoder with its classification head, an average of other
    /// artifacts, or another server.
    public enum Backend: Sendable {
        case nGram(TextClassifier)
        case encoderHead(EncoderHeadClassifier)
        case fineTunedEncoder(SequenceClassifier)
        case ensemble(EnsembleClassifier)
        case remote(any RemoteClassifier)
    }

    public init(manifest: ModelManifest?, backend: Backend, loadDuration: Duration) {
        self.manifest = manifest
        self.backend = backend
        self.loadDuration = loadDuration
    }

    /// Reads and verifies the artifact at `path`; for an encoder head, also verifies and maps
    /// its encoder; for a fine-tuned encoder, checks its files and maps its weights; for an
    /// ensemble, checks its members' manifests and loads each member so.
    public static func load(from path: String) throws -> LoadedModel {
        let clock = ContinuousClock()
        let start = clock.now
        let manifest = try ModelArtifact.manifest(at: path)
        if manifest.isEnsemble {
            guard let record = manifest.ensemble else {
                throw ArtifactError.unreadableManifest(path: path, reason: "an ensemble without its members")
            }
            try record.verifyMemberManifests(of: manifest, at: path)
            let ensemble = try EnsembleClassifier(manifest: manifest, record: record, path: path)
            return LoadedModel(manifest: manifest, backend: .ensemble(ensemble), loadDuration: start.duration(to: clock.now))
        }
        if manifest.isFineTunedEncoder {
            _ = try ModelArtifact.verifiedManifest(at: path)
            let classifier = try SequenceClassifier(
                directory: URL(fileURLWithPath: path), labels: LabelSet(labels: manifest.labels))
            return LoadedModel(
                manifest: manifest, backend: .fineTunedEncoder(classifier), loadDuration: start.duration(to: clock.now))
        }
        let artifact = try ModelArtifact.load(from: path)
        let backend: Backend
        switch artifact.model {
        case .nGram(let classifier): backend = .nGram(classifier)
        case .embeddingHead: backend = .encoderHead(try EncoderHeadClassifier(artifact: artifact, path: path))
        }
        return LoadedModel(manifest: artifact.manifest, backend: backend, loadDuration: start.duration(to: clock.now))
    }

    /// A remote model, ready as soon as it is configured.
    public init(remote: any RemoteClassifier) {
        self.init(manifest: nil, backend: .remote(remote), loadDuration: .zero)
    }

    /// The classes an artifact predicts; empty for a remote model, whose answers name their own.
    public var labels: LabelSet {
        switch backend {
        case .nGram(let classifier): classifier.labels
        case .encoderHead(let classifier): classifier.labels
        case .fineTunedEncoder(let classifier): classifier.labels
        case .ensemble(let classifier): classifier.labels
        case .remote: LabelSet(labels: [])
        }
    }

    /// The artifact's version, or `remote`.
    public var version: String { manifest?.version ?? "remote" }

    /// The remote client, when the model runs elsewhere.
    public var remote: (any RemoteClassifier)? {
        if case .remote(let remote) = backend { return remote }
        return nil
    }

    /// Predictions in the order of `texts`, each saying whether the model had to cut the text
    /// (only encoders do, at their maximum length). `progress` hears the count done after each
    /// batch of an encoder. Local models only: a remote one is called through `remote`,
    /// asynchronously.
    public func classify(_ texts: [String], progress: (_ done: Int) -> Void = { _ in })
        throws(EncoderError) -> [(prediction: Prediction, isTruncated: Bool)]
    {
        switch backend {
        case .nGram(let classifier):
            var predictor = classifier.makePredictor()
            return texts.map { (predictor.predict($0), false) }
        case .encoderHead(let classifier):
            return try classifier.classify(texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
        case .fineTunedEncoder(let classifier):
            return try classifier.classify(texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
        case .ensemble(let classifier):
            return try classifier.classify(texts, progress: progress).map { ($0.prediction, $0.isTruncated) }
        case .remote:
            preconditionFailure("a remote model is called through LoadedModel.remote")
        }
    }
}
