import ArgumentParser
import Classifiers
import Foundation
import ModelRuntime

/// The models a configuration serves, for `magpie serve` and `magpie lambda` alike: the
/// configured ones (artifacts and remote models), or every artifact found under the models
/// directory.
enum ServedModels {
    /// A deployment and, for an artifact, its manifest (read now; weights load on first use).
    struct Entry {
        var deployment: ModelDeployment
        var manifest: ModelManifest?
        /// A local model's folder, where new versions appear.
        var folder: String?
    }

    static func resolve(_ configuration: ServeConfiguration) throws -> [Entry] {
        guard configuration.models.isEmpty else {
            var entries: [Entry] = []
            for deployment in configuration.models {
                guard deployment.remote == nil else {
                    entries.append(Entry(deployment: deployment, manifest: nil))
                    continue
                }
                let versions = try ModelCatalog.versions(at: deployment.path, defaults: deployment)
                guard !versions.isEmpty else {
                    throw ValidationError(
                        "models.\(deployment.name).path: \(deployment.path) holds no model artifact, neither a manifest.json nor numbered version folders (1/, 2/, …)"
                    )
                }
                entries += versions.map { Entry(deployment: $0.deployment, manifest: $0.manifest, folder: $0.folder) }
            }
            return entries
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: configuration.modelsDirectory, isDirectory: &isDirectory)
        let entries =
            exists && isDirectory.boolValue
            ? try ModelCatalog.discover(in: configuration.modelsDirectory, defaults: configuration.deploymentDefaults) : []
        guard !entries.isEmpty else {
            throw ValidationError(
                "no model artifacts under \(configuration.modelsDirectory); train one with `magpie train --output \(configuration.modelsDirectory)/NAME`"
            )
        }
        return entries.map { Entry(deployment: $0.deployment, manifest: $0.manifest, folder: $0.folder) }
    }

    /// The versions of each versioned (local) model, oldest first.
    static func versions(_ entries: [Entry]) -> [String: [Int]] {
        var versions: [String: [Int]] = [:]
        for entry in entries {
            if let version = entry.deployment.version { versions[entry.deployment.name, default: []].append(version) }
        }
        return versions.mapValues { $0.sorted() }
    }
}
