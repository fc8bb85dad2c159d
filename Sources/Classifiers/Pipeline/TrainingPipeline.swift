import Foundation
import TextFeatures

/// Validation (stratified hold-out and/or k-fold), then the final fit on all the data.
///
/// Inputs are prepared once (texts featurized, or embedded); each fit then learns from its own
/// training rows only (an n-gram fit builds its feature space and IDF from them), so
/// validation scores are not flattered by anything learned from the rows they are scored on.
public struct TrainingPipeline<Trainer: ClassifierFitting>: Sendable {
    public var trainer: Trainer
    public var folds: Int?
    public var holdoutFraction: Double?
    public var seed: UInt64

    public init(trainer: Trainer, folds: Int? = nil, holdoutFraction: Double? = nil, seed: UInt64 = 42) {
        self.trainer = trainer
        self.folds = folds
        self.holdoutFraction = holdoutFraction
        self.seed = seed
    }

    public struct Outcome: Sendable {
        public var model: Trainer.Model
        public var validation: ValidationReport?
        public var finalFit: ModelTrainer.FitSummary
        /// Wall-clock seconds per stage, for the report (never the manifest: it would break
        /// reproducibility).
        public var timings: [String: Double]
    }

    /// Validates on, then fits, `inputs`; `timings` starts with what preparing them took.
    public func run(
        inputs: [Trainer.Input],
        labels: [Int],
        labelSet: LabelSet,
        timings initialTimings: [String: Double] = [:],
        progress: @escaping (String) -> Void = { _ in }
    ) throws(TrainingError) -> Outcome {
        try validateOptions(labels: labels, labelSet: labelSet)
        var timings = initialTimings
        var clock = ContinuousClock.now

        func lap(_ stage: String) {
            let now = ContinuousClock.now
            let elapsed = clock.duration(to: now)
            timings[stage] = Self.seconds(elapsed)
            clock = now
        }

        var report = ValidationReport()
        var modelRows = Array(labels.indices)
        if let fraction = holdoutFraction {
            let split = StratifiedSplit.holdout(labels: labels, classCount: labelSet.count, fraction: fraction, seed: seed)
            progress("hold-out: fitting on \(split.train.count) rows, scoring \(split.test.count)")
            let metrics = fitAndScore(
                inputs: inputs, labels: labels, labelSet: labelSet, train: split.train, test: split.test)
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
                perFold.append(fitAndScore(inputs: inputs, labels: labels, labelSet: labelSet, train: train, test: test))
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

        progress("final fit on all \(inputs.count) rows")
        let final = trainer.fit(inputs, labels: labels, labelSet: labelSet) { iteration, loss in
            if iteration % 25 == 0 { progress("  iteration \(iteration), loss \(String(format: "%.5f", loss))") }
        }
        lap("final_fit")
        let hasValidation = report.holdout != nil || report.crossValidation != nil
        return Outcome(
            model: final.model, validation: hasValidation ? report : nil, finalFit: final.summary, timings: timings)
    }

    private func fitAndScore(inputs: [Trainer.Input], labels: [Int], labelSet: LabelSet, train: [Int], test: [Int])
        -> ClassificationMetrics
    {
        let fit = trainer.fit(train.map { inputs[$0] }, labels: train.map { labels[$0] }, labelSet: labelSet) { _, _ in }
        let predicted = trainer.predictedLabels(of: fit.model, for: test.map { inputs[$0] })
        return ClassificationMetrics(truth: test.map { labels[$0] }, predicted: predicted, labels: labelSet.names)
    }

    fileprivate static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
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

extension TrainingPipeline where Trainer == ModelTrainer {
    /// Featurizes `texts` once, then validates and fits on them.
    public func run(
        texts: [String], labels: [Int], labelSet: LabelSet, progress: @escaping (String) -> Void = { _ in }
    ) throws(TrainingError) -> Outcome {
        let start = ContinuousClock.now
        progress("featurizing \(texts.count) texts")
        let configuration = trainer.features
        let documents = ParallelMap.map(
            texts, makeState: { TextFeaturizer(configuration: configuration) },
            transform: { featurizer, text in featurizer.termCounts(of: text) })
        return try run(
            inputs: documents, labels: labels, labelSet: labelSet,
            timings: ["featurize": Self.seconds(start.duration(to: .now))], progress: progress)
    }
}
