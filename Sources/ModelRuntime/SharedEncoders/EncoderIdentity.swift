import Classifiers

/// What makes two encoder heads' embeddings the same: the encoder's files, by SHA-256, and
/// the settings the embeddings were made with. Heads recorded with equal identities can share
/// one encoder in memory and one forward pass, wherever their folders are.
public struct EncoderIdentity: Hashable, Sendable, CustomStringConvertible {
    /// Every recorded file's path and SHA-256, sorted.
    public let files: [String]
    public let pooling: String
    public let normalize: Bool
    public let maxLength: Int
    public let longTexts: String

    public init(_ record: EncoderRecord) {
        files = record.files.map { "\($0.key)=\($0.value.sha256)" }.sorted()
        pooling = record.pooling
        normalize = record.normalize
        maxLength = record.maxLength
        longTexts = record.longTexts
    }

    /// The weights' SHA-256 (its first 12 digits), how metrics and logs name a shared encoder.
    public var description: String {
        let weights = files.first { $0.hasPrefix("model.safetensors=") } ?? files.first ?? "="
        return "encoder-" + weights.split(separator: "=").last.map { String($0.prefix(12)) }!
    }
}
