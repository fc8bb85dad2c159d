import ArgumentParser
import Classifiers
import Foundation
import ModelRuntime

/// The models a configuration serves, for `magpie serve` and `magpie lambda` alike: the
/// configured ones, or every artifact found under the models directory.
enum ServedModels {
    static func resolve(_ configuration: ServeConfiguration) throws -> [ModelCatalog.Entry] {
        guard configuration.models.isEmpty else {
            return try configuration.models.map {
                ModelCatalog.Entry(deployment: $0, manifest: try ModelArtifact.manifest(at: $0.path))
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
        return entries
    }
}
