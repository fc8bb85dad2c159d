import Classifiers
import Encoders
import Foundation

/// The `--report` file: the manifest's record of the model plus what does not belong in an
/// artifact (where it was written, how long each stage took).
struct TrainingReport: Encodable {
    var manifest: ModelManifest
    var artifactPath: String
    var finalFit: ModelTrainer.FitSummary
    var timings: [String: Double]
    /// Only for encoder heads: how the texts were embedded and how fast.
    var embedding: EmbeddingStatistics?

    struct EmbeddingStatistics: Encodable {
        var texts: Int
        var wordPieces: Int
        /// Forward-pass sequences: more than `texts` when long texts were split into windows.
        var sequences: Int
        /// Texts cut at the maximum length (only when long texts are truncated).
        var truncatedTexts: Int
        var seconds: Double
        var textsPerSecond: Double
        var threads: Int

        init(_ embeddings: [TextEncoder.Embedding], seconds: Double, threads: Int) {
            texts = embeddings.count
            wordPieces = embeddings.reduce(0) { $0 + $1.pieceCount }
            sequences = embeddings.reduce(0) { $0 + $1.windowCount }
            truncatedTexts = embeddings.filter { $0.droppedPieceCount > 0 }.count
            self.seconds = seconds
            textsPerSecond = seconds > 0 ? Double(texts) / seconds : 0
            self.threads = threads
        }
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ValidationErrorMessage("cannot write report \(path): \(error.localizedDescription)")
        }
    }
}

/// A one-line failure message for the user, as `magpie: error: …`.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
