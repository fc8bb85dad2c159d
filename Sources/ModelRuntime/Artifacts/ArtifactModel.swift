import Classifiers
import Encoders
import Foundation

/// A Magpie artifact in memory, ready to classify: immutable and shared by every request.
public struct ArtifactModel: ServableModel {
    public let manifest: ModelManifest
    /// What computes: n-gram features and linear weights, an encoder feeding a head, a
    /// fine-tuned encoder, or an ensemble of other artifacts.
    public let classifier: any LocalClassifier
    public let profile: ModelProfile

    public init(manifest: ModelManifest, classifier: any LocalClassifier) {
        self.manifest = manifest
        self.classifier = classifier
        self.profile = ModelProfile(manifest: manifest)
    }

    /// Reads and verifies the artifact at `path`; for an encoder head, also verifies and maps
    /// its encoder; for a fine-tuned encoder, checks its files and maps its weights; for an
    /// ensemble, checks its members' manifests and loads each member so.
    public static func load(from path: String) throws -> ArtifactModel {
        let manifest = try ModelArtifact.manifest(at: path)
        if manifest.isEnsemble {
            guard let record = manifest.ensemble else {
                throw ArtifactError.unreadableManifest(path: path, reason: "an ensemble without its members")
            }
            try record.verifyMemberManifests(of: manifest, at: path)
            let ensemble = try EnsembleClassifier(manifest: manifest, record: record, path: path)
            return ArtifactModel(manifest: manifest, classifier: ensemble)
        }
        if manifest.isFineTunedEncoder {
            _ = try ModelArtifact.verifiedManifest(at: path)
            let classifier = try SequenceClassifier(
                directory: URL(fileURLWithPath: path), labels: LabelSet(labels: manifest.labels))
            return ArtifactModel(manifest: manifest, classifier: classifier)
        }
        let artifact = try ModelArtifact.load(from: path)
        switch artifact.model {
        case .nGram(let classifier):
            return ArtifactModel(manifest: artifact.manifest, classifier: classifier)
        case .embeddingHead:
            let classifier = try EncoderHeadClassifier(artifact: artifact, path: path)
            return ArtifactModel(manifest: artifact.manifest, classifier: classifier)
        }
    }

    public var labels: LabelSet { classifier.labels }

    /// Predictions in the order of `texts`, each saying whether an encoder had to cut the text
    /// at its maximum length; `progress` hears the count done after each batch of an encoder.
    public func predictions(for texts: [String], progress: (_ done: Int) -> Void = { _ in })
        throws(EncoderError) -> [EncoderPrediction]
    {
        try classifier.predictions(for: texts, progress: progress)
    }

    /// Every kind of artifact explains (`LocalClassifier.explain`).
    public func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? {
        guard let label else { return try await classifier.explain(text, labelIndex: nil) }
        guard let index = classifier.labels.names.firstIndex(of: label) else {
            throw ModelRuntimeError.unknownLabel(model: manifest.name, label: label, known: classifier.labels.names)
        }
        return try await classifier.explain(text, labelIndex: index)
    }

    public func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
        let clock = ContinuousClock()
        let start = clock.now
        let predictions = try classifier.predictions(for: texts, progress: { _ in })
        return ModelAnswer(
            predictions: predictions.map(\.prediction), truncated: predictions.map(\.isTruncated),
            computing: start.duration(to: clock.now))
    }
}
