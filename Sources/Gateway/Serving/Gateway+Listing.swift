import ModelRuntime

extension Gateway {
    /// `GET /v1/models`: each served model as described at start, with its stable version's
    /// state in the registry, its upstream's health and its release.
    func listModels() -> ModelList {
        var summaries: [ModelList.Summary] = []
        for (name, model) in models.sorted(by: { $0.key < $1.key }) {
            let release = releases?.summary(of: name)
            let key = ModelKey(name, version: release?.release.stable)
            let state = registry.state(of: key) ?? .cold
            summaries.append(
                ModelList.Summary(
                    name: name, version: release.map { String($0.release.stable) } ?? model.version, labels: model.labels,
                    state: state.rawValue, location: model.profile.location,
                    health: model.upstream?.upstreamHealth.map(ModelList.Summary.Health.init), fallback: model.fallback,
                    release: release.map(ReleaseSummary.init)))
        }
        return ModelList(models: summaries)
    }
}
