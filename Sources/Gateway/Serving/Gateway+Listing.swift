import ModelRuntime

extension Gateway {
    /// `GET /v1/models`: each served model as described at start, with its stable version's
    /// state in the registry, its upstream's health and its release.
    func listModels() -> ModelList {
        ModelList(models: servedModels.map(summary(of:)))
    }

    /// One model's entry in `GET /v1/models`, which the console's Models page shows too.
    package func summary(of model: ServedModel) -> ModelList.Summary {
        let release = releases?.summary(of: model.name)
        let state = registry.state(of: ModelKey(model.name, version: release?.release.stable)) ?? .cold
        return ModelList.Summary(
            name: model.name, version: release.map { String($0.release.stable) } ?? model.version, labels: model.labels,
            state: state.rawValue, location: model.profile.location,
            health: model.upstream?.upstreamHealth.map(ModelList.Summary.Health.init), fallback: model.fallback,
            release: release.map(ReleaseSummary.init))
    }
}
