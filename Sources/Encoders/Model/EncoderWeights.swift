/// Every weight of a BERT or DistilBERT encoder and its optional classification head, by role
/// rather than by checkpoint name: the two families name the same parts differently.
struct EncoderWeights: Sendable {
    struct Layer: Sendable {
        let query: Linear
        let key: Linear
        let value: Linear
        let attentionOutput: Linear
        let attentionNorm: LayerNorm
        let intermediate: Linear
        let output: Linear
        let outputNorm: LayerNorm
    }

    /// The two dense layers over the `[CLS]` state: BERT's pooler (tanh) then classifier, or
    /// DistilBERT's pre-classifier (ReLU) then classifier.
    struct ClassificationHead: Sendable {
        let dense: Linear
        let classifier: Linear
    }

    let wordEmbeddings: Tensor
    let positionEmbeddings: Tensor
    let tokenTypeEmbeddings: Tensor?
    let embeddingNorm: LayerNorm
    let layers: [Layer]
    let head: ClassificationHead?

    init(_ file: SafetensorsFile, _ configuration: EncoderConfiguration) throws(EncoderError) {
        let hidden = configuration.hiddenSize
        let epsilon = configuration.layerNormEpsilon
        let inner = configuration.intermediateSize
        let prefix = try Self.prefix(in: file, family: configuration.family)
        wordEmbeddings = try file.tensor(
            prefix + "embeddings.word_embeddings.weight", shape: [configuration.vocabularySize, hidden])
        positionEmbeddings = try file.tensor(
            prefix + "embeddings.position_embeddings.weight", shape: [configuration.maxPositions, hidden])
        embeddingNorm = try LayerNorm(file, prefix + "embeddings.LayerNorm", size: hidden, epsilon: epsilon)
        var layers: [Layer] = []
        switch configuration.family {
        case .bert:
            tokenTypeEmbeddings = try file.tensor(
                prefix + "embeddings.token_type_embeddings.weight", shape: [configuration.tokenTypeCount, hidden])
            for index in 0..<configuration.layerCount {
                let name = prefix + "encoder.layer.\(index)."
                layers.append(
                    Layer(
                        query: try Linear(file, name + "attention.self.query", inputs: hidden, outputs: hidden),
                        key: try Linear(file, name + "attention.self.key", inputs: hidden, outputs: hidden),
                        value: try Linear(file, name + "attention.self.value", inputs: hidden, outputs: hidden),
                        attentionOutput: try Linear(file, name + "attention.output.dense", inputs: hidden, outputs: hidden),
                        attentionNorm: try LayerNorm(file, name + "attention.output.LayerNorm", size: hidden, epsilon: epsilon),
                        intermediate: try Linear(file, name + "intermediate.dense", inputs: hidden, outputs: inner),
                        output: try Linear(file, name + "output.dense", inputs: inner, outputs: hidden),
                        outputNorm: try LayerNorm(file, name + "output.LayerNorm", size: hidden, epsilon: epsilon)))
            }
            head =
                configuration.isSequenceClassifier
                ? ClassificationHead(
                    dense: try Linear(file, prefix + "pooler.dense", inputs: hidden, outputs: hidden),
                    classifier: try Linear(file, "classifier", inputs: hidden, outputs: configuration.labels?.count ?? 2)) : nil
        case .distilBERT:
            tokenTypeEmbeddings = nil
            for index in 0..<configuration.layerCount {
                let name = prefix + "transformer.layer.\(index)."
                layers.append(
                    Layer(
                        query: try Linear(file, name + "attention.q_lin", inputs: hidden, outputs: hidden),
                        key: try Linear(file, name + "attention.k_lin", inputs: hidden, outputs: hidden),
                        value: try Linear(file, name + "attention.v_lin", inputs: hidden, outputs: hidden),
                        attentionOutput: try Linear(file, name + "attention.out_lin", inputs: hidden, outputs: hidden),
                        attentionNorm: try LayerNorm(file, name + "sa_layer_norm", size: hidden, epsilon: epsilon),
                        intermediate: try Linear(file, name + "ffn.lin1", inputs: hidden, outputs: inner),
                        output: try Linear(file, name + "ffn.lin2", inputs: inner, outputs: hidden),
                        outputNorm: try LayerNorm(file, name + "output_layer_norm", size: hidden, epsilon: epsilon)))
            }
            head =
                configuration.isSequenceClassifier
                ? ClassificationHead(
                    dense: try Linear(file, "pre_classifier", inputs: hidden, outputs: hidden),
                    classifier: try Linear(file, "classifier", inputs: hidden, outputs: configuration.labels?.count ?? 2)) : nil
        }
        self.layers = layers
    }

    /// `bert.` or `distilbert.` in checkpoints with a head, nothing in a bare `BertModel` such
    /// as all-MiniLM-L6-v2.
    private static func prefix(in file: SafetensorsFile, family: EncoderConfiguration.Family) throws(EncoderError) -> String {
        let named = family == .bert ? "bert." : "distilbert."
        for prefix in [named, ""] where file.entries[prefix + "embeddings.word_embeddings.weight"] != nil { return prefix }
        throw .missingTensor(path: file.path, name: named + "embeddings.word_embeddings.weight")
    }
}
