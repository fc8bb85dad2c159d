import Classifiers
import Foundation

/// The `--report` file: the manifest's record of the model plus what does not belong in an
/// artifact (where it was written, how long each stage took).
struct TrainingReport: Encodable {
    var manifest: ModelManifest
    var artifactPath: String
    var finalFit: ModelTrainer.FitSummary
    var timings: [String: Double]

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
