import Classifiers
import Encoders
import Foundation

extension EncoderRecord {
    /// What an artifact records about `encoder`, loaded from `directory`, for a head trained
    /// on its embeddings: checksums of every file it read, and the settings in force.
    public init(
        encoder: TextEncoder, directory: URL, bundled: Bool, longTexts: TextEncoder.LongTexts
    ) throws(ArtifactError) {
        let files = try Self.checksums(of: directory)
        self.init(
            path: bundled ? ModelArtifact.bundledEncoderFolder : directory.standardizedFileURL.path, bundled: bundled,
            modelType: encoder.encoder.configuration.family.rawValue, dimensions: encoder.dimensions,
            pooling: encoder.pooling.rawValue, normalize: encoder.normalizes, maxLength: encoder.maxLength,
            longTexts: longTexts.rawValue, files: files)
    }
}
