/// A linear classifier over a text encoder's sentence embeddings: the part of an encoder model
/// Magpie trains, while the encoder itself stays frozen. It knows nothing of how embeddings are
/// computed, so training and artifacts need no encoder code.
public struct EmbeddingHead: Sendable, Equatable {
    public let labels: LabelSet
    /// Feature-major over the embedding's dimensions, as `LinearWeights` always is.
    public let weights: LinearWeights

    public init(labels: LabelSet, weights: LinearWeights) {
        precondition(weights.classCount == labels.count)
        self.labels = labels
        self.weights = weights
    }

    /// The embedding size the head was trained on.
    public var dimensions: Int { weights.featureCount }

    /// Class probabilities of `embedding`, in label order.
    public func probabilities(of embedding: [Float]) -> [Float] {
        precondition(embedding.count == dimensions, "embedding of \(embedding.count) dimensions, head of \(dimensions)")
        let classCount = weights.classCount
        var scores = weights.bias
        weights.weights.withUnsafeBufferPointer { weights in
            for (dimension, value) in embedding.enumerated() {
                let base = dimension &* classCount
                for label in 0..<classCount { scores[label] += value * weights[base + label] }
            }
        }
        scores.applySoftmax()
        return scores
    }

    public func predict(_ embedding: [Float]) -> Prediction {
        Prediction(probabilities: probabilities(of: embedding), labels: labels)
    }
}
