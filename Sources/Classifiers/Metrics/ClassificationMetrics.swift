/// Accuracy, per-class precision, recall and F1, their macro and support-weighted means, and
/// the confusion matrix (rows are true labels, columns predicted), as scikit-learn computes
/// them: a ratio with a zero denominator is 0.
public struct ClassificationMetrics: Sendable, Codable, Equatable {
    public struct ClassMetrics: Sendable, Codable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int

        package init(precision: Double, recall: Double, f1: Double, support: Int) {
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    public var labels: [String]
    public var confusionMatrix: [[Int]]
    public var perClass: [ClassMetrics]
    public var accuracy: Double
    public var macroF1: Double
    public var weightedF1: Double
    public var count: Int

    public init(truth: [Int], predicted: [Int], labels: [String]) {
        precondition(truth.count == predicted.count)
        let classCount = labels.count
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (actual, guess) in zip(truth, predicted) { matrix[actual][guess] += 1 }
        var perClass: [ClassMetrics] = []
        for label in 0..<classCount {
            let truePositives = Double(matrix[label][label])
            let predictedCount = Double((0..<classCount).reduce(0) { $0 + matrix[$1][label] })
            let support = matrix[label].reduce(0, +)
            let precision = predictedCount > 0 ? truePositives / predictedCount : 0
            let recall = support > 0 ? truePositives / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            perClass.append(ClassMetrics(precision: precision, recall: recall, f1: f1, support: support))
        }
        let total = truth.count
        let correct = (0..<classCount).reduce(0) { $0 + matrix[$1][$1] }
        self.labels = labels
        self.confusionMatrix = matrix
        self.perClass = perClass
        self.count = total
        self.accuracy = total > 0 ? Double(correct) / Double(total) : 0
        self.macroF1 = classCount > 0 ? perClass.reduce(0) { $0 + $1.f1 } / Double(classCount) : 0
        self.weightedF1 = total > 0 ? perClass.reduce(0) { $0 + $1.f1 * Double($1.support) } / Double(total) : 0
    }
}

/// The mean and (population) standard deviation of a metric over cross-validation folds.
public struct MetricSummary: Sendable, Codable, Equatable {
    public var mean: Double
    public var standardDeviation: Double

    public init(_ values: [Double]) {
        let count = Double(max(values.count, 1))
        let mean = values.reduce(0, +) / count
        self.mean = mean
        standardDeviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count).squareRoot()
    }
}
