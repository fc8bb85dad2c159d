import Classifiers
import Encoders
import Foundation

/// An encoder-head artifact made usable: its recorded encoder, checked file by file against
/// the manifest and run with the recorded settings, feeding the trained head.
public struct EncoderHeadClassifier: Sendable {
    public let textEncoder: TextEncoder
    public let head: EmbeddingHead
    public let longTexts: TextEncoder.LongTexts
    let attributor: EncoderAttributor

    /// Loads the encoder that `artifact` (read from `path`) records. Fails with an
    /// `ArtifactError` if the encoder folder is gone or any of its files changed since
    /// training, else with an `EncoderError`.
    public init(artifact: ModelArtifact, path: String) throws {
        guard case .embeddingHead(let head) = artifact.model, let record = artifact.manifest.encoder else {
            throw EncoderError.notAnEncoderHead(path: path)
        }
        (textEncoder, longTexts) = try Self.encoder(of: record, artifactPath: path)
        try Self.check(head, fits: textEncoder, record: record, artifactPath: path)
        self.head = head
        attributor = EncoderAttributor(
            name: artifact.manifest.name, directory: record.directory(artifactPath: path), tokenizer: textEncoder.tokenizer,
            maxLength: textEncoder.maxLength, labelCount: head.labels.count)
    }

    /// The encoder `record` names, verified file by file and set up as recorded.
    public static func encoder(of record: EncoderRecord, artifactPath path: String) throws -> (
        TextEncoder, TextEncoder.LongTexts
    ) {
        try record.verify(artifactPath: path)
        guard let pooling = Pooling(rawValue: record.pooling), let longTexts = TextEncoder.LongTexts(rawValue: record.longTexts)
        else {
            throw EncoderError.unsupportedSetting(
                path: path + "/" + ModelArtifact.manifestFile, key: "encoder pooling / longTexts",
                value: "\(record.pooling) / \(record.longTexts)")
        }
        let encoder = try TextEncoder(
            directory: record.directory(artifactPath: path), pooling: pooling, normalizes: record.normalize,
            maxLength: record.maxLength)
        return (encoder, longTexts)
    }

    /// Refuses a head whose inputs are not the encoder's embeddings.
    public static func check(_ head: EmbeddingHead, fits encoder: TextEncoder, record: EncoderRecord, artifactPath: String)
        throws(EncoderError)
    {
        guard encoder.dimensions == head.dimensions else {
            throw EncoderError.malformedConfiguration(
                path: record.directory(artifactPath: artifactPath).appendingPathComponent("config.json").path,
                reason: "hidden_size is \(encoder.dimensions); the model's head takes \(head.dimensions)")
        }
    }

    public var labels: LabelSet { head.labels }

    /// Classifies `texts` in packed batches of `batchSize`, calling `progress` with the count
    /// done after each.
    public func classify(_ texts: [String], batchSize: Int = 32, progress: (_ done: Int) -> Void = { _ in })
        throws(EncoderError) -> [EncoderPrediction]
    {
        try textEncoder.embed(texts, longTexts: longTexts, batchSize: batchSize, progress: progress).map { embedding in
            EncoderPrediction(prediction: head.predict(embedding.vector), isTruncated: embedding.droppedPieceCount > 0)
        }
    }
}
