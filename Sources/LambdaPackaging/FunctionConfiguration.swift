import Foundation
import Yams

/// The `magpie.yaml` a function starts with when it proxies to SageMaker: the user's own
/// `--config` (if any) with every packaged model listed by path and every `--remote` model
/// added. Listing the local models matters: a configuration that names models turns off
/// discovery under `models/`, so without them a function with both kinds would serve only the
/// remote ones.
enum FunctionConfiguration {
    /// Bounds each remote call, retries included, below API Gateway's integration timeout
    /// (29 s for REST, 30 s for HTTP APIs) and the function's own 30 s. Magpie's 504 then
    /// arrives first, with its `error_type`, and the invocation is no function error that would
    /// roll a canary deployment back.
    static let remoteTimeoutSeconds = 25

    /// The merged configuration's text, or nil when nothing is proxied and the user's file
    /// (if any) ships unchanged.
    static func text(configurationFile: String?, localModels: [String], remotes: [SageMakerProxy]) throws(PackagingError)
        -> String?
    {
        guard !remotes.isEmpty else { return nil }
        var root = Node.Mapping([])
        if let configurationFile {
            root = try mapping(in: configurationFile)
        }
        var models: Node.Mapping
        switch root["models"] {
        case nil: models = Node.Mapping([])
        case .mapping(let existing): models = existing
        default: throw .invalidConfiguration(configurationFile ?? "", reason: "models must be a mapping of names to settings")
        }
        for name in localModels where models[name] == nil {
            models[name] = Node.mapping(["path": Node("models/" + name)])
        }
        for remote in remotes {
            guard models[remote.name] == nil else { throw .remoteNameTaken(remote.name) }
            models[remote.name] = Node.mapping([
                "sagemaker": Node.mapping(["endpoint": Node(remote.endpoint)]),
                "timeout": Node(String(remoteTimeoutSeconds), Tag(.int)),
            ])
        }
        root["models"] = .mapping(models)
        do { return try Yams.serialize(node: .mapping(root)) } catch {
            throw .invalidConfiguration(configurationFile ?? "", reason: "\(error)")
        }
    }

    static func mapping(in file: String) throws(PackagingError) -> Node.Mapping {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw .missingFile(file, role: "--config") }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw .invalidConfiguration(file, reason: "\(error)") }
        switch node {
        case nil: return Node.Mapping([])
        case .mapping(let mapping): return mapping
        default: throw .invalidConfiguration(file, reason: "the file must hold a mapping (server, models, routes, plans)")
        }
    }
}
