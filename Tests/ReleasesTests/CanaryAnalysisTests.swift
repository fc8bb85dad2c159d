import Foundation
import Releases
import Testing

/// Each check of the analysis on figures, and the divergence against values worked by hand.
@Suite struct CanaryAnalysisTests {
    /// Each answer also scored by stable (paired), `agreement` of them alike.
    static func observations(
        requests: Int, errors: Int = 0, latency: Duration = .milliseconds(2), labels: [String: Int]? = nil,
        topScore: Float = 0.9, paired: Int? = nil, agreement: Double = 1
    ) -> VersionObservations {
        var observed = VersionObservations()
        let answered = requests - errors
        let tally = labels ?? ["a": answered * 6 / 10, "b": answered - answered * 6 / 10]
        var names = tally.flatMap { label, count in Array(repeating: label, count: count) }.sorted()
        for _ in 0..<answered {
            observed.recordAnswer(labels: [names.popLast() ?? "a"], scores: [topScore], latency: latency)
        }
        for _ in 0..<errors { observed.recordError() }
        let pairs = paired ?? answered
        observed.recordPairs(agreed: Int((Double(pairs) * agreement).rounded()), of: pairs)
        return observed
    }

    var policy: ReleasePolicy {
        var policy = ReleasePolicy()
        policy.minimumRequests = 100
        policy.minimumDuration = .seconds(60)
        policy.earlyRequests = 20
        return policy
    }

