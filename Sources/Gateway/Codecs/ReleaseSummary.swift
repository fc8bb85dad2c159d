import Foundation
import JSONValues
import Releases
import Storage

/// A versioned model's release in `GET /v1/models`: its versions, the stable one, the canary
/// with its weight, and the latest decisions with their figures.
package struct ReleaseSummary: JSONWritable {
    package struct Canary: JSONWritable {
        var version: Int
        var weight: Int
        var stepStartedAt: String

        package func write(to writer: inout JSONWriter) {
            writer.object { members in
                members.member("step_started_at") { $0.string(stepStartedAt) }
                members.member("version") { $0.number(version) }
                members.member("weight") { $0.number(weight) }
            }
        }
    }

    package struct Decision: JSONWritable {
        var at: String
        var action: String
        var version: Int
        var automatic: Bool
        var reason: String
        var figures: [String: Float]

        package func write(to writer: inout JSONWriter) {
            writer.object { members in
                members.member("action") { $0.string(action) }
                members.member("at") { $0.string(at) }
                members.member("automatic") { $0.bool(automatic) }
                members.member("figures") { writer in
                    writer.object { figures in
                        for (name, value) in self.figures.sorted(by: { $0.key < $1.key }) {
                            figures.member(name) { $0.number(value) }
                        }
                    }
                }
                members.member("reason") { $0.string(reason) }
                members.member("version") { $0.number(version) }
            }
        }
    }

    var versions: [Int]
    var stable: Int
    var canary: Canary?
    /// The most recent first, at most `decisionLimit`.
    var decisions: [Decision]

    static let decisionLimit = 10

    package init(_ summary: ReleaseController.Summary) {
        let release = summary.release
        versions = summary.versions
        stable = release.stable
        canary = release.canary.map {
            Canary(version: $0.version, weight: $0.weight, stepStartedAt: Self.timestamp($0.stepStartedAt))
        }
        decisions = release.decisions.suffix(Self.decisionLimit).reversed().map {
            Decision(
                at: Self.timestamp($0.at), action: $0.action.rawValue, version: $0.version, automatic: $0.automatic,
                reason: $0.reason, figures: $0.figures.mapValues { Float($0) })
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    package func write(to writer: inout JSONWriter) {
        writer.object { members in
            if let canary { members.member("canary") { canary.write(to: &$0) } }
            members.member("decisions") { decisions.write(to: &$0) }
            members.member("stable") { $0.number(stable) }
            members.member("versions") { $0.array(versions) { $0.number($1) } }
        }
    }
}
