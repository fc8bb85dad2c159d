import Classifiers

extension FineTuningSettings {
    /// Refuses settings no run could use, naming the option.
    public func validate() throws(FineTuningError) {
        guard epochs >= 1 else { throw .invalidSetting(name: "epochs", reason: "must be at least 1, not \(epochs)") }
        guard batchSize >= 1 else { throw .invalidSetting(name: "batch-size", reason: "must be at least 1, not \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidSetting(name: "learning-rate", reason: "must be a positive number, not \(learningRate)")
        }
        guard maxLength >= 3 else { throw .invalidSetting(name: "max-length", reason: "must be at least 3, not \(maxLength)") }
        guard (0..<1).contains(warmup) else {
            throw .invalidSetting(name: "warmup", reason: "must be a fraction in [0, 1), not \(warmup)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw .invalidSetting(name: "weight-decay", reason: "must be zero or more, not \(weightDecay)")
        }
        guard (0..<1).contains(validation) else {
            throw .invalidSetting(name: "validation", reason: "must be a fraction in [0, 1), not \(validation)")
        }
    }

}
