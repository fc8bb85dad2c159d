import Classifiers
import Encoders
import Foundation

/// A BERT or DistilBERT sequence classifier whose every weight trains: the forward pass keeps
/// what the backward pass needs, and the backward pass adds each parameter's gradient of the
/// cross-entropy loss into `parameters.gradients`. The layers are Hugging Face's
/// `BertForSequenceClassification` and `DistilBertForSequenceClassification`, so gradients
/// match PyTorch's for the same weights and batch.
public final class SequenceClassifierNetwork: @unchecked Sendable {
    public let layout: ClassifierLayout
    public let parameters: ParameterSet
    public var dropout: DropoutSettings
    /// How many workers the products and attention heads are spread over (OpenBLAS itself
    /// should run on one thread; see `MatrixProducts`).
    public var threads: Int

    var configuration: EncoderConfiguration { layout.configuration }

    init(layout: ClassifierLayout, parameters: ParameterSet, dropout: DropoutSettings, threads: Int) {
        self.layout = layout
        self.parameters = parameters
        self.dropout = dropout
        self.threads = threads
    }

    func value(_ parameter: ParameterSet.Parameter) -> UnsafeMutablePointer<Float> { parameters.values + parameter.offset }
    /// Where `parameter`'s gradient accumulates; nil in a frozen network.
    func gradient(_ parameter: ParameterSet.Parameter) -> UnsafeMutablePointer<Float>? {
        parameters.keepsGradients ? parameters.gradients + parameter.offset : nil
    }

    /// One forward and backward pass over `sequences` (token ids with `[CLS]` and `[SEP]`),
    /// adding the gradients of the mean loss to `parameters.gradients`. Returns the loss.
    public func accumulateGradients(
        sequences: [[Int32]], labels: [Int], classWeights: [Float]? = nil, seed: UInt64 = 0
    ) throws(FineTuningError) -> Float {
        precondition(parameters.keepsGradients, "a frozen network has no room for gradients")
        try validate(sequences, labels: labels)
        var masks = DropoutMasks(generator: SeededGenerator(seed: seed))
        let record = forward(TokenBatch(sequences), masks: &masks)
        let logitGradient = Buffer(labels.count * layout.labelCount)
        let loss = CrossEntropy.lossAndGradient(
            logits: record.logits.pointer, labels: labels, classes: layout.labelCount, weights: classWeights,
            gradient: logitGradient.pointer)
        backward(record, logitGradient: logitGradient)
        return loss
    }

    /// The logits of each sequence, with dropout off.
    public func logits(of sequences: [[Int32]]) throws(FineTuningError) -> [[Float]] {
        try validate(sequences, labels: nil)
        let saved = dropout
        dropout = .none
        defer { dropout = saved }
        var masks = DropoutMasks(generator: SeededGenerator(seed: 0))
        let record = forward(TokenBatch(sequences), masks: &masks)
        let classes = layout.labelCount
        return (0..<sequences.count).map { row in
            Array(UnsafeBufferPointer(start: record.logits.pointer + row * classes, count: classes))
        }
    }

    func validate(_ sequences: [[Int32]], labels: [Int]?) throws(FineTuningError) {
        guard !sequences.isEmpty else { throw .emptyBatch }
        for (index, sequence) in sequences.enumerated() {
            guard !sequence.isEmpty else { throw .encoder(.emptySequence(index: index)) }
            guard sequence.count <= configuration.maxPositions else {
                throw .encoder(
                    .sequenceTooLong(index: index, length: sequence.count, maxPositions: configuration.maxPositions))
            }
            if let id = sequence.first(where: { $0 < 0 || Int($0) >= configuration.vocabularySize }) {
                throw .encoder(.tokenOutOfRange(index: index, id: Int(id), vocabularySize: configuration.vocabularySize))
            }
        }
        for (index, label) in (labels ?? []).enumerated() where !(0..<layout.labelCount).contains(label) {
            throw .unknownLabel(index: index, label: label, labelCount: layout.labelCount)
        }
    }
}
