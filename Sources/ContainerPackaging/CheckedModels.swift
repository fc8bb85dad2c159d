import Classifiers
import Digests
import Foundation

/// The `--model` folders an image or a SageMaker archive ships, each loaded and checked
/// against its manifest first, so a bad checksum fails on the build machine, not in the
/// container at its first request.
struct CheckedModels {
    /// Model name → artifact folder.
    var folders: [String: String] = [:]
    /// What the image's annotations record of each model: version, algorithm, the SHA-256 of
    /// its manifest (which lists every file's) and of its training data.
    var annotations: [String: String] = [:]

    init(paths: [String]) throws(ContainerPackagingError) {
        guard !paths.isEmpty else { throw .noModels }
        for path in paths {
            let manifest: ModelManifest
            do { manifest = try ModelArtifact.verifiedManifest(at: path) } catch {
                throw .invalidModel(path, reason: error.description)
            }
            if let first = folders[manifest.name] { throw .duplicateModel(manifest.name, first: first, second: path) }
            if let encoder = manifest.encoder, !encoder.bundled { throw .encoderNotBundled(path) }
            folders[manifest.name] = path
            let manifestFile = URL(fileURLWithPath: path).appendingPathComponent(ModelArtifact.manifestFile)
            guard let manifestBytes = FileManager.default.contents(atPath: manifestFile.path) else {
                throw .unreadable(manifestFile.path)
            }
            let prefix = "dev.magpie.model.\(manifest.name)"
            annotations[prefix + ".version"] = manifest.version
            annotations[prefix + ".algorithm"] = manifest.algorithm
            annotations[prefix + ".manifest.sha256"] = sha256Hex(manifestBytes)
            annotations[prefix + ".training-data.sha256"] = manifest.trainingData.sha256
        }
    }
}
