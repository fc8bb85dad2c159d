/// The recipe of a fine-tuning run: `magpie train --fine-tune`'s options, with the defaults of
/// the usual BERT recipe (Devlin et al.; `transformers`' Trainer).
public struct FineTuningSettings: Sendable, Equatable, Codable {
    public var epochs: Int = 3
    public var batchSize: Int = 16
    public var learningRate: Float = 5e-5
    /// Tokens per text, `[CLS]` and `[SEP]` included; longer texts are cut.
    public var maxLength: Int = 256
    /// The share of all updates spent warming the learning rate up from zero.
    public var warmup: Double = 0.06
    public var weightDecay: Float = 0.01
    public var maxGradientNorm: Float = 1
    /// Weights each class's loss by `n / (classes · n_class)`, for unbalanced data.
    public var balancedClassWeights: Bool = false
    public var seed: UInt64 = 42

    public init() {}

    /// Refuses settings no run could use, naming the option.
    public func validate() throws(FineTuningError) {
        guard epochs >= 1 else { throw .invalidSetting(name: "epochs", reason: "must be at least 1, not \(epochs)") }
        guard batchSize >= 1 else { throw .invalidSetting(name: "batch-size", reason: "must be at least 1, not \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidSetting(name: "learning-rate", reason: "must be a positive number, not \(learningRate)")
        }
        guard maxLength >= 3 else { throw .invalidSetting(name: "max-length", reason: "must be at least 3, not \(maxLength)") }
        guard (0..<1).contains(warmup) else {
            throw .invalidSetting(name: "warmup", reason: "must be a fraction in [0, 1), not \(warmup)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw .invalidSetting(name: "weight-decay", reason: "must be zero or more, not \(weightDecay)")
        }
    }

    /// `n / (classes · n_class)` per class, or nil when the weights are not balanced.
    public func classWeights(labels: [Int], classCount: Int) -> [Float]? {
        guard balancedClassWeights else { return nil }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts.map { $0 == 0 ? 0 : Float(labels.count) / Float(classCount * $0) }
    }
}
