/// Why a tokenizer could not be loaded from a model folder.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    case noTokenizerFiles(directory: String)
    case unreadableFile(path: String, reason: String)
    case malformedFile(path: String, reason: String)
    case unsupportedSetting(path: String, key: String, value: String)
    case tokenNotInVocabulary(role: String, token: String)

    public var description: String {
        switch self {
        case .noTokenizerFiles(let directory):
            "\(directory) has no tokenizer: expected tokenizer.json, or vocab.txt (with an optional tokenizer_config.json)"
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedFile(let path, let reason): "\(path) is malformed: \(reason)"
        case .unsupportedSetting(let path, let key, let value):
            "\(path): \(key) = \(value) is not supported; Magpie reads BERT-family WordPiece tokenizers"
        case .tokenNotInVocabulary(let role, let token):
            "the \(role) token \"\(token)\" is not in the vocabulary"
        }
    }
}
