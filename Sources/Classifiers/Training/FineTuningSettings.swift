/// The recipe of a fine-tuning run: `magpie train --fine-tune`'s options, with the defaults of
/// the usual BERT recipe (Devlin et al.; `transformers`' Trainer). Recorded in a fine-tuned
/// model's manifest, so the model says how it was made.
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
    /// The stratified share of rows held out to pick the best epoch (0: none, the last is kept).
    public var validation: Double = 0.1

    public init() {}

    /// `n / (classes · n_class)` per class, or nil when the weights are not balanced.
    public func classWeights(labels: [Int], classCount: Int) -> [Float]? {
        guard balancedClassWeights else { return nil }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts.map { $0 == 0 ? 0 : Float(labels.count) / Float(classCount * $0) }
    }
}
