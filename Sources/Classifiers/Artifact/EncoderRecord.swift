import Digests
import Foundation

/// The encoder an encoder head was trained on, and how its embeddings were made. The head is
/// only meaningful on these exact weights with these exact settings, so loading checks every
/// file against its checksum and uses the recorded settings, not whatever the folder says now.
public struct EncoderRecord: Sendable, Codable, Equatable {
    /// The encoder folder: relative to the artifact when bundled, else as given at training.
    public var path: String
    /// Whether the folder was copied into the artifact (`encoder/`), making it self-contained.
    public var bundled: Bool
    /// `config.json`'s `model_type`.
    public var modelType: String
    public var dimensions: Int
    /// `mean` or `cls`.
    public var pooling: String
    public var normalize: Bool
    /// Tokens per sequence, `[CLS]` and `[SEP]` included.
    public var maxLength: Int
    /// `truncate` (keep the first `maxLength` tokens) or `windows` (average the embeddings of
    /// every `maxLength` window).
    public var longTexts: String
    /// Every file of the folder the encoder reads, by path inside the folder.
    public var files: [String: ModelManifest.FileRecord]

    public init(
        path: String, bundled: Bool, modelType: String, dimensions: Int, pooling: String, normalize: Bool, maxLength: Int,
        longTexts: String, files: [String: ModelManifest.FileRecord]
    ) {
        self.path = path
        self.bundled = bundled
        self.modelType = modelType
        self.dimensions = dimensions
        self.pooling = pooling
        self.normalize = normalize
        self.maxLength = maxLength
        self.longTexts = longTexts
        self.files = files
    }

    /// The files an encoder folder may have that change what it computes; those present are
    /// recorded. Weights, architecture, tokenizer and sentence-transformers settings.
    public static let candidateFiles = [
        "config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
        "special_tokens_map.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json",
    ]

    /// Size and SHA-256 of each candidate file present in `directory`; `digests` remembers
    /// those of files unchanged since they were last hashed.
    public static func checksums(
        of directory: URL, digests: FileDigests = .shared
    ) throws(ArtifactError) -> [String: ModelManifest.FileRecord] {
        var records: [String: ModelManifest.FileRecord] = [:]
        for file in candidateFiles {
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            guard let (digest, _) = digests.digest(ofFileAt: url.path) else {
                throw .encoderUnreadable(path: directory.path, file: file)
            }
            records[file] = ModelManifest.FileRecord(sha256: digest.sha256, bytes: digest.bytes)
        }
        return records
    }

    /// The encoder folder of the artifact at `artifactPath`.
    public func directory(artifactPath: String) -> URL {
        bundled ? URL(fileURLWithPath: artifactPath).appendingPathComponent(path) : URL(fileURLWithPath: path)
    }

    /// Checks that the folder still holds exactly the recorded files, so a head never runs on
    /// an encoder it was not trained with.
    public func verify(artifactPath: String, digests: FileDigests = .shared) throws(ArtifactError) {
        let directory = directory(artifactPath: artifactPath)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path) else {
            throw .encoderMissing(path: artifactPath, encoder: directory.path)
        }
        let found = try Self.checksums(of: directory, digests: digests)
        for (file, record) in files.sorted(by: { $0.key < $1.key }) where found[file] != record {
            throw .encoderChanged(path: artifactPath, encoder: directory.path, file: file)
        }
        if let extra = found.keys.sorted().first(where: { files[$0] == nil }) {
            throw .encoderChanged(path: artifactPath, encoder: directory.path, file: extra)
        }
    }
}
