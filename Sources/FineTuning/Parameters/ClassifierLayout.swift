import Encoders

/// Where each part of a `BertForSequenceClassification` or
/// `DistilBertForSequenceClassification` lives among its parameters, under the names
/// Hugging Face gives them, so a checkpoint written from the set loads in `transformers` as it is.
public struct ClassifierLayout: Sendable {
    /// A dense layer: `weight` is `[outputs, inputs]`, as PyTorch stores it.
    public struct Dense: Sendable {
        public let weight: ParameterSet.Parameter
        public let bias: ParameterSet.Parameter
        public var inputs: Int { weight.shape[1] }
        public var outputs: Int { weight.shape[0] }
    }

    public struct Norm: Sendable {
        public let gain: ParameterSet.Parameter
        public let bias: ParameterSet.Parameter
    }

    public struct Layer: Sendable {
        public let query, key, value, attentionOutput: Dense
        public let attentionNorm: Norm
        public let intermediate, output: Dense
        public let outputNorm: Norm
    }

    public let configuration: EncoderConfiguration
    public let labelCount: Int
    public let wordEmbeddings: ParameterSet.Parameter
    public let positionEmbeddings: ParameterSet.Parameter
    /// BERT's; DistilBERT has none.
    public let tokenTypeEmbeddings: ParameterSet.Parameter?
    public let embeddingNorm: Norm
    public let layers: [Layer]
    /// BERT's pooler (tanh) or DistilBERT's pre-classifier (ReLU), over the `[CLS]` state.
    public let headDense: Dense
    public let classifier: Dense

    /// The names, shapes and decay flags of every tensor, in checkpoint order.
    static func tensors(
        for configuration: EncoderConfiguration, labelCount: Int
    ) -> [(name: String, shape: [Int], decays: Bool)] {
        let hidden = configuration.hiddenSize
        let inner = configuration.intermediateSize
        let names = Names(configuration.family)
        var tensors: [(name: String, shape: [Int], decays: Bool)] = []
        func dense(_ name: String, _ inputs: Int, _ outputs: Int) {
            tensors.append((name + ".weight", [outputs, inputs], true))
            tensors.append((name + ".bias", [outputs], false))
        }
        func norm(_ name: String) {
            tensors.append((name + ".weight", [hidden], false))
            tensors.append((name + ".bias", [hidden], false))
        }
        let prefix = names.prefix
        tensors.append((prefix + "embeddings.word_embeddings.weight", [configuration.vocabularySize, hidden], true))
        tensors.append((prefix + "embeddings.position_embeddings.weight", [configuration.maxPositions, hidden], true))
        if configuration.tokenTypeCount > 0 {
            tensors.append((prefix + "embeddings.token_type_embeddings.weight", [configuration.tokenTypeCount, hidden], true))
        }
        norm(prefix + "embeddings.LayerNorm")
        for index in 0..<configuration.layerCount {
            let layer = prefix + names.layers + "\(index)."
            dense(layer + names.query, hidden, hidden)
            dense(layer + names.key, hidden, hidden)
            dense(layer + names.value, hidden, hidden)
            dense(layer + names.attentionOutput, hidden, hidden)
            norm(layer + names.attentionNorm)
            dense(layer + names.intermediate, hidden, inner)
            dense(layer + names.output, inner, hidden)
            norm(layer + names.outputNorm)
        }
        dense(names.headDense, hidden, hidden)
        dense("classifier", hidden, labelCount)
        return tensors
    }

    init(configuration: EncoderConfiguration, labelCount: Int, parameters: ParameterSet) {
        self.configuration = configuration
        self.labelCount = labelCount
        let names = Names(configuration.family)
        func parameter(_ name: String) -> ParameterSet.Parameter {
            guard let found = parameters.parameter(named: name) else { preconditionFailure("no parameter \(name) in the layout") }
            return found
        }
        func dense(_ name: String) -> Dense { Dense(weight: parameter(name + ".weight"), bias: parameter(name + ".bias")) }
        func norm(_ name: String) -> Norm { Norm(gain: parameter(name + ".weight"), bias: parameter(name + ".bias")) }
        let prefix = names.prefix
        wordEmbeddings = parameter(prefix + "embeddings.word_embeddings.weight")
        positionEmbeddings = parameter(prefix + "embeddings.position_embeddings.weight")
        tokenTypeEmbeddings = parameters.parameter(named: prefix + "embeddings.token_type_embeddings.weight")
        embeddingNorm = norm(prefix + "embeddings.LayerNorm")
        layers = (0..<configuration.layerCount).map { index in
            let layer = prefix + names.layers + "\(index)."
            return Layer(
                query: dense(layer + names.query), key: dense(layer + names.key), value: dense(layer + names.value),
                attentionOutput: dense(layer + names.attentionOutput), attentionNorm: norm(layer + names.attentionNorm),
                intermediate: dense(layer + names.intermediate), output: dense(layer + names.output),
                outputNorm: norm(layer + names.outputNorm))
        }
        headDense = dense(names.headDense)
        classifier = dense("classifier")
    }

    /// The two families name the same parts differently.
    struct Names {
        let prefix, layers, query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm: String
        let headDense: String

        init(_ family: EncoderConfiguration.Family) {
            switch family {
            case .bert:
                (prefix, layers) = ("bert.", "encoder.layer.")
                (query, key, value) = ("attention.self.query", "attention.self.key", "attention.self.value")
                (attentionOutput, attentionNorm) = ("attention.output.dense", "attention.output.LayerNorm")
                (intermediate, output, outputNorm) = ("intermediate.dense", "output.dense", "output.LayerNorm")
                headDense = "bert.pooler.dense"
            case .distilBERT:
                (prefix, layers) = ("distilbert.", "transformer.layer.")
                (query, key, value) = ("attention.q_lin", "attention.k_lin", "attention.v_lin")
                (attentionOutput, attentionNorm) = ("attention.out_lin", "sa_layer_norm")
                (intermediate, output, outputNorm) = ("ffn.lin1", "ffn.lin2", "output_layer_norm")
                headDense = "pre_classifier"
            }
        }
    }
}
