/// How well the chosen settings generalize, measured before the final fit; stored in the
/// manifest and the `--report` file.
public struct ValidationReport: Sendable, Codable, Equatable {
    public var holdout: HoldoutResult?
    public var crossValidation: CrossValidationResult?

    public init(holdout: HoldoutResult? = nil, crossValidation: CrossValidationResult? = nil) {
        self.holdout = holdout
        self.crossValidation = crossValidation
    }

    public struct HoldoutResult: Sendable, Codable, Equatable {
        public var fraction: Double
        public var trainCount: Int
        public var testCount: Int
        public var metrics: ClassificationMetrics

        public init(fraction: Double, trainCount: Int, testCount: Int, metrics: ClassificationMetrics) {
            self.fraction = fraction
            self.trainCount = trainCount
            self.testCount = testCount
            self.metrics = metrics
        }
    }

    public struct CrossValidationResult: Sendable, Codable, Equatable {
        public var folds: Int
        public var accuracy: MetricSummary
        public var macroF1: MetricSummary
        public var weightedF1: MetricSummary
        /// Recall of each class across folds, by label name: the rare class's is the one to watch.
        public var recall: [String: MetricSummary]
        public var perFold: [ClassificationMetrics]
    }
}
