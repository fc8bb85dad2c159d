import Classifiers
import Gateway
import Logging
import ModelRuntime
import Prometheus
import Releases
import RemoteModels
import Storage

/// Builds the serving stack from a configuration: the remote models' clients, the registry
/// that loads artifacts and bounds every model's concurrency, and the gateway. `serve` and
/// `lambda` both call it, so the two differ only in their host.
package struct GatewayAssembly {
    package let gateway: Gateway
    package let registry: ModelRegistry
    package let releases: ReleaseController

    /// - Parameters:
    ///   - models: what `ServedModels.resolve` found, with the command's own adjustments.
    ///   - environment: the process environment: AWS credentials, region and endpoint
    ///     overrides, and remote models' header values.
    package init(
        configuration: ServeConfiguration, models: [ServedModel], store: (any SharedStore)?,
        releaseStore: (any SharedStore)? = nil, environment: [String: String], logger: Logger,
        sageMaker: SageMakerContract? = nil
    ) throws {
        let metrics = GatewayMetrics.prometheus()
        var remotes: [String: RemoteModel] = [:]
        for model in models {
            guard let endpoint = model.deployment.remote else { continue }
            do {
                remotes[model.name] = try RemoteModel(
                    name: model.name, endpoint: endpoint, environment: environment, metrics: metrics.factory)
            } catch {
                throw AssemblyError("\(error)")
            }
        }
        let remoteModels = remotes
        let encoders = SharedEncoders { identity, batch in metrics.recordBatch(batch, queue: identity.description) }
        let loader: ModelRegistry.Loader = { deployment in
            if let remote = remoteModels[deployment.name] { return remote }
            if let policy = deployment.batching, let shared = try encoders.model(at: deployment.path, policy: policy) {
                return shared
            }
            let loaded = try ArtifactModel.load(from: deployment.path)
            guard let policy = deployment.batching, loaded.profile.runsEncoder else { return loaded }
            let model = deployment.key.description
            return BatchingModel(loaded, name: model, policy: policy) { metrics.recordBatch($0, queue: model) }
        }
        registry = try ModelRegistry(deployments: models.map(\.deployment), loader: loader)
        // One served model per name; a versioned model is described by its newest version.
        var served: [String: ServedModel] = [:]
        for model in models {
            served[model.name] = remotes[model.name].map { ServedModel(remote: model.deployment, client: $0) } ?? model
        }
        // Without a database (local experiments), releases live in this process only.
        let registry = registry
        let templates = Dictionary(
            models.compactMap { model in model.folder.map { (model.name, (model.deployment, $0)) } },
            uniquingKeysWith: { first, _ in first })
        releases = ReleaseController(
            store: releaseStore ?? store ?? MemoryStore(), versions: ServedModels.versions(models),
            policies: configuration.releasePolicies,
            metrics: ReleaseMetrics(factory: metrics.factory), logger: logger,
            discoverVersions: { model in
                guard let (template, folder) = templates[model] else { return [] }
                return Self.serveVersions(of: model, in: folder, like: template, registry: registry)
            },
            validationMacroF1: { model, version in
                guard let (_, folder) = templates[model] else { return nil }
                let found = try? ModelCatalog.versions(at: folder)
                return found?.first { $0.deployment.version == version }?.manifest?.validationMacroF1
            })
        gateway = Gateway(
            registry: registry, models: Array(served.values), store: store, releases: releases, routes: configuration.routes,
            limits: configuration.limits,
            cors: CORSPolicy(allowedOrigins: configuration.allowedOrigins), logger: logger, metrics: metrics,
            failOpen: configuration.failOpen, sageMaker: sageMaker)
    }

    /// Registers every version in `folder` the registry does not serve yet, configured like
    /// `template`; returns all the versions found.
    package static func serveVersions(
        of model: String, in folder: String, like template: ModelDeployment, registry: ModelRegistry
    ) -> [Int] {
        guard let found = try? ModelCatalog.versions(at: folder, defaults: template) else { return [] }
        for version in found { registry.add(version.deployment) }
        return found.compactMap(\.deployment.version)
    }
}
