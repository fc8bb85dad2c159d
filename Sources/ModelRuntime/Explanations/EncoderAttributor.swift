import Classifiers
import Encoders
import FineTuning
import Foundation
import Synchronization

/// Explains an encoder model's score by integrated gradients over its word embeddings, from
/// a baseline of `[PAD]` pieces between the text's `[CLS]` and `[SEP]`, then merges the word
/// pieces' shares back into the words they were cut from.
///
/// The gradients need the float32 network of fine-tuning, a second copy of the weights
/// (91 MB for MiniLM), so it is loaded at the first explanation, not with the model.
/// Explanations run one at a time on a queue of their own, off Swift's cooperative pool: each
/// is most of a second of every compute thread, and its activations are bounded per pass,
/// not per concurrent request. At most `maxWaiting` wait behind the one running; more are
/// refused as overloaded (503 with `Retry-After`), so a flood of explanations cannot queue
/// minutes of work that its clients have long given up on.
final class EncoderAttributor: Sendable {
    /// Points on the path between the baseline and the text: 20 puts MiniLM's completeness
    /// error at about 1% of the score's difference (`docs/api.md#explanations`).
    static let steps = 20
    static let maxWaiting = 4

    let directory: URL
    let tokenizer: WordPieceTokenizer
    let maxLength: Int
    let labelCount: Int
    /// How errors name the model: its name, or its encoder's for a shared one.
    let name: String
    private let network = Mutex<SequenceClassifierNetwork?>(nil)
    private let admitted = Atomic<Int>(0)
    private let executor = ComputeExecutor(label: "magpie.explain")

    init(name: String, directory: URL, tokenizer: WordPieceTokenizer, maxLength: Int, labelCount: Int) {
        self.name = name
        self.directory = directory
        self.tokenizer = tokenizer
        self.maxLength = maxLength
        self.labelCount = labelCount
    }

    /// The explanation of `score` (the logit of `labelIndex`, or a head's) for `text`.
    func explain(_ text: String, labelIndex: Int, score: AttributedScore) async throws -> Explanation {
        guard admitted.add(1, ordering: .relaxed).newValue <= 1 + Self.maxWaiting else {
            admitted.subtract(1, ordering: .relaxed)
            throw ModelRuntimeError.overloaded(model: name, retryAfterSeconds: 1)
        }
        defer { admitted.subtract(1, ordering: .relaxed) }
        return try await withTaskExecutorPreference(executor) {
            try self.explainHere(text, labelIndex: labelIndex, score: score)
        }
    }

    /// The explanation of an encoder head's logit for `labelIndex`, `weights · pool(states) +
    /// bias`, over the first window the encoder reads: a long text pooled over windows is
    /// explained by its first.
    func explain(_ text: String, labelIndex: Int, head: EmbeddingHead, textEncoder: TextEncoder) async throws
        -> Explanation
    {
        let weights = head.weights
        let score = AttributedScore.pooledLinear(
            pooling: textEncoder.pooling, normalizes: textEncoder.normalizes,
            weights: (0..<weights.featureCount).map { weights.weights[$0 * weights.classCount + labelIndex] },
            bias: weights.bias[labelIndex])
        return try await explain(text, labelIndex: labelIndex, score: score)
    }

    private func explainHere(_ text: String, labelIndex: Int, score: AttributedScore) throws -> Explanation {
        let pieceWords = tokenizer.pieceWords(of: text)
        let kept = min(pieceWords.ids.count, max(maxLength - 2, 0))
        let ids = [tokenizer.classificationTokenID] + pieceWords.ids.prefix(kept) + [tokenizer.separatorTokenID]
        let baseline =
            [tokenizer.classificationTokenID] + Array(repeating: tokenizer.paddingTokenID, count: kept)
            + [tokenizer.separatorTokenID]
        let attribution = try loadedNetwork().integratedGradients(
            of: ids, baseline: baseline, score: score, steps: Self.steps)
        var wordScores: [Int: Double] = [:]
        for (piece, word) in pieceWords.wordOfPiece.prefix(kept).enumerated() {
            wordScores[word, default: 0] += attribution.scores[piece + 1]
        }
        let tokens = pieceWords.words.indices.compactMap { index -> Explanation.Token? in
            guard let score = wordScores[index] else { return nil }
            let word = pieceWords.words[index]
            return Explanation.Token(text: word.text, source: word.source, score: score)
        }
        var explanation = Explanation(
            labelIndex: labelIndex, logit: attribution.score, bias: attribution.baselineScore, tokens: tokens)
        explanation.method = .integratedGradients(steps: attribution.steps, completenessError: attribution.completenessError)
        explanation.coversWholeText = kept == pieceWords.ids.count
        return explanation
    }

    private func loadedNetwork() throws -> SequenceClassifierNetwork {
        if let loaded = network.withLock({ $0 }) { return loaded }
        let loaded = try SequenceClassifierNetwork.load(
            directory: directory, labelCount: labelCount, dropout: DropoutSettings.none, trainable: false)
        network.withLock { $0 = loaded }
        return loaded
    }
}
