import Foundation

/// Compares a canary's observations with stable's under a policy. A pure function of its
/// inputs, so each check is tested on figures, without a server.
public enum CanaryAnalysis {
    public enum Verdict: Sendable, Equatable {
        /// Not enough evidence yet, and nothing failing.
        case wait
        /// A check failed; `reason` names it with its figures.
        case fail(reason: String, figures: [String: Double])
        /// The step's window is complete and every check passed.
        case pass(figures: [String: Double])
    }

    /// Checks in order: error rate, p99 latency, label distribution, accuracy on feedback; the
    /// first failure decides.
    public static func judge(
        canary: VersionObservations, stable: VersionObservations, policy: ReleasePolicy, stepAge: Duration
    ) -> Verdict {
        var figures: [String: Double] = [
            "canary_requests": Double(canary.requests), "stable_requests": Double(stable.requests),
            "canary_error_rate": canary.errorRate, "stable_error_rate": stable.errorRate,
        ]
        let enough = canary.requests >= policy.earlyRequests
        if enough, canary.errorRate - stable.errorRate > policy.maxErrorRateIncrease {
            return .fail(
                reason:
                    "error rate \(percent(canary.errorRate)) against stable's \(percent(stable.errorRate)) (allowed: \(percent(policy.maxErrorRateIncrease)) more)",
                figures: figures)
        }
        let canaryAnswers = canary.requests - canary.errors
        let stableAnswers = stable.requests - stable.errors
        if canaryAnswers >= policy.minimumRequests, stableAnswers >= policy.earlyRequests,
            let canaryP99 = canary.latency.percentile(0.99), let stableP99 = stable.latency.percentile(0.99)
        {
            let ratio = canaryP99 / stableP99
            figures["canary_p99_ms"] = milliseconds(canaryP99)
            figures["stable_p99_ms"] = milliseconds(stableP99)
            figures["p99_ratio"] = ratio
            if ratio > policy.maxLatencyRatio, canaryP99 - stableP99 > policy.minimumLatencyIncrease {
                return .fail(
                    reason:
                        "p99 latency \(format(milliseconds(canaryP99))) ms against stable's \(format(milliseconds(stableP99))) ms (\(format(ratio))×; allowed: \(format(policy.maxLatencyRatio))×)",
                    figures: figures)
            }
        }
        if canaryAnswers >= policy.earlyRequests, stableAnswers >= policy.earlyRequests {
            let divergence = Divergence.jensenShannon(canary.labels, stable.labels)
            figures["label_divergence"] = divergence
            let test = Divergence.chiSquare(canary.labels, stable.labels)
            let critical = Divergence.chiSquareCriticalValue(degreesOfFreedom: test.degreesOfFreedom, z: policy.labelShiftZ)
            figures["label_chi_square"] = test.statistic
            if divergence > policy.maxLabelDivergence, test.degreesOfFreedom > 0, test.statistic > critical {
                return .fail(
                    reason:
                        "predicted labels shifted: Jensen-Shannon divergence \(format(divergence)) from stable's (allowed: \(format(policy.maxLabelDivergence))), chi-square \(format(test.statistic)) over \(format(critical))",
                    figures: figures)
            }
        }
        if canary.feedback >= policy.minimumFeedback, stable.feedback >= policy.minimumFeedback {
            let z = twoProportionZ(canary.correct, canary.feedback, stable.correct, stable.feedback)
            figures["canary_accuracy"] = canary.accuracy
            figures["stable_accuracy"] = stable.accuracy
            figures["canary_feedback"] = Double(canary.feedback)
            figures["stable_feedback"] = Double(stable.feedback)
            figures["accuracy_z"] = z
            if stable.accuracy - canary.accuracy > policy.maxAccuracyDrop, z < -policy.accuracyZ {
                return .fail(
                    reason:
                        "accuracy \(percent(canary.accuracy)) against stable's \(percent(stable.accuracy)) on feedback (z = \(format(z)); allowed: \(percent(policy.maxAccuracyDrop)) less)",
                    figures: figures)
            }
        }
        guard canary.requests >= policy.minimumRequests, stepAge >= policy.minimumDuration else { return .wait }
        return .pass(figures: figures)
    }

    /// (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with the pooled proportion p̂; 0 when undefined.
    public static func twoProportionZ(_ correct1: Int, _ total1: Int, _ correct2: Int, _ total2: Int) -> Double {
        guard total1 > 0, total2 > 0 else { return 0 }
        let pooled = Double(correct1 + correct2) / Double(total1 + total2)
        let error = (pooled * (1 - pooled) * (1 / Double(total1) + 1 / Double(total2))).squareRoot()
        guard error > 0 else { return 0 }
        return (Double(correct1) / Double(total1) - Double(correct2) / Double(total2)) / error
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
    }

    static func percent(_ fraction: Double) -> String { format(fraction * 100) + "%" }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
