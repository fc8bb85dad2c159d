/// Chooses how much each of two models counts in the average of their probabilities, from
/// their predictions on rows neither was trained on.
public enum EnsembleWeightSearch {
    public struct Choice: Sendable, Equatable {
        /// The two models' weights, which sum to 1.
        public var weights: [Double]
        /// The average's metrics on the rows at that weight.
        public var metrics: ClassificationMetrics
    }

    /// Tries the first model's weight at 0, 1/steps, …, 1 and keeps the one whose average has
    /// the highest macro F1, the measure that also counts rare classes. Ties go to the weight
    /// nearest an even split, which leans least on a single model's mistakes.
    public static func choose(
        first: [[Float]], second: [[Float]], truth: [Int], labelNames: [String], steps: Int = 20
    ) -> Choice {
        precondition(first.count == truth.count && second.count == truth.count && steps > 0)
        let candidates = (0...steps).sorted { abs(2 * $0 - steps) < abs(2 * $1 - steps) }
        let choices = candidates.map { step in
            let weights = [Double(step) / Double(steps), Double(steps - step) / Double(steps)]
            let predicted = zip(first, second).map { pair in
                Prediction.bestIndex(of: ProbabilityAverage.combine([pair.0, pair.1], weights: weights))
            }
            return Choice(
                weights: weights, metrics: ClassificationMetrics(truth: truth, predicted: predicted, labels: labelNames))
        }
        return choices.dropFirst().reduce(choices[0]) { $1.metrics.macroF1 > $0.metrics.macroF1 ? $1 : $0 }
    }
}
