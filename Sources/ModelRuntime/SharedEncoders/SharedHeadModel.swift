import Classifiers
import Encoders

/// An encoder-head model whose encoder is shared (`SharedEncoder`): its texts join the
/// encoder's next pass with every other model's, and its head is applied to their embeddings.
public struct SharedHeadModel: ServableModel {
    public let manifest: ModelManifest
    public let head: EmbeddingHead
    public let encoder: SharedEncoder
    public let profile: ModelProfile

    public init(manifest: ModelManifest, head: EmbeddingHead, encoder: SharedEncoder) {
        self.manifest = manifest
        self.head = head
        self.encoder = encoder
        profile = ModelProfile(manifest: manifest)
    }

    /// Integrated gradients through the shared encoder's network, one explanation at a time
    /// for every head on it.
    public func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? {
        let labelIndex: Int
        if let label {
            guard let index = head.labels.names.firstIndex(of: label) else {
                throw ModelRuntimeError.unknownLabel(model: manifest.name, label: label, known: head.labels.names)
            }
            labelIndex = index
        } else {
            labelIndex = try await classify([text], context: context).predictions[0].labelIndex
        }
        return try await encoder.attributor.explain(
            text, labelIndex: labelIndex, head: head, textEncoder: encoder.textEncoder)
    }

    public func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
        let embedded = try await encoder.embed(texts, context: context)
        return ModelAnswer(
            predictions: embedded.embeddings.map { head.predict($0.vector) },
            truncated: embedded.embeddings.map { $0.droppedPieceCount > 0 }, computing: embedded.computing,
            queueing: embedded.queueing, passTexts: embedded.passTexts)
    }
}
