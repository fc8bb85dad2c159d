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

    /// Checks in order: the versions' recorded validation, error rate, p99 latency, label
    /// distribution, confidence, agreement with stable on the same texts, accuracy on feedback;
    /// the first failure decides.
    ///
    /// - Parameter validation: the validation macro F1 each version's artifact recorded, when
    ///   both did.
    public static func judge(
        canary: VersionObservations, stable: VersionObservations, policy: ReleasePolicy, stepAge: Duration,
        validation: (canary: Double, stable: Double)? = nil
    ) -> Verdict {
        var figures: [String: Double] = [
            "canary_requests": Double(canary.requests), "stable_requests": Double(stable.requests),
            "canary_error_rate": canary.errorRate, "stable_error_rate": stable.errorRate,
        ]
        if let validation {
            figures["canary_validation_macro_f1"] = validation.canary
            figures["stable_validation_macro_f1"] = validation.stable
            if validation.stable - validation.canary > policy.maxValidationDrop {
                return .fail(
                    reason:
                        "its own validation macro F1 \(format(validation.canary)) against stable's \(format(validation.stable)) (allowed: \(format(policy.maxValidationDrop)) less); promote it by hand if that is meant",
                    figures: figures)
            }
        }
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
        if canaryAnswers >= policy.earlyRequests, stableAnswers >= policy.earlyRequests,
            let failure = confidenceShift(canary, stable, policy: policy, figures: &figures)
        {
            return failure
        }
        if policy.pairedSample > 0, canary.paired >= policy.earlyRequests {
            let agreement = canary.agreement
            let z =
                (agreement - policy.minimumAgreement)
                / (policy.minimumAgreement * (1 - policy.minimumAgreement) / Double(canary.paired)).squareRoot()
            figures["agreement"] = agreement
            figures["paired"] = Double(canary.paired)
            figures["agreement_z"] = z
            if agreement < policy.minimumAgreement, z < -policy.agreementZ {
                return .fail(
                    reason:
                        "agrees with stable on \(percent(agreement)) of \(canary.paired) texts both scored (allowed: at least \(percent(policy.minimumAgreement)); z = \(format(z)))",
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
        guard canary.requests >= policy.minimumRequests, stepAge >= policy.minimumDuration,
            policy.pairedSample == 0 || canary.paired >= policy.earlyRequests
        else { return .wait }
        return .pass(figures: figures)
    }

    /// The canary's top scores against stable's, by tenths, when the canary is the less sure:
    /// a version whose answers are noise predicts the usual labels in the usual proportions, but
    /// is never sure of them.
    static func confidenceShift(
        _ canary: VersionObservations, _ stable: VersionObservations, policy: ReleasePolicy,
        figures: inout [String: Double]
    ) -> Verdict? {
        func tally(_ histogram: [Int]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: histogram.enumerated().map { (String($0.offset), $0.element) })
        }
        let (canaryScores, stableScores) = (tally(canary.scores), tally(stable.scores))
        let divergence = Divergence.jensenShannon(canaryScores, stableScores)
        let test = Divergence.chiSquare(canaryScores, stableScores)
        let critical = Divergence.chiSquareCriticalValue(degreesOfFreedom: test.degreesOfFreedom, z: policy.labelShiftZ)
        figures["score_divergence"] = divergence
        figures["canary_mean_top_score"] = meanScore(canary.scores)
        figures["stable_mean_top_score"] = meanScore(stable.scores)
        // One-sided: a retrained model that is surer than stable (more data usually makes it so)
        // is no failure; only a less sure one is.
        guard meanScore(canary.scores) < meanScore(stable.scores), divergence > policy.maxScoreDivergence,
            test.degreesOfFreedom > 0, test.statistic > critical
        else { return nil }
        return .fail(
            reason:
                "confidence shifted: mean top score \(format(meanScore(canary.scores))) against stable's \(format(meanScore(stable.scores))), Jensen-Shannon divergence \(format(divergence)) (allowed: \(format(policy.maxScoreDivergence))), chi-square \(format(test.statistic)) over \(format(critical))",
            figures: figures)
    }

    /// The mean of a histogram by tenths, each tenth at its middle.
    static func meanScore(_ histogram: [Int]) -> Double {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return 0 }
        return histogram.enumerated().reduce(0) { $0 + (Double($1.offset) + 0.5) / 10 * Double($1.element) } / Double(total)
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
