import Foundation
import Gateway
import JSONValues
import ModelRuntime
import Releases

/// The Models page: each model's state and place, and for a versioned model its versions,
/// its canary and the current step's figures of stable and canary side by side, the ones the
/// release analysis judges.
struct ModelsView: JSONWritable {
    /// `GET /v1/models`'s summary of the model (its state is the version that serves most
    /// requests), and the comparison beside it.
    struct Model: JSONWritable {
        var summary: ModelList.Summary
        /// Stable's and the canary's figures in the current step; empty without a release.
        var comparison: [VersionFigures]

        func write(to writer: inout JSONWriter) {
            writer.object { members in
                members.member("comparison") { comparison.write(to: &$0) }
                summary.writeMembers(to: &members)
            }
        }
    }

    struct VersionFigures: JSONWritable {
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

        func write(to writer: inout JSONWriter) {
            writer.object { members in
                if let accuracy { members.member("accuracy") { $0.number(accuracy) } }
                members.member("error_rate") { $0.number(errorRate) }
                members.member("errors") { $0.number(errors) }
                members.member("feedback") { $0.number(feedback) }
                members.member("labels") { writer in
                    writer.object { counts in
                        for (label, count) in labels.sorted(by: { $0.key < $1.key }) { counts.member(label) { $0.number(count) } }
                    }
                }
                if let p50Ms { members.member("p50_ms") { $0.number(p50Ms) } }
                if let p99Ms { members.member("p99_ms") { $0.number(p99Ms) } }
                members.member("requests") { $0.number(requests) }
                members.member("role") { $0.string(role) }
                members.member("state") { $0.string(state) }
                members.member("version") { $0.number(version) }
            }
        }
    }

    var models: [Model]

    func write(to writer: inout JSONWriter) {
        writer.object { members in members.member("models") { models.write(to: &$0) } }
    }

    init(_ gateway: Gateway) {
        models = gateway.servedModels.map { model in
            let summary = gateway.releases?.summary(of: model.name)
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
            return Model(summary: gateway.summary(of: model), comparison: comparison)
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
