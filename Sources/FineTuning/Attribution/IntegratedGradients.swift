import Classifiers
import Encoders

/// Each token's share of a score, by integrated gradients (Sundararajan et al., 2017): the
/// gradient of the score along the straight path from a baseline's word embeddings to the
/// text's, averaged and multiplied by the difference between the two. The shares add up to
/// the score's difference between the text and the baseline, less the error of the path
/// integral's quadrature, which `completenessError` reports.
public struct TokenAttribution: Sendable, Equatable {
    /// One per token of the sequence, `[CLS]` and `[SEP]` included.
    public var scores: [Double]
    /// The score of the text.
    public var score: Double
    /// The score of the baseline: what the text is explained against.
    public var baselineScore: Double
    /// Intervals of the path: the attribution took `steps + 1` forward and backward passes.
    public var steps: Int

    /// How far the shares' sum is from `score − baselineScore`.
    public var completenessError: Double { abs(scores.reduce(0, +) - (score - baselineScore)) }
}

extension SequenceClassifierNetwork {
    /// The attribution of `score` over `ids`, against `baseline` (as long, usually `[CLS]`,
    /// then `[PAD]`s, then `[SEP]`: positions and sequence marks stay, the words go). The
    /// path's `steps + 1` points (the trapezoid rule, whose ends are the two scores) run
    /// through the network a batch at a time, at most `rowsPerPass` tokens per batch, so
    /// memory stays bounded for long texts. Gauss–Legendre points (Captum's default) were
    /// tried: at 20 points their error on MiniLM was 30 times the trapezoid's, and on
    /// DistilBERT's ReLU head it converged more slowly. Needs a network without dropout; it
    /// never changes its parameters.
    public func integratedGradients(
        of ids: [Int32], baseline: [Int32], score: AttributedScore, steps: Int = 20, rowsPerPass: Int = 768
    ) throws(FineTuningError) -> TokenAttribution {
        precondition(dropout == .none, "integrated gradients need a network without dropout")
        guard steps >= 1 else { throw .invalidSetting(name: "steps", reason: "integrated gradients need at least 1 step") }
        guard baseline.count == ids.count else {
            throw .invalidSetting(name: "baseline", reason: "the baseline has \(baseline.count) tokens, the text \(ids.count)")
        }
        try validate([ids, baseline], labels: nil)
        if case .classifierLogit(let label) = score, !(0..<layout.labelCount).contains(label) {
            throw .unknownLabel(index: 0, label: label, labelCount: layout.labelCount)
        }
        let size = configuration.hiddenSize
        let length = ids.count
        let table = value(layout.wordEmbeddings)
        let difference = Buffer(length * size)
        let start = Buffer(length * size)
        for position in 0..<length {
            let text = table + Int(ids[position]) * size
            let base = table + Int(baseline[position]) * size
            (start.pointer + position * size).update(from: base, count: size)
            for index in 0..<size { difference.pointer[position * size + index] = text[index] - base[index] }
        }
        let averageGradient = Buffer(length * size)
        var scores = [Double](repeating: 0, count: steps + 1)
        let perPass = max(1, rowsPerPass / length)
        for first in stride(from: 0, through: steps, by: perPass) {
            let points = Array(first...min(first + perPass - 1, steps))
            let pass = pathPass(
                points.map { Float($0) / Float(steps) }, start: start, difference: difference, ids: ids, score: score)
            for (offset, point) in points.enumerated() {
                scores[point] = pass.scores[offset]
                let weight = (point == 0 || point == steps ? 0.5 : 1) / Float(steps)
                let rows = pass.embeddingGradient.pointer + offset * length * size
                for index in 0..<(length * size) { averageGradient.pointer[index] += weight * rows[index] }
            }
        }
        let attributions = (0..<length).map { position in
            (0..<size).reduce(0.0) { sum, index in
                let offset = position * size + index
                return sum + Double(difference.pointer[offset]) * Double(averageGradient.pointer[offset])
            }
        }
        return TokenAttribution(scores: attributions, score: scores[steps], baselineScore: scores[0], steps: steps)
    }

    /// One batch of points on the path: each point's score and the gradient of each token's
    /// embedding sum, which is the gradient of its word embedding.
    private func pathPass(
        _ alphas: [Float], start: Buffer, difference: Buffer, ids: [Int32], score: AttributedScore
    ) -> (scores: [Double], embeddingGradient: Buffer) {
        let size = configuration.hiddenSize
        let length = ids.count
        let words = Buffer(alphas.count * length * size)
        for (sequence, alpha) in alphas.enumerated() {
            let rows = words.pointer + sequence * length * size
            for index in 0..<(length * size) { rows[index] = start.pointer[index] + alpha * difference.pointer[index] }
        }
        let batch = TokenBatch(Array(repeating: ids, count: alphas.count))
        var masks = DropoutMasks(generator: SeededGenerator(seed: 0))
        let record = forward(batch, masks: &masks, words: words.pointer)
        var scores: [Double] = []
        let outputGradient: Buffer
        switch score {
        case .classifierLogit(let label):
            let classes = layout.labelCount
            let logitGradient = Buffer(alphas.count * classes)
            for sequence in alphas.indices {
                logitGradient.pointer[sequence * classes + label] = 1
                scores.append(Double(record.logits.pointer[sequence * classes + label]))
            }
            outputGradient = headBackward(record, logitGradient: logitGradient)
        case .pooledLinear:
            outputGradient = Buffer(batch.rows * size)
            for (sequence, first) in batch.firstRows.enumerated() {
                scores.append(
                    score.valueAndGradient(
                        states: record.output.pointer + first * size, length: length, size: size,
                        gradient: outputGradient.pointer + first * size))
            }
        }
        return (scores, encoderBackward(record, outputGradient: outputGradient))
    }
}
