import Classifiers
import Foundation

/// Finds model artifacts on disk, so `magpie serve --models DIR` needs no configuration.
public enum ModelCatalog {
    /// One deployment per artifact directory directly under `directory`, named by the model
    /// name in its manifest. Only manifests are read; weights load on first use.
    public static func discover(in directory: String, defaults: ModelDeployment = ModelDeployment(name: "", path: ""))
        throws -> [ModelDeployment]
    {
        let root = URL(fileURLWithPath: directory)
        let children = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var deployments: [ModelDeployment] = []
        for child in children {
            let path = root.appendingPathComponent(child).path
            guard FileManager.default.fileExists(atPath: path + "/" + ModelArtifact.manifestFile) else { continue }
            let manifest = try ModelArtifact.manifest(at: path)
            var deployment = defaults
            deployment.name = manifest.name
            deployment.path = path
            deployments.append(deployment)
        }
        return deployments
    }
}
