/// The weights an artifact's `weights.bin` decodes to: a complete n-gram classifier, or a
/// head that classifies the embeddings of the encoder its manifest names. Which kind of model
/// a server runs (fine-tuned, ensemble and remote ones included) is `ModelRuntime`'s
/// `ModelKind`; this is only what one weights file can hold.
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
