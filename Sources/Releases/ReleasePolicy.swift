/// When a canary passes, and what makes it fail, set per model under `canary:` in the
/// configuration. The defaults suit a model that takes a few requests a second.
public struct ReleasePolicy: Sendable, Equatable {
    /// Requests the canary must answer in a step before the step can pass.
    public var minimumRequests = 100
    /// How long a step lasts at least (CodeDeploy's Linear10PercentEvery1Minute waits a minute).
    public var minimumDuration: Duration = .seconds(60)
    /// Requests of each version before a failing check counts: fewer prove nothing.
    public var earlyRequests = 20
    /// The canary fails when its error rate exceeds stable's by more than this (0.05: 5 points).
    public var maxErrorRateIncrease = 0.05
    /// The canary fails when its p99 latency is more than this many times stable's…
    public var maxLatencyRatio = 2.0
    /// …and more than this much slower, so that noise on sub-millisecond models is no failure.
    public var minimumLatencyIncrease: Duration = .milliseconds(25)
    /// The canary fails when the Jensen–Shannon divergence (in bits, 0–1) between its predicted
    /// labels and stable's exceeds this…
    public var maxLabelDivergence = 0.1
    /// …and a chi-square test of homogeneity finds the two tallies different at this z (2.326:
    /// 1%), so that a few dozen answers of a good canary, which can differ from stable's by
    /// chance, do not roll it back.
    public var labelShiftZ = 2.326
    /// Feedback each version needs before accuracies are compared.
    public var minimumFeedback = 30
    /// The canary fails when its accuracy is lower than stable's by more than this…
    public var maxAccuracyDrop = 0.02
    /// …and a one-sided two-proportion z-test finds the drop significant at this z (1.645: 5%).
    public var accuracyZ = 1.645
    /// Percent of the canary's requests that stable also scores, off the client's path, so the
    /// two versions are compared on the same texts; 0 turns the paired checks off.
    public var pairedSample = 100
    /// The canary fails when it agrees with stable on fewer of the paired texts than this…
    public var minimumAgreement = 0.8
    /// …and a one-sided test finds the shortfall significant at this z (1.645: 5%).
    public var agreementZ = 1.645
    /// The canary fails when the Jensen–Shannon divergence between its top scores' histogram
    /// and stable's exceeds this, and a chi-square test finds them different at `labelShiftZ`:
    /// a model that learned nothing answers in the right proportions but is never sure.
    public var maxScoreDivergence = 0.1
    /// The canary is never promoted by the analysis when the validation macro F1 its artifact
    /// recorded is lower than stable's by more than this.
    public var maxValidationDrop = 0.1
    /// Percentage points added to the canary's weight after each passed step; nil promotes the
    /// canary after its first step.
    public var step: Int?

    public init() {}
}
