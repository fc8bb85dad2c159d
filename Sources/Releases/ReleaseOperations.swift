import Foundation
import Storage

/// The changes a person makes to a release (`magpie models canary|promote|rollback`), each
/// recorded as a decision. The server's analysis makes its own through `ReleaseController`.
extension ReleaseStore {
    /// Starts `version` as the canary of `model` with `weight`% of requests, replacing any
    /// running canary.
    public func startCanary(
        model: String, version: Int, weight: Int, versions: [Int], at now: Date = Date()
    ) async throws -> ModelRelease {
        guard versions.contains(version) else {
            throw ReleaseError.unknownVersion(model: model, version: String(version), known: versions)
        }
        guard (1...100).contains(weight) else { throw ReleaseError.invalidWeight(weight) }
        return try await updateRelease(of: model, initial: ModelRelease(model: model, stable: versions.max()!)) {
            (release: inout ModelRelease) throws(ReleaseError) in
            guard release.stable != version else { throw .alreadyStable(model: model, version: version) }
            release.canary = .init(version: version, weight: weight, stepStartedAt: now)
            release.record(
                .init(
                    at: now, action: .canaryStarted, version: version, automatic: false, reason: "started by hand at \(weight)%"))
        }
    }

    /// Makes `version` the stable version of `model` at once, ending any canary.
    public func promote(model: String, version: Int, versions: [Int], at now: Date = Date()) async throws -> ModelRelease {
        guard versions.contains(version) else {
            throw ReleaseError.unknownVersion(model: model, version: String(version), known: versions)
        }
        return try await updateRelease(of: model, initial: ModelRelease(model: model, stable: versions.max()!)) {
            (release: inout ModelRelease) throws(ReleaseError) in
            guard release.stable != version || release.canary != nil else {
                throw .alreadyStable(model: model, version: version)
            }
            release.makeStable(version)
            release.record(.init(at: now, action: .promoted, version: version, automatic: false, reason: "promoted by hand"))
        }
    }

    /// Ends the canary of `model`; without one, returns to the stable version before this one.
    public func rollBack(model: String, versions: [Int], at now: Date = Date()) async throws -> ModelRelease {
        try await updateRelease(of: model, initial: ModelRelease(model: model, stable: versions.max() ?? 1)) {
            (release: inout ModelRelease) throws(ReleaseError) in
            if let canary = release.canary {
                release.canary = nil
                release.record(
                    .init(at: now, action: .rolledBack, version: canary.version, automatic: false, reason: "rolled back by hand"))
                return
            }
            guard let previous = release.previousStables.last(where: { versions.contains($0) }) else {
                throw .nothingToRollBack(model: model)
            }
            let current = release.stable
            release.previousStables.removeAll { $0 == previous }
            release.stable = previous
            release.record(
                .init(
                    at: now, action: .rolledBack, version: current, automatic: false,
                    reason: "rolled back by hand to version \(previous)"))
        }
    }
}
