import Foundation
import TextFeatures

/// Validation (stratified hold-out and/or k-fold), then the final fit on all the data.
///
/// Texts are featurized once; each fit then builds its own feature space from its own
/// training rows, so validation scores are not flattered by features or IDF learned from the
/// rows they are scored on.
public struct TrainingPipeline: Sendable {
    public var trainer: ModelTrainer
    public var folds: Int?
    public var holdoutFraction: Double?
    public var seed: UInt64

    public init(trainer: ModelTrainer, folds: Int? = nil, holdoutFraction: Double? = nil, seed: UInt64 = 42) {
        self.trainer = trainer
        self.folds = folds
        self.holdoutFraction = holdoutFraction
        self.seed = seed
    }

    public struct Outcome: Sendable {
        public var classifier: TextClassifier
        public var validation: ValidationReport?
        public var finalFit: ModelTrainer.FitSummary
        /// Wall-clock seconds per stage, for the report (never the manifest: it would break
        /// reproducibility).
        public var timings: [String: Double]
    }

    public func run(
        texts: [String],
        labels: [Int],
        labelSet: LabelSet,
        progress: @escaping (String) -> Void = { _ in }
    ) throws(TrainingError) -> Outcome {
        try validateOptions(labels: labels, labelSet: labelSet)
        var timings: [String: Double] = [:]
        var clock = ContinuousClock.now

        func lap(_ stage: String) {
            let now = ContinuousClock.now
            let elapsed = clock.duration(to: now)
            timings[stage] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            clock = now
        }

        progress("featurizing \(texts.count) texts")
        let configuration = trainer.features
        let documents = ParallelMap.map(
            texts, makeState: { TextFeaturizer(configuration: configuration) },
            transform: { featurizer, text in featurizer.termCounts(of: text) })
        lap("featurize")

        var report = ValidationReport()
        var modelRows = Array(labels.indices)
        if let fraction = holdoutFraction {
            let split = StratifiedSplit.holdout(labels: labels, classCount: labelSet.count, fraction: fraction, seed: seed)
            progress("hold-out: fitting on \(split.train.count) rows, scoring \(split.test.count)")
            let metrics = fitAndScore(
                documents: documents, labels: labels, labelSet: labelSet, train: split.train, test: split.test)
            report.holdout = .init(
                fraction: fraction, trainCount: split.train.count, testCount: split.test.count, metrics: metrics)
            modelRows = split.train
            lap("holdout")
        }
        if let folds {
            let foldLabels = modelRows.map { labels[$0] }
            let assignment = StratifiedSplit.folds(labels: foldLabels, classCount: labelSet.count, foldCount: folds, seed: seed)
            var perFold: [ClassificationMetrics] = []
            for fold in 0..<folds {
                progress("cross-validation: fold \(fold + 1)/\(folds)")
                let train = modelRows.indices.filter { assignment[$0] != fold }.map { modelRows[$0] }
                let test = modelRows.indices.filter { assignment[$0] == fold }.map { modelRows[$0] }
                perFold.append(fitAndScore(documents: documents, labels: labels, labelSet: labelSet, train: train, test: test))
            }
            var recall: [String: MetricSummary] = [:]
            for (index, name) in labelSet.names.enumerated() {
                recall[name] = MetricSummary(perFold.map { $0.perClass[index].recall })
            }
            report.crossValidation = .init(
                folds: folds,
                accuracy: MetricSummary(perFold.map(\.accuracy)),
                macroF1: MetricSummary(perFold.map(\.macroF1)),
                weightedF1: MetricSummary(perFold.map(\.weightedF1)),
                recall: recall,
                perFold: perFold)
            lap("cross_validation")
        }

        progress("final fit on all \(texts.count) rows")
        let final = trainer.fit(documents: documents, labels: labels, labelSet: labelSet) { iteration, loss in
            if iteration % 25 == 0 { progress("  iteration \(iteration), loss \(String(format: "%.5f", loss))") }
        }
        lap("final_fit")
        let hasValidation = report.holdout != nil || report.crossValidation != nil
        return Outcome(
            classifier: final.classifier, validation: hasValidation ? report : nil, finalFit: final.summary, timings: timings)
    }

    private func fitAndScore(documents: [TermCounts], labels: [Int], labelSet: LabelSet, train: [Int], test: [Int])
        -> ClassificationMetrics
    {
        let fit = trainer.fit(documents: train.map { documents[$0] }, labels: train.map { labels[$0] }, labelSet: labelSet)
        let classifier = fit.classifier
        let predicted = ParallelMap.map(test) { row -> Int in
            var scores: [Float] = []
            classifier.weights.scores(of: classifier.featureSpace.vector(for: documents[row]), into: &scores)
            return Prediction(probabilities: scores, labels: labelSet).labelIndex
        }
        return ClassificationMetrics(truth: test.map { labels[$0] }, predicted: predicted, labels: labelSet.names)
    }

    private func validateOptions(labels: [Int], labelSet: LabelSet) throws(TrainingError) {
        var counts = [Int](repeating: 0, count: labelSet.count)
        for label in labels { counts[label] += 1 }
        if let fraction = holdoutFraction {
            guard fraction > 0, fraction < 1 else { throw .invalidHoldoutFraction(fraction) }
            if let smallest = counts.indices.first(where: { counts[$0] < 2 }) {
                throw .classTooSmallForHoldout(label: labelSet.names[smallest], count: counts[smallest])
            }
        }
        if let folds {
            guard folds >= 2 else { throw .invalidFoldCount(folds) }
            let available =
                holdoutFraction.map { fraction in counts.map { $0 - Int((Double($0) * fraction).rounded()) } } ?? counts
            if let smallest = available.indices.first(where: { available[$0] < folds }) {
                throw .classTooSmallForFolds(label: labelSet.names[smallest], count: available[smallest], folds: folds)
            }
        }
    }
}
