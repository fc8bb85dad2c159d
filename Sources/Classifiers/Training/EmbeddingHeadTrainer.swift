import TextFeatures

/// Fits an `EmbeddingHead`: multinomial logistic regression on sentence embeddings, the
/// recipe of sentence-transformers plus scikit-learn's `LogisticRegression`.
///
/// Embeddings are dense, so naive Bayes scaling (a log-count ratio for non-negative counts)
/// does not apply and is ignored; every other parameter means what it means for n-grams.
public struct EmbeddingHeadTrainer: ClassifierFitting {
    public var parameters: LogisticRegressionParameters

    public init(parameters: LogisticRegressionParameters) {
        self.parameters = parameters
    }

    public func fit(
        _ embeddings: [[Float]], labels: [Int], labelSet: LabelSet,
        progress: (_ iteration: Int, _ loss: Double) -> Void
    ) -> (model: EmbeddingHead, summary: ModelTrainer.FitSummary) {
        let dimensions = embeddings.first?.count ?? 0
        let allDimensions = (0..<Int32(dimensions)).map { $0 }
        let matrix = SparseMatrix(
            columnCount: dimensions, rows: embeddings.map { SparseVector(indices: allDimensions, values: $0) })
        let trainer = LogisticRegressionTrainer(
            inverseRegularization: parameters.inverseRegularization, maximumIterations: parameters.maximumIterations,
            tolerance: parameters.tolerance)
        let fit = trainer.fit(
            matrix: matrix, labels: labels,
            exampleWeights: ModelTrainer.exampleWeights(
                labels: labels, classCount: labelSet.count, weighting: parameters.classWeighting),
            classCount: labelSet.count, progress: progress)
        return (
            EmbeddingHead(labels: labelSet, weights: fit.weights),
            ModelTrainer.FitSummary(
                featureCount: dimensions, iterations: fit.iterations, evaluations: fit.evaluations, converged: fit.converged)
        )
    }

    public func predictedLabels(of head: EmbeddingHead, for embeddings: [[Float]]) -> [Int] {
        ParallelMap.map(embeddings) { head.predict($0).labelIndex }
    }
}
