import Logging
import ModelRuntime
import Releases
import Retraining
import Storage

/// The retrainers of a configuration's `retrain:` sections, for `magpie serve` and `magpie watch`.
package enum Retrainers {
    /// One per model with `retrain:`; a published version is made servable at once through
    /// `registry` and `releases` when given (in `serve`), else found by the servers' next
    /// refresh (`watch`).
    package static func make(
        _ configuration: ServeConfiguration, models: [ServedModel], store: any ReleaseStore,
        environment: [String: String], logger: Logger, registry: ModelRegistry? = nil, releases: ReleaseController? = nil
    ) throws -> [Retrainer] {
        try configuration.retrainPolicies.sorted { $0.key < $1.key }.map { model, policy in
            guard let served = models.first(where: { $0.name == model }), let folder = served.folder else {
                throw AssemblyError("models.\(model).retrain: the model has no folder of versions to publish into")
            }
            let source: any DatasetSource
            do {
                source = try DatasetSources.make(policy.source, environment: environment)
            } catch {
                throw AssemblyError("models.\(model).retrain: \(error)")
            }
            let template = served.deployment
            return Retrainer(model: model, folder: folder, policy: policy, source: source, store: store, logger: logger) {
                version, _ in
                guard let registry, let releases else { return }
                _ = GatewayAssembly.serveVersions(of: model, in: folder, like: template, registry: registry)
                releases.addVersion(version, of: model)
            }
        }
    }
}
