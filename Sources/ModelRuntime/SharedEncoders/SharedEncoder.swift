import Classifiers
import Encoders
import Foundation

/// One encoder in memory and its one batch queue, for every encoder-head model recorded on
/// the same files and settings (`EncoderIdentity`): ten classifiers over MiniLM hold one
/// MiniLM, and their concurrent requests share forward passes, each model then applying its
/// own head.
public final class SharedEncoder: Sendable {
    public let identity: EncoderIdentity
    public let textEncoder: TextEncoder
    public let longTexts: TextEncoder.LongTexts
    public let batcher: Batcher<Embeddings>
    /// One for every head on the encoder: the gradients' network is the encoder's.
    let attributor: EncoderAttributor

    /// Embeddings of a batch's texts, and what they took.
    public struct Embeddings: BatchAnswer {
        public var embeddings: [TextEncoder.Embedding]
        public var computing: Duration
        public var queueing: Duration?
        /// Texts in the pass, every model's.
        public var passTexts: Int?

        public func slice(_ range: Range<Int>, queueing: Duration, passTexts: Int) -> Embeddings {
            Embeddings(embeddings: Array(embeddings[range]), computing: computing, queueing: queueing, passTexts: passTexts)
        }

        public func queued(for queueing: Duration) -> Embeddings {
            Embeddings(embeddings: embeddings, computing: computing, queueing: queueing, passTexts: embeddings.count)
        }
    }

    init(
        identity: EncoderIdentity, textEncoder: TextEncoder, longTexts: TextEncoder.LongTexts, directory: URL,
        policy: BatchingPolicy, observe: @escaping @Sendable (BatchStatistics) -> Void
    ) {
        self.identity = identity
        attributor = EncoderAttributor(
            name: identity.description, directory: directory, tokenizer: textEncoder.tokenizer, maxLength: textEncoder.maxLength,
            labelCount: 2)
        self.textEncoder = textEncoder
        self.longTexts = longTexts
        batcher = Batcher(name: identity.description, policy: policy, observe: observe) { texts, _ in
            let clock = ContinuousClock()
            let start = clock.now
            let embeddings = try textEncoder.embed(texts, longTexts: longTexts)
            return Embeddings(embeddings: embeddings, computing: start.duration(to: clock.now))
        }
    }

    /// `texts`' embeddings, computed in the next pass of this encoder, whichever model asks.
    public func embed(_ texts: [String], context: InvocationContext) async throws -> Embeddings {
        try await batcher.run(texts, context: context)
    }
}
