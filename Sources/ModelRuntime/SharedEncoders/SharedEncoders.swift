import Classifiers
import Encoders
import Synchronization

/// The encoders the server's encoder-head models share, one per `EncoderIdentity`, held only
/// while a loaded model uses it: when the last model sharing an encoder is unloaded (idle), so
/// is the encoder.
public final class SharedEncoders: Sendable {
    private struct Held {
        weak var encoder: SharedEncoder?
    }

    /// Its lock is held while an encoder loads, so that models loading together load it once.
    private let encoders = Mutex<[EncoderIdentity: Held]>([:])
    private let observe: @Sendable (EncoderIdentity, BatchStatistics) -> Void

    /// - Parameter observe: hears each shared batch's size, for metrics.
    public init(observe: @escaping @Sendable (EncoderIdentity, BatchStatistics) -> Void = { _, _ in }) {
        self.observe = observe
    }

    /// The encoders in memory now.
    public var loaded: [EncoderIdentity] { encoders.withLock { $0.filter { $0.value.encoder != nil }.map(\.key) } }

    /// The model at `path` as a `SharedHeadModel` if it is an encoder head, its encoder the one
    /// already in memory for its identity or loaded now (verified against its record); nil
    /// for any other kind of artifact. The first model to load an encoder sets its batching.
    public func model(at path: String, policy: BatchingPolicy) throws -> SharedHeadModel? {
        let manifest = try ModelArtifact.manifest(at: path)
        guard !manifest.isEnsemble, !manifest.isFineTunedEncoder, let record = manifest.encoder else { return nil }
        let artifact = try ModelArtifact.load(from: path)
        guard case .embeddingHead(let head) = artifact.model else { return nil }
        let identity = EncoderIdentity(record)
        let encoder = try encoders.withLock { encoders in
            if let shared = encoders[identity]?.encoder { return shared }
            let (textEncoder, longTexts) = try EncoderHeadClassifier.encoder(of: record, artifactPath: path)
            let observe = self.observe
            let shared = SharedEncoder(
                identity: identity, textEncoder: textEncoder, longTexts: longTexts,
                directory: record.directory(artifactPath: path), policy: policy,
                observe: { observe(identity, $0) })
            encoders = encoders.filter { $0.value.encoder != nil }
            encoders[identity] = Held(encoder: shared)
            return shared
        }
        try EncoderHeadClassifier.check(head, fits: encoder.textEncoder, record: record, artifactPath: path)
        return SharedHeadModel(manifest: artifact.manifest, head: head, encoder: encoder)
    }
}
