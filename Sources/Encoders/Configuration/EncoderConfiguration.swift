import Foundation

/// What an encoder's `config.json` says about its shape, read for the two families Magpie
/// runs: `bert` (BertModel, all-MiniLM-L6-v2, BertForSequenceClassification) and
/// `distilbert`.
public struct EncoderConfiguration: Sendable, Equatable {
    public enum Family: String, Sendable {
        case bert
        case distilBERT = "distilbert"
    }

    /// The feed-forward activation: the exact erf GELU, or the tanh approximation some
    /// checkpoints were trained with.
    public enum Activation: String, Sendable {
        case gelu
        case geluTanh = "gelu_new"
    }

    public var family: Family
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var vocabularySize: Int
    /// Zero for DistilBERT, which has no token-type embeddings.
    public var tokenTypeCount: Int
    public var layerNormEpsilon: Float
    public var activation: Activation
    /// Class names by id (`id2label`) when the folder is a sequence classifier.
    public var labels: [String]?
    /// Whether the folder holds a `*ForSequenceClassification` head.
    public var isSequenceClassifier: Bool
    /// Dropout probabilities fine-tuning uses: after the embeddings and each sublayer, on the
    /// attention probabilities, and before the classifier (BERT's `classifier_dropout` falls
    /// back to its hidden dropout; DistilBERT's is `seq_classif_dropout`).
    public var hiddenDropout: Float
    public var attentionDropout: Float
    public var classifierDropout: Float

    public var headSize: Int { hiddenSize / headCount }

    public init(path: String) throws(EncoderError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            if !FileManager.default.fileExists(atPath: path) { throw .missingFile(path: path) }
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        let file: ConfigurationFile
        do { file = try JSONDecoder().decode(ConfigurationFile.self, from: data) } catch {
            throw .malformedConfiguration(path: path, reason: Self.describe(error))
        }
        try self.init(file, path: path)
    }

    private init(_ file: ConfigurationFile, path: String) throws(EncoderError) {
        func required(_ value: Int?, _ key: String) throws(EncoderError) -> Int {
            guard let value else { throw .malformedConfiguration(path: path, reason: "\(key) is missing") }
            guard value > 0 else { throw .malformedConfiguration(path: path, reason: "\(key) must be positive, not \(value)") }
            return value
        }
        guard let family = Family(rawValue: file.modelType ?? "") else {
            throw .unsupportedArchitecture(path: path, architecture: file.modelType ?? "(none)")
        }
        self.family = family
        let activationName: String
        switch family {
        case .bert:
            hiddenSize = try required(file.hiddenSize, "hidden_size")
            layerCount = try required(file.numHiddenLayers, "num_hidden_layers")
            headCount = try required(file.numAttentionHeads, "num_attention_heads")
            intermediateSize = try required(file.intermediateSize, "intermediate_size")
            tokenTypeCount = try required(file.typeVocabSize ?? 2, "type_vocab_size")
            layerNormEpsilon = Float(file.layerNormEps ?? 1e-12)
            activationName = file.hiddenAct ?? "gelu"
            hiddenDropout = Float(file.hiddenDropoutProb ?? 0.1)
            attentionDropout = Float(file.attentionProbsDropoutProb ?? 0.1)
            classifierDropout = Float(file.classifierDropout ?? file.hiddenDropoutProb ?? 0.1)
            if let positions = file.positionEmbeddingType, positions != "absolute" {
                throw .unsupportedSetting(path: path, key: "position_embedding_type", value: positions)
            }
        case .distilBERT:
            hiddenSize = try required(file.dim, "dim")
            layerCount = try required(file.nLayers, "n_layers")
            headCount = try required(file.nHeads, "n_heads")
            intermediateSize = try required(file.hiddenDim, "hidden_dim")
            tokenTypeCount = 0
            layerNormEpsilon = 1e-12
            activationName = file.activation ?? "gelu"
            hiddenDropout = Float(file.dropout ?? 0.1)
            attentionDropout = Float(file.attentionDropout ?? 0.1)
            classifierDropout = Float(file.seqClassifDropout ?? 0.2)
        }
        maxPositions = try required(file.maxPositionEmbeddings ?? 512, "max_position_embeddings")
        vocabularySize = try required(file.vocabSize, "vocab_size")
        guard hiddenSize % headCount == 0 else {
            throw .malformedConfiguration(
                path: path, reason: "the hidden size \(hiddenSize) is not a multiple of the \(headCount) heads")
        }
        switch activationName {
        case "gelu": activation = .gelu
        case "gelu_new", "gelu_pytorch_tanh": activation = .geluTanh
        default: throw .unsupportedSetting(path: path, key: family == .bert ? "hidden_act" : "activation", value: activationName)
        }
        let architecture = file.architectures?.first ?? ""
        isSequenceClassifier = architecture.hasSuffix("ForSequenceClassification")
        if isSequenceClassifier {
            let supported = ["BertForSequenceClassification", "DistilBertForSequenceClassification"]
            guard supported.contains(architecture) else { throw .unsupportedArchitecture(path: path, architecture: architecture) }
        }
        labels = try Self.labels(file.id2label, path: path)
    }

    private static func labels(_ idToLabel: [String: String]?, path: String) throws(EncoderError) -> [String]? {
        guard let idToLabel, !idToLabel.isEmpty else { return nil }
        var labels = [String?](repeating: nil, count: idToLabel.count)
        for (key, label) in idToLabel {
            guard let id = Int(key), labels.indices.contains(id) else {
                throw .malformedConfiguration(
                    path: path, reason: "id2label must number its labels 0..<\(idToLabel.count), not \"\(key)\"")
            }
            labels[id] = label
        }
        return labels.map { $0! }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted(let context): context.underlyingError.map { "\($0)" } ?? context.debugDescription
        default: "\(error)"
        }
    }
}

/// The keys of `config.json` Magpie reads; transformers writes many more.
private struct ConfigurationFile: Decodable {
    var modelType: String?
    var architectures: [String]?
    var hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, typeVocabSize: Int?
    var dim, nLayers, nHeads, hiddenDim: Int?
    var maxPositionEmbeddings, vocabSize: Int?
    var layerNormEps: Double?
    var hiddenAct, activation, positionEmbeddingType: String?
    var id2label: [String: String]?
    var hiddenDropoutProb, attentionProbsDropoutProb, classifierDropout: Double?
    var dropout, attentionDropout, seqClassifDropout: Double?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case architectures
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case typeVocabSize = "type_vocab_size"
        case dim
        case nLayers = "n_layers"
        case nHeads = "n_heads"
        case hiddenDim = "hidden_dim"
        case maxPositionEmbeddings = "max_position_embeddings"
        case vocabSize = "vocab_size"
        case layerNormEps = "layer_norm_eps"
        case hiddenAct = "hidden_act"
        case activation
        case positionEmbeddingType = "position_embedding_type"
        case id2label
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case classifierDropout = "classifier_dropout"
        case dropout
        case attentionDropout = "attention_dropout"
        case seqClassifDropout = "seq_classif_dropout"
    }
}
