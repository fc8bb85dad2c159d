import Classifiers
import Digests
import Foundation

/// The `--model` folders a package ships (a Lambda zip, a container image, a SageMaker
/// `model.tar.gz`), each loaded and checked against its manifest first: a weights file that
/// fails its checksum is caught on the build machine, not at the first request in Lambda or
/// a container.
public struct PackagedModels: Sendable {
    /// Model name → artifact folder.
    public private(set) var folders: [String: String] = [:]
    /// What an image's annotations record of each model: version, algorithm, the SHA-256 of
    /// its manifest (which lists every file's) and of its training data.
    public private(set) var annotations: [String: String] = [:]

    /// - Parameter allowNone: a Lambda package may serve only remote models.
    public init(paths: [String], allowNone: Bool = false) throws(PackagingError) {
        guard !paths.isEmpty || allowNone else { throw .noModels }
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
