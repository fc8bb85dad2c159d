import Foundation
import Gateway
import ModelRuntime
import Releases

/// The Models page: each model's state and place, and for a versioned model its versions,
/// its canary and the current step's figures of stable and canary side by side, the ones the
/// release analysis judges.
struct ModelsView: Encodable {
    struct Model: Encodable {
        var name: String
        var version: String
        var labels: [String]
        /// `cold`, `loading` or `warm`, of the version that serves most requests.
        var state: String
        var location: [String: String]
        var health: ModelList.Summary.Health?
        var fallback: String?
        var release: ReleaseSummary?
        /// Stable's and the canary's figures in the current step; empty without a release.
        var comparison: [VersionFigures]
    }

    struct VersionFigures: Encodable {
        var version: Int
        var role: String
        var state: String
        var requests: Int
        var errors: Int
        var errorRate: Double
        var p50Ms: Double?
        var p99Ms: Double?
        var feedback: Int
        var accuracy: Double?
        var labels: [String: Int]
    }

    var models: [Model]

    init(_ gateway: Gateway) {
        models = gateway.servedModels.map { model in
            let summary = gateway.releases?.summary(of: model.name)
            let stableKey = ModelKey(model.name, version: summary?.release.stable)
            var comparison: [VersionFigures] = []
            if let summary, let releases = gateway.releases {
                let observations = releases.observations(of: model.name)
                var roles = [(summary.release.stable, "stable")]
                if let canary = summary.release.canary { roles.append((canary.version, "canary")) }
                comparison = roles.map { version, role in
                    Self.figures(
                        version: version, role: role, observations[version] ?? VersionObservations(),
                        state: gateway.registry.state(of: ModelKey(model.name, version: version)) ?? .cold)
                }
            }
            return Model(
                name: model.name, version: summary.map { String($0.release.stable) } ?? model.version, labels: model.labels,
                state: (gateway.registry.state(of: stableKey) ?? .cold).rawValue,
                location: model.profile.location,
                health: model.upstream?.upstreamHealth.map(ModelList.Summary.Health.init), fallback: model.fallback,
                release: summary.map(ReleaseSummary.init), comparison: comparison)
        }
    }

    static func figures(version: Int, role: String, _ observed: VersionObservations, state: ModelState) -> VersionFigures {
        VersionFigures(
            version: version, role: role, state: state.rawValue, requests: observed.requests, errors: observed.errors,
            errorRate: observed.errorRate, p50Ms: observed.latency.percentile(0.5).map(TrialView.milliseconds),
            p99Ms: observed.latency.percentile(0.99).map(TrialView.milliseconds), feedback: observed.feedback,
            accuracy: observed.feedback > 0 ? observed.accuracy : nil, labels: observed.labels)
    }
}