    @Test func waitsUntilTheWindowIsComplete() {
        let stable = Self.observations(requests: 500)
        #expect(
            CanaryAnalysis.judge(canary: Self.observations(requests: 99), stable: stable, policy: policy, stepAge: .seconds(600))
                == .wait)
        #expect(
            CanaryAnalysis.judge(canary: Self.observations(requests: 500), stable: stable, policy: policy, stepAge: .seconds(59))
                == .wait)
        guard
            case .pass(let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 100), stable: stable, policy: policy, stepAge: .seconds(60))
        else {
            Issue.record("a complete, healthy window passes")
            return
        }
        #expect(figures["canary_requests"] == 100 && figures["label_divergence"] == 0 && figures["p99_ratio"] == 1)
    }

    @Test func anErrorRateAboveStablesFailsOnceThereIsEvidence() {
        let stable = Self.observations(requests: 400, errors: 4)
        // 19 requests prove nothing, even all failed.
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 19, errors: 19), stable: stable, policy: policy, stepAge: .zero) == .wait)
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 40, errors: 3), stable: stable, policy: policy, stepAge: .zero)
        else {
            Issue.record("7.5% against 1% fails a 5-point allowance")
            return
        }
        #expect(reason.hasPrefix("error rate 7.5% against stable's 1%"))
        #expect(figures["canary_error_rate"] == 0.075 && figures["stable_error_rate"] == 0.01)
        // 5% against 1% is within the allowance.
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 40, errors: 2), stable: stable, policy: policy, stepAge: .zero) == .wait)
    }

    @Test func aSlowerP99FailsOnlyBeyondTheRatioAndTheAbsoluteIncrease() {
        let stable = Self.observations(requests: 400, latency: .milliseconds(10))
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 100, latency: .milliseconds(50)), stable: stable, policy: policy,
                stepAge: .zero)
        else {
            Issue.record("5× slower and 40 ms more fails")
            return
        }
        #expect(reason.hasPrefix("p99 latency"))
        let ratio = try! #require(figures["p99_ratio"])
        #expect(abs(ratio - 5) < 0.6, "buckets are 10% wide: \(ratio)")
        // Three times slower but only 2 ms more: noise on a fast model, not a regression.
        let fast = Self.observations(requests: 400, latency: .milliseconds(1))
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 100, latency: .milliseconds(3)), stable: fast, policy: policy, stepAge: .zero)
                == .wait)
    }

    @Test func aShiftedLabelDistributionFails() {
        let stable = Self.observations(requests: 400, labels: ["a": 240, "b": 120, "c": 40])
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 30, labels: ["c": 30]), stable: stable, policy: policy, stepAge: .zero)
        else {
            Issue.record("a canary answering only 'c' fails")
            return
        }
        #expect(reason.hasPrefix("predicted labels shifted"))
        #expect((figures["label_divergence"] ?? 0) > 0.5)
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 40, labels: ["a": 23, "b": 13, "c": 4]), stable: stable, policy: policy,
                stepAge: .zero)
                == .wait)
    }

    @Test func aSmallSampleThatDiffersByChanceIsNoShift() {
        var lenient = policy
        lenient.maxLabelDivergence = 0.04
        let stable = Self.observations(requests: 400, labels: ["a": 240, "b": 120, "c": 40])
        // JS 0.052 bits, over the threshold; chi-square 8.25 with 2 degrees of freedom, p ≈ 0.016.
        let canary = Self.observations(requests: 20, labels: ["a": 8, "b": 6, "c": 6])
        #expect(Divergence.jensenShannon(canary.labels, stable.labels) > lenient.maxLabelDivergence)
        #expect(CanaryAnalysis.judge(canary: canary, stable: stable, policy: lenient, stepAge: .zero) == .wait)
        // Twice the sample with the same shares is significant.
        let larger = Self.observations(requests: 40, labels: ["a": 16, "b": 12, "c": 12])
        guard case .fail(let reason, _) = CanaryAnalysis.judge(canary: larger, stable: stable, policy: lenient, stepAge: .zero)
        else {
            Issue.record("40 answers with these shares are a shift")
            return
        }
        #expect(reason.hasPrefix("predicted labels shifted"))
    }

    @Test func chiSquareOfHomogeneityAndItsCriticalValue() {
        // scipy.stats.chi2_contingency([[10, 20, 5], [30, 15, 5]], correction=False)[0]
        let test = Divergence.chiSquare(["a": 10, "b": 20, "c": 5], ["a": 30, "b": 15, "c": 5])
        #expect(abs(test.statistic - 8.326530612244897) < 1e-9 && test.degreesOfFreedom == 2)
        #expect(Divergence.chiSquare(["a": 5], ["a": 7]).degreesOfFreedom == 0)
        // scipy.stats.chi2.ppf(0.99, k) for k = 1, 2, 5: 6.635, 9.210, 15.086.
        for (k, exact) in [(1, 6.6348966010212145), (2, 9.21034037197618), (5, 15.08627246938899)] {
            let approximate = Divergence.chiSquareCriticalValue(degreesOfFreedom: k, z: 2.326)
            #expect(abs(approximate - exact) / exact < 0.03, "\(k): \(approximate)")
        }
    }

    @Test func jensenShannonDivergenceInBits() {
        #expect(Divergence.jensenShannon(["a": 3, "b": 1], ["a": 30, "b": 10]) == 0)
        #expect(Divergence.jensenShannon(["a": 1], ["b": 5]) == 1)
        // P = (1, 0), Q = (1/2, 1/2): M = (3/4, 1/4); JS = ½·log2(4/3) + ½·(½·log2(2/3) + ½·log2(2)).
        let expected = 0.5 * log2(4.0 / 3) + 0.5 * (0.5 * log2(2.0 / 3) + 0.5)
        #expect(abs(Divergence.jensenShannon(["a": 4], ["a": 2, "b": 2]) - expected) < 1e-12)
        #expect(
            abs(Divergence.jensenShannon(["a": 4], ["a": 2, "b": 2]) - Divergence.jensenShannon(["a": 2, "b": 2], ["a": 4]))
                < 1e-15)
    }

    @Test func latencyPercentilesAreWithinABucket() {
        var histogram = LatencyHistogram()
        for milliseconds in 1...1000 { histogram.record(.microseconds(milliseconds * 100)) }
        let p99 = try! #require(histogram.percentile(0.99))
        let seconds = Double(p99.components.attoseconds) * 1e-18 + Double(p99.components.seconds)
        #expect(seconds >= 0.099 && seconds <= 0.099 * 1.1, "\(seconds)")
        #expect(LatencyHistogram().percentile(0.99) == nil)
    }

    @Test func aSignificantlyLowerAccuracyOnFeedbackFails() {
        var stable = Self.observations(requests: 400)
        var canary = Self.observations(requests: 60)
        for index in 0..<100 { stable.recordFeedback(correct: index < 80) }
        for index in 0..<100 { canary.recordFeedback(correct: index < 60) }
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: canary, stable: stable, policy: policy, stepAge: .zero)
        else {
            Issue.record("60% against 80% on 100 answers each fails")
            return
        }
        #expect(reason.hasPrefix("accuracy 60% against stable's 80%"))
        // p̂ = 0.7: z = −0.2 / √(0.21 · 0.02) = −3.086.
        #expect(abs((figures["accuracy_z"] ?? 0) + 3.0861) < 1e-3)
        // 78% against 80% is neither large nor significant.
        var close = Self.observations(requests: 60)
        for index in 0..<100 { close.recordFeedback(correct: index < 78) }
        #expect(CanaryAnalysis.judge(canary: close, stable: stable, policy: policy, stepAge: .zero) == .wait)
        // Too little feedback compares nothing.
        var few = Self.observations(requests: 60)
        for _ in 0..<10 { few.recordFeedback(correct: false) }
        #expect(CanaryAnalysis.judge(canary: few, stable: stable, policy: policy, stepAge: .zero) == .wait)
    }

}
