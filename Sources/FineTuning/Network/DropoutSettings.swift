import Classifiers
import Encoders

/// Dropout probabilities as the checkpoint's configuration gives them: after the embeddings
/// and each sublayer (`hidden`), on attention probabilities, and before the classifier.
/// All zero makes a training step deterministic, as the parity tests need.
public struct DropoutSettings: Sendable, Equatable {
    public var hidden: Float
    public var attention: Float
    public var classifier: Float

    public init(hidden: Float, attention: Float, classifier: Float) {
        self.hidden = hidden
        self.attention = attention
        self.classifier = classifier
    }

    public static let none = DropoutSettings(hidden: 0, attention: 0, classifier: 0)
}

/// Fills masks of `0` or `1/(1−p)` from a seeded generator, so a run is repeatable.
struct DropoutMasks {
    var generator: SeededGenerator

    /// A mask of `count` values for probability `p`, or nil when `p` is zero.
    mutating func mask(_ count: Int, probability p: Float) -> Buffer? {
        guard p > 0 else { return nil }
        let mask = Buffer(count)
        let keep = 1 / (1 - p)
        for index in 0..<count {
            let uniform = Float(generator.next() >> 40) / Float(1 << 24)
            mask.pointer[index] = uniform < p ? 0 : keep
        }
        return mask
    }
}

extension Buffer {
    /// Multiplies element-wise by `mask`, when there is one.
    func apply(_ mask: Buffer?, count: Int? = nil) {
        guard let mask else { return }
        for index in 0..<(count ?? self.count) { pointer[index] *= mask.pointer[index] }
    }
}

extension EncoderConfiguration {
    /// The dropout the checkpoint was configured with.
    public var dropout: DropoutSettings {
        DropoutSettings(hidden: hiddenDropout, attention: attentionDropout, classifier: classifierDropout)
    }
}
