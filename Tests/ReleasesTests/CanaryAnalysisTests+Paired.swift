import Releases
import Testing

/// The checks that tallies of labels cannot make: agreement on the same texts, confidence,
/// and the validation each version recorded.
extension CanaryAnalysisTests {
    /// Compared on the same texts, a canary that agrees with stable on 62% (what noise in
    /// stable's proportions scores on the hate-speech labels) fails; 78% of 100 is not
    /// significantly under 80% and passes; a window without enough pairs waits.
    @Test func agreementWithStableOnTheSameTextsIsChecked() {
        let stable = Self.observations(requests: 400, paired: 0)
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 100, agreement: 0.62), stable: stable, policy: policy,
                stepAge: .seconds(60))
        else {
            Issue.record("62% agreement fails")
            return
        }
        #expect(reason.hasPrefix("agrees with stable on 62% of 100 texts"), "\(reason)")
        #expect(figures["agreement"] == 0.62 && figures["paired"] == 100 && (figures["agreement_z"] ?? 0) < -4)
        guard
            case .pass(let passed) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 100, agreement: 0.78), stable: stable, policy: policy,
                stepAge: .seconds(60))
        else {
            Issue.record("78% of 100 is within chance of 80%")
            return
        }
        #expect(passed["agreement"] == 0.78)
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 100, paired: 19), stable: stable, policy: policy, stepAge: .seconds(60))
                == .wait)
        var unpaired = policy
        unpaired.pairedSample = 0
        if case .pass = CanaryAnalysis.judge(
            canary: Self.observations(requests: 100, paired: 0), stable: stable, policy: unpaired, stepAge: .seconds(60))
        {
        } else {
            Issue.record("with pairing off, no pairs are needed")
        }
    }

    /// Same labels in the same proportions, but never sure: the top scores' histogram differs,
    /// and only a canary less sure than stable fails.
    @Test func aCanaryThatIsNeverSureFailsOnConfidence() {
        let stable = Self.observations(requests: 400, topScore: 0.92)
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 40, topScore: 0.45), stable: stable, policy: policy, stepAge: .zero)
        else {
            Issue.record("top scores of 0.45 against 0.92 fail")
            return
        }
        #expect(reason.hasPrefix("confidence shifted: mean top score 0.45 against stable's 0.95"), "\(reason)")
        #expect((figures["score_divergence"] ?? 0) > 0.9)
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 40, topScore: 0.93), stable: stable, policy: policy, stepAge: .zero)
                == .wait)
        // Surer than stable, as a model retrained on more data often is: no failure.
        let unsure = Self.observations(requests: 400, topScore: 0.85)
        #expect(
            CanaryAnalysis.judge(
                canary: Self.observations(requests: 40, topScore: 0.97), stable: unsure, policy: policy, stepAge: .zero)
                == .wait)
    }

    /// A version whose own validation macro F1 is far under stable's is held back before any
    /// traffic; a small difference is no reason.
    @Test func aVersionThatValidatedFarBelowStableIsNeverPromoted() {
        let stable = Self.observations(requests: 400)
        guard
            case .fail(let reason, let figures) = CanaryAnalysis.judge(
                canary: Self.observations(requests: 0), stable: stable, policy: policy, stepAge: .zero,
                validation: (canary: 0.33, stable: 0.75))
        else {
            Issue.record("0.33 against 0.75 fails")
            return
        }
        #expect(reason.hasPrefix("its own validation macro F1 0.33 against stable's 0.75"), "\(reason)")
        #expect(figures["canary_validation_macro_f1"] == 0.33)
        if case .pass = CanaryAnalysis.judge(
            canary: Self.observations(requests: 100), stable: stable, policy: policy, stepAge: .seconds(60),
            validation: (canary: 0.70, stable: 0.75))
        {
        } else {
            Issue.record("0.05 less is within the allowance")
        }
    }
}
