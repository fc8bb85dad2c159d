/// Every weight of a BERT or DistilBERT encoder and its optional classification head, by role
/// rather than by checkpoint name: the two families name the same parts differently.
struct EncoderWeights: Sendable {
    struct Layer: Sendable {
        /// Query, key and value side by side: one product of `3 × hidden` outputs.
        let queryKeyValue: Linear
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

    /// `packing` packs each layer for the kernels, or maps it packed from an earlier load.
    init(_ file: SafetensorsFile, _ configuration: EncoderConfiguration, packing: WeightPacking) throws(EncoderError) {
        let hidden = configuration.hiddenSize
        let epsilon = configuration.layerNormEpsilon
        let inner = configuration.intermediateSize
        let prefix = try Self.prefix(in: file, family: configuration.family)
        let names = CheckpointNames(configuration.family)
        wordEmbeddings = try file.tensor(
            prefix + "embeddings.word_embeddings.weight", shape: [configuration.vocabularySize, hidden])
        positionEmbeddings = try file.tensor(
            prefix + "embeddings.position_embeddings.weight", shape: [configuration.maxPositions, hidden])
        embeddingNorm = try LayerNorm(file, prefix + "embeddings.LayerNorm", size: hidden, epsilon: epsilon)
        tokenTypeEmbeddings =
            configuration.tokenTypeCount > 0
            ? try file.tensor(prefix + "embeddings.token_type_embeddings.weight", shape: [configuration.tokenTypeCount, hidden])
            : nil
        var layers: [Layer] = []
        for index in 0..<configuration.layerCount {
            let name = prefix + names.layers + "\(index)."
            layers.append(
                Layer(
                    queryKeyValue: try Linear(
                        file, stacking: [name + names.query, name + names.key, name + names.value], inputs: hidden,
                        outputs: hidden, packing: packing),
                    attentionOutput: try Linear(
                        file, name + names.attentionOutput, inputs: hidden, outputs: hidden, packing: packing),
                    attentionNorm: try LayerNorm(file, name + names.attentionNorm, size: hidden, epsilon: epsilon),
                    intermediate: try Linear(file, name + names.intermediate, inputs: hidden, outputs: inner, packing: packing),
                    output: try Linear(file, name + names.output, inputs: inner, outputs: hidden, packing: packing),
                    outputNorm: try LayerNorm(file, name + names.outputNorm, size: hidden, epsilon: epsilon)))
        }
        self.layers = layers
        head =
            configuration.isSequenceClassifier
            ? ClassificationHead(
                dense: try Linear(file, names.headDense(prefix: prefix), inputs: hidden, outputs: hidden, packing: packing),
                classifier: try Linear(
                    file, "classifier", inputs: hidden, outputs: configuration.labels?.count ?? 2, packing: packing)) : nil
        packing.finish()
    }

    /// Where each part lives in a family's checkpoint: the two name the same parts differently.
    private struct CheckpointNames {
        let layers, query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm: String
        let family: EncoderConfiguration.Family

        init(_ family: EncoderConfiguration.Family) {
            self.family = family
            switch family {
            case .bert:
                (layers, query, key, value) = (
                    "encoder.layer.", "attention.self.query", "attention.self.key", "attention.self.value"
                )
                (attentionOutput, attentionNorm) = ("attention.output.dense", "attention.output.LayerNorm")
                (intermediate, output, outputNorm) = ("intermediate.dense", "output.dense", "output.LayerNorm")
            case .distilBERT:
                (layers, query, key, value) = ("transformer.layer.", "attention.q_lin", "attention.k_lin", "attention.v_lin")
                (attentionOutput, attentionNorm) = ("attention.out_lin", "sa_layer_norm")
                (intermediate, output, outputNorm) = ("ffn.lin1", "ffn.lin2", "output_layer_norm")
            }
        }

        /// BERT's pooler lies inside the `bert.` prefix; DistilBERT's pre-classifier outside it.
        func headDense(prefix: String) -> String {
            family == .bert ? prefix + "pooler.dense" : "pre_classifier"
        }
    }

    /// `bert.` or `distilbert.` in checkpoints with a head, nothing in a bare `BertModel` such
    /// as all-MiniLM-L6-v2.
    private static func prefix(in file: SafetensorsFile, family: EncoderConfiguration.Family) throws(EncoderError) -> String {
        let named = family == .bert ? "bert." : "distilbert."
        for prefix in [named, ""] where file.entries[prefix + "embeddings.word_embeddings.weight"] != nil { return prefix }
        throw .missingTensor(path: file.path, name: named + "embeddings.word_embeddings.weight")
    }
}
