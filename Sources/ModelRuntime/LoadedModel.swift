import Classifiers
import Foundation

/// A model in memory, ready to classify. Immutable and shared by every request.
public struct LoadedModel: Sendable {
    public let manifest: ModelManifest
    public let classifier: TextClassifier
    /// How long reading and verifying the artifact took.
    public let loadDuration: Duration

    public init(manifest: ModelManifest, classifier: TextClassifier, loadDuration: Duration) {
        self.manifest = manifest
        self.classifier = classifier
        self.loadDuration = loadDuration
    }

    /// Reads, verifies and indexes the artifact at `path`.
    public static func load(from path: String) throws(ArtifactError) -> LoadedModel {
        let clock = ContinuousClock()
        let start = clock.now
        let artifact = try ModelArtifact.load(from: path)
        return LoadedModel(
            manifest: artifact.manifest, classifier: artifact.classifier, loadDuration: start.duration(to: clock.now))
    }

    /// Predictions in the order of `texts`.
    public func classify(_ texts: [String]) -> [Prediction] {
        var predictor = classifier.makePredictor()
        return texts.map { predictor.predict($0) }
    }
}
