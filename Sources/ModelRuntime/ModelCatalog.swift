import Classifiers
import Foundation

/// Finds model artifacts on disk, so `magpie serve --models DIR` needs no configuration.
public enum ModelCatalog {
    /// A discovered artifact: how to serve it and what it is.
    public struct Entry: Sendable {
        public var deployment: ModelDeployment
        public var manifest: ModelManifest

        public init(deployment: ModelDeployment, manifest: ModelManifest) {
            self.deployment = deployment
            self.manifest = manifest
        }
    }

    /// One deployment per artifact directory directly under `directory`, named by the model
    /// name in its manifest. Only manifests are read; weights load on first use.
    public static func discover(in directory: String, defaults: ModelDeployment = ModelDeployment(name: "", path: ""))
        throws -> [Entry]
    {
        let root = URL(fileURLWithPath: directory)
        let children = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var entries: [Entry] = []
        for child in children {
            let path = root.appendingPathComponent(child).path
            guard FileManager.default.fileExists(atPath: path + "/" + ModelArtifact.manifestFile) else { continue }
            let manifest = try ModelArtifact.manifest(at: path)
            var deployment = defaults
            deployment.name = manifest.name
            deployment.path = path
            entries.append(Entry(deployment: deployment, manifest: manifest))
        }
        return entries
    }
}
