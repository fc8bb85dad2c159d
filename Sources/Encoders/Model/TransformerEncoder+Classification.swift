import Foundation

extension TransformerEncoder {
    /// The classifier's outputs, or nil for an encoder without a classification head.
    public var classCount: Int? { weights.head?.classifier.outputSize }

    /// Class scores of each sequence from the folder's `*ForSequenceClassification` head:
    /// `classifier(tanh(pooler(h[CLS])))` for BERT, `classifier(relu(pre_classifier(h[CLS])))`
    /// for DistilBERT.
    public func logits(of sequences: [[Int32]]) throws(EncoderError) -> [[Float]] {
        guard let head = weights.head else { throw .noClassificationHead }
        let states = try hiddenStates(of: sequences)[0]
        let size = configuration.hiddenSize
        var pooled = [Float](repeating: 0, count: size)
        var logits = [Float](repeating: 0, count: head.classifier.outputSize)
        return states.rowOffsets.map { row in
            states.values.withUnsafeBufferPointer { values in
                pooled.withUnsafeMutableBufferPointer { pooled in
                    head.dense.apply(values.baseAddress! + row * size, rows: 1, into: pooled.baseAddress!)
                    for index in 0..<size {
                        pooled[index] = configuration.family == .bert ? tanhf(pooled[index]) : max(pooled[index], 0)
                    }
                    logits.withUnsafeMutableBufferPointer { logits in
                        head.classifier.apply(pooled.baseAddress!, rows: 1, into: logits.baseAddress!)
                    }
                }
            }
            return logits
        }
    }
}
