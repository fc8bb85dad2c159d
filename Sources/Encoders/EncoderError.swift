/// Why an encoder model could not be loaded. Each case names the file, and the key or tensor,
/// at fault.
public enum EncoderError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadableFile(path: String, reason: String)
    case malformedSafetensors(path: String, reason: String)
    case malformedConfiguration(path: String, reason: String)
    case unsupportedArchitecture(path: String, architecture: String)
    case unsupportedSetting(path: String, key: String, value: String)
    case missingTensor(path: String, name: String)
    case tensorShapeMismatch(path: String, name: String, expected: [Int], actual: [Int])
    case unsupportedTensorType(path: String, name: String, type: String)
    case tokenizer(TokenizerError)
    case sequenceTooLong(index: Int, length: Int, maxPositions: Int)
    case tokenOutOfRange(index: Int, id: Int, vocabularySize: Int)
    case noClassificationHead
    case emptySequence(index: Int)
    case notAnEncoderHead(path: String)

    public var description: String {
        switch self {
        case .missingFile(let path): "\(path) is missing: an encoder folder needs config.json and model.safetensors"
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedSafetensors(let path, let reason): "\(path) is not a valid safetensors file: \(reason)"
        case .malformedConfiguration(let path, let reason): "\(path) is malformed: \(reason)"
        case .unsupportedArchitecture(let path, let architecture):
            "\(path): model_type \"\(architecture)\" is not supported; Magpie runs bert (BertModel, MiniLM) and distilbert"
        case .unsupportedSetting(let path, let key, let value): "\(path): \(key) = \(value) is not supported"
        case .missingTensor(let path, let name): "\(path) has no tensor \"\(name)\""
        case .tensorShapeMismatch(let path, let name, let expected, let actual):
            "\(path): tensor \"\(name)\" has shape \(actual), the configuration implies \(expected)"
        case .unsupportedTensorType(let path, let name, let type):
            "\(path): tensor \"\(name)\" is \(type); weights must be F32, F16 or BF16"
        case .tokenizer(let error): error.description
        case .sequenceTooLong(let index, let length, let maxPositions):
            "sequence \(index) has \(length) tokens; the model has \(maxPositions) positions (truncate or split it into windows)"
        case .tokenOutOfRange(let index, let id, let vocabularySize):
            "sequence \(index) has token id \(id), outside the vocabulary of \(vocabularySize)"
        case .emptySequence(let index): "sequence \(index) has no tokens; it needs at least [CLS] and [SEP]"
        case .notAnEncoderHead(let path): "\(path) is an n-gram model, not an encoder head"
        case .noClassificationHead:
            "the model has no classification head: its config.json names no *ForSequenceClassification architecture"
        }
    }
}
