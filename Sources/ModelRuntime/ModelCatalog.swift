import Classifiers
import Foundation

/// Finds model artifacts on disk, so `magpie serve --models DIR` needs no configuration.
///
/// A model's folder holds numbered versions, each an artifact with its manifest:
/// `models/NAME/1/`, `models/NAME/2/`, …. A folder that is itself an artifact (the layout
/// before versions) is version 1, and may hold versions from 2 on beside its files, as
/// retraining publishes them.
public enum ModelCatalog {
    /// One served model per version of every model folder directly under `directory`, named by the
    /// model name in its manifests. Only manifests are read; weights load on first use.
    public static func discover(in directory: String, defaults: ModelDeployment = ModelDeployment(name: "", path: ""))
        throws -> [ServedModel]
    {
        let root = URL(fileURLWithPath: directory)
        var entries: [ServedModel] = []
        for child in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            entries += try versions(at: root.appendingPathComponent(child).path, defaults: defaults)
        }
        return entries
    }

    /// The versions in the model folder at `path`, oldest first; empty when it holds none.
    /// Every version must name the same model.
    public static func versions(at path: String, defaults: ModelDeployment = ModelDeployment(name: "", path: ""))
        throws -> [ServedModel]
    {
        func entry(_ folder: String, version: Int) throws -> ServedModel {
            let manifest = try ModelArtifact.manifest(at: folder)
            var deployment = defaults
            deployment.name = defaults.name.isEmpty ? manifest.name : defaults.name
            deployment.path = folder
            deployment.version = version
            return ServedModel(deployment: deployment, manifest: manifest, folder: path)
        }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var numbered = children.compactMap { child in versionNumber(child).map { ($0, path + "/" + child) } }
            .filter { isArtifact($0.1) }.sorted { $0.0 < $1.0 }
        if isArtifact(path) {
            if numbered.first?.0 == 1 {
                throw ModelRuntimeError.loadFailed(
                    model: path, reason: "\(path) is an artifact (version 1) and also holds a folder 1/; keep one of them")
            }
            numbered.insert((1, path), at: 0)
        }
        let entries = try numbered.map { try entry($0.1, version: $0.0) }
        if let first = entries.first, let other = entries.first(where: { $0.deployment.name != first.deployment.name }) {
            throw ModelRuntimeError.loadFailed(
                model: first.deployment.name,
                reason:
                    "\(path): version \(other.deployment.version!) is model '\(other.deployment.name)', not '\(first.deployment.name)'; a model's versions share its name"
            )
        }
        return entries
    }

    /// The folder of the next version under the model folder `path`: one past the highest.
    public static func nextVersion(at path: String) -> Int {
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return (children.compactMap(versionNumber).max() ?? (isArtifact(path) ? 1 : 0)) + 1
    }

    /// `3` for a folder named `3`; nil for anything else (`03`, `v3`, `latest`).
    static func versionNumber(_ name: String) -> Int? {
        guard let number = Int(name), number > 0, String(number) == name else { return nil }
        return number
    }

    static func isArtifact(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/" + ModelArtifact.manifestFile)
    }
}
