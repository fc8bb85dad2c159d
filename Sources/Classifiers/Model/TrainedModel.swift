/// What a model artifact holds: a complete n-gram classifier, or a head that classifies the
/// embeddings of the encoder its manifest names.
public enum TrainedModel: Sendable {
    case nGram(TextClassifier)
    case embeddingHead(EmbeddingHead)

    public var labels: LabelSet {
        switch self {
        case .nGram(let classifier): classifier.labels
        case .embeddingHead(let head): head.labels
        }
    }

    public var weights: LinearWeights {
        switch self {
        case .nGram(let classifier): classifier.weights
        case .embeddingHead(let head): head.weights
        }
    }
}
