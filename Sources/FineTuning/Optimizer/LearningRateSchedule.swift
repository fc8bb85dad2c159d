/// Linear warmup from zero, then linear decay to zero at the last step, as `transformers`'
/// `get_linear_schedule_with_warmup`: the first update runs at `rate(after: 0)`, which is
/// zero when there is warmup.
public struct LearningRateSchedule: Sendable, Equatable {
    public let peak: Float
    public let warmupSteps: Int
    public let totalSteps: Int

    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The rate of the update that follows `completed` updates.
    public func rate(after completed: Int) -> Float {
        if completed < warmupSteps { return peak * Float(completed) / Float(max(warmupSteps, 1)) }
        return peak * max(0, Float(totalSteps - completed) / Float(max(totalSteps - warmupSteps, 1)))
    }
}
