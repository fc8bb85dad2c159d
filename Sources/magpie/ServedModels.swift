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
    }

    static func resolve(_ configuration: ServeConfiguration) throws -> [Entry] {
        guard configuration.models.isEmpty else {
            return try configuration.models.map { deployment in
                Entry(
                    deployment: deployment,
                    manifest: deployment.remote == nil ? try ModelArtifact.manifest(at: deployment.path) : nil)
            }
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
        return entries.map { Entry(deployment: $0.deployment, manifest: $0.manifest) }
    }
}
