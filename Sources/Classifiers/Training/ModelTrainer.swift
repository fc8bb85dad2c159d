import Foundation
import TextFeatures

/// Fits a `TextClassifier` on featurized documents: the feature space first (from these
/// documents only), then the algorithm's weights.
public struct ModelTrainer: ClassifierFitting {
    public var algorithm: TrainingAlgorithm
    public var features: FeatureConfiguration

    public init(algorithm: TrainingAlgorithm, features: FeatureConfiguration) {
        self.algorithm = algorithm
        self.features = features
    }

    /// What a fit did, for progress output and the report.
    public struct FitSummary: Sendable, Codable, Equatable {
        public var featureCount: Int
        public var iterations: Int?
        /// Objective evaluations, iterations plus line-search retries.
        public var evaluations: Int?
        public var converged: Bool
    }

    public func fit(
        documents: [TermCounts],
        labels: [Int],
        labelSet: LabelSet,
        progress: (_ iteration: Int, _ loss: Double) -> Void = { _, _ in }
    ) -> (classifier: TextClassifier, summary: FitSummary) {
        let space = FeatureSpace.fit(configuration: features, documents: documents)
        var matrix = Self.matrix(of: documents, in: space)
        let classCount = labelSet.count
        let weights: LinearWeights
        var summary = FitSummary(featureCount: space.count, iterations: nil, evaluations: nil, converged: true)
        switch algorithm {
        case .logisticRegression(let parameters):
            let scales =
                parameters.naiveBayesScaling
                ? NaiveBayesFeatureScaling.scales(matrix: matrix, labels: labels, classCount: classCount) : nil
            if let scales { matrix.scaleColumns(by: scales) }
            let trainer = LogisticRegressionTrainer(
                inverseRegularization: parameters.inverseRegularization,
                maximumIterations: parameters.maximumIterations,
                tolerance: parameters.tolerance)
            let exampleWeights = Self.exampleWeights(labels: labels, classCount: classCount, weighting: parameters.classWeighting)
            let fit = trainer.fit(
                matrix: matrix, labels: labels, exampleWeights: exampleWeights, classCount: classCount, progress: progress)
            var fitted = fit.weights
            if let scales {
                for feature in 0..<space.count {
                    for label in 0..<classCount { fitted.weights[feature * classCount + label] *= scales[feature] }
                }
            }
            weights = fitted
            summary.iterations = fit.iterations
            summary.evaluations = fit.evaluations
            summary.converged = fit.converged
        case .naiveBayes(let parameters):
            switch parameters.variant {
            case .multinomial:
                weights = NaiveBayesTrainer.multinomial(
                    matrix: matrix, labels: labels, classCount: classCount, alpha: parameters.alpha)
            case .natural:
                weights = NaiveBayesTrainer.natural(matrix: matrix, labels: labels, classCount: classCount)
            }
        }
        return (TextClassifier(labels: labelSet, featureSpace: space, weights: weights), summary)
    }

    public func fit(
        _ inputs: [TermCounts], labels: [Int], labelSet: LabelSet, progress: (_ iteration: Int, _ loss: Double) -> Void
    ) -> (model: TextClassifier, summary: FitSummary) {
        let fitted = fit(documents: inputs, labels: labels, labelSet: labelSet, progress: progress)
        return (fitted.classifier, fitted.summary)
    }

    public func predictedLabels(of classifier: TextClassifier, for documents: [TermCounts]) -> [Int] {
        ParallelMap.map(documents) { document -> Int in
            var scores: [Float] = []
            classifier.weights.scores(of: classifier.featureSpace.vector(for: document), into: &scores)
            return Prediction(probabilities: scores, labels: classifier.labels).labelIndex
        }
    }

    static func matrix(of documents: [TermCounts], in space: FeatureSpace) -> SparseMatrix {
        let vectors = ParallelMap.map(documents) { space.vector(for: $0) }
        return SparseMatrix(columnCount: space.count, rows: vectors)
    }

    package static func exampleWeights(labels: [Int], classCount: Int, weighting: ClassWeighting) -> [Double] {
        switch weighting {
        case .none:
            return [Double](repeating: 1, count: labels.count)
        case .balanced:
            var counts = [Double](repeating: 0, count: classCount)
            for label in labels { counts[label] += 1 }
            let perClass = counts.map { $0 > 0 ? Double(labels.count) / (Double(classCount) * $0) : 0 }
            return labels.map { perClass[$0] }
        }
    }
}
