import Classifiers
import Foundation
import ModelRuntime

/// The models a configuration serves, for `magpie serve` and `magpie lambda` alike: the
/// configured ones (artifacts and remote models), or every artifact found under the models
/// directory.
package enum ServedModels {
    package static func resolve(_ configuration: ServeConfiguration) throws -> [ServedModel] {
        guard configuration.models.isEmpty else {
            var entries: [ServedModel] = []
            for deployment in configuration.models {
                guard deployment.remote == nil else {
                    entries.append(ServedModel(remote: deployment))
                    continue
                }
                let versions = try ModelCatalog.versions(at: deployment.path, defaults: deployment)
                guard !versions.isEmpty else {
                    throw AssemblyError(
                        "models.\(deployment.name).path: \(deployment.path) holds no model artifact, neither a manifest.json nor numbered version folders (1/, 2/, …)"
                    )
                }
                entries += versions
            }
            return entries
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: configuration.modelsDirectory, isDirectory: &isDirectory)
        let entries =
            exists && isDirectory.boolValue
            ? try ModelCatalog.discover(in: configuration.modelsDirectory, defaults: configuration.deploymentDefaults) : []
        guard !entries.isEmpty else {
            throw AssemblyError(
                "no model artifacts under \(configuration.modelsDirectory); train one with `magpie train --output \(configuration.modelsDirectory)/NAME`"
            )
        }
        return entries
    }

    /// The versions of each versioned (local) model, oldest first.
    package static func versions(_ models: [ServedModel]) -> [String: [Int]] {
        var versions: [String: [Int]] = [:]
        for model in models {
            if let version = model.deployment.version { versions[model.name, default: []].append(version) }
        }
        return versions.mapValues { $0.sorted() }
    }
}
