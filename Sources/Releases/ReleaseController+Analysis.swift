import Foundation

/// The analysis that judges each running canary, and the decision it writes.
extension ReleaseController {
    /// Judges every running canary and writes what the judgement decides.
    public func analyze(at now: Date = Date()) async {
        for (model, release) in releases.withLock({ $0 }) {
            guard let canary = release.canary else { continue }
            let observed = window.withLock { $0[model] ?? [:] }
            let policy = policy(of: model)
            let verdict = CanaryAnalysis.judge(
                canary: observed[canary.version] ?? VersionObservations(),
                stable: observed[release.stable] ?? VersionObservations(), policy: policy,
                stepAge: .seconds(now.timeIntervalSince(canary.stepStartedAt)),
                validation: recordedValidation.pair(model: model, canary: canary.version, stable: release.stable))
            switch verdict {
            case .wait:
                continue
            case .fail(let reason, let figures):
                await decide(model, judged: release) { release in
                    release.canary = nil
                    release.record(
                        .init(
                            at: now, action: .rolledBack, version: canary.version, automatic: true, reason: reason,
                            figures: figures))
                }
            case .pass(let figures):
                await decide(model, judged: release) { release in
                    if let step = policy.step, canary.weight + step < 100 {
                        release.canary?.weight = canary.weight + step
                        release.canary?.stepStartedAt = now
                        release.record(
                            .init(
                                at: now, action: .steppedUp, version: canary.version, automatic: true,
                                reason: "passed a step at \(canary.weight)%; now \(canary.weight + step)%", figures: figures))
                    } else {
                        release.makeStable(canary.version)
                        release.record(
                            .init(
                                at: now, action: .promoted, version: canary.version, automatic: true,
                                reason: "passed every check at \(canary.weight)%", figures: figures))
                    }
                }
            }
        }
    }
}
