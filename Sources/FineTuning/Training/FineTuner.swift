import Classifiers
import Foundation

/// Runs the updates of a fine-tuning recipe over tokenized examples: length-sorted batches,
/// dropout as configured, cross-entropy (class-weighted when asked), clipping, the warmup and
/// decay schedule and AdamW, with a report after every update and validation after every
/// epoch. The weights of the epoch with the best validation macro F1 are kept.
public final class FineTuner: @unchecked Sendable {
    /// Token ids (with `[CLS]` and `[SEP]`) and label ids.
    public struct Examples: Sendable {
        public var sequences: [[Int32]]
        public var labels: [Int]

        public init(sequences: [[Int32]], labels: [Int]) {
            self.sequences = sequences
            self.labels = labels
        }
    }

    /// What one update did, for a progress line.
    public struct StepReport: Sendable {
        public let step: Int
        public let totalSteps: Int
        public let epoch: Int
        public let loss: Float
        public let learningRate: Float
        public let examplesPerSecond: Double
        public let secondsLeft: Double
    }

    /// Validation after one epoch.
    public struct EpochReport: Sendable, Codable {
        public let epoch: Int
        public let trainingLoss: Double
        public let validation: ClassificationMetrics?
        public let seconds: Double
        public let isBest: Bool
    }

    /// Where a run stands: enough, with the weights and Adam's moments, to go on exactly where
    /// it stopped, since batches and dropout masks follow from the seed, the epoch and the step.
    public struct Position: Sendable, Codable {
        public var epoch = 0
        public var batchInEpoch = 0
        var lossSum = 0.0
        var lossCount = 0
        public var reports: [EpochReport] = []
        /// The best validation macro F1 so far, nil before the first validated epoch.
        var bestMacroF1: Double?
    }

    /// How `run` ended.
    public enum Outcome: Sendable {
        /// Every epoch ran; the best validated weights (or the last) are in the network.
        case finished([EpochReport])
        /// `shouldStop` said so before the next update; `writeCheckpoint` saves the run.
        case stopped(step: Int)
    }

    public let network: SequenceClassifierNetwork
    public let settings: FineTuningSettings
    public let labelNames: [String]
    let training: Examples
    let validation: Examples?
    let optimizer: AdamW
    let schedule: LearningRateSchedule
    let classWeights: [Float]?
    /// The best epoch's weights, once an epoch has been validated.
    var bestValues: [Float]?
    public internal(set) var position = Position()

    public init(
        network: SequenceClassifierNetwork, settings: FineTuningSettings, labelNames: [String], training: Examples,
        validation: Examples?
    ) throws(FineTuningError) {
        try settings.validate()
        guard !training.sequences.isEmpty else { throw .emptyBatch }
        self.network = network
        self.settings = settings
        self.labelNames = labelNames
        self.training = training
        self.validation = validation
        optimizer = AdamW(parameterCount: network.parameters.count, settings: .init(weightDecay: settings.weightDecay))
        let stepsPerEpoch = (training.sequences.count + settings.batchSize - 1) / settings.batchSize
        let total = stepsPerEpoch * settings.epochs
        schedule = LearningRateSchedule(
            peak: settings.learningRate, warmupSteps: Int((Double(total) * settings.warmup).rounded(.up)), totalSteps: total)
        classWeights = settings.classWeights(labels: training.labels, classCount: network.layout.labelCount)
    }

    public var totalSteps: Int { schedule.totalSteps }
    public var completedSteps: Int { optimizer.step }

    /// Runs the remaining epochs from `position`, checking `shouldStop` before each update,
    /// then leaves the best validated weights (or the last, without a validation set) in the
    /// network.
    public func run(
        onStep: (StepReport) -> Void = { _ in }, onEpoch: (EpochReport) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws(FineTuningError) -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let stepAtStart = optimizer.step
        var epochStart = clock.now
        while position.epoch < settings.epochs {
            let batches = LengthBatches.epoch(
                lengths: training.sequences.map(\.count), batchSize: settings.batchSize, seed: settings.seed,
                epoch: position.epoch)
            while position.batchInEpoch < batches.count {
                if shouldStop() { return .stopped(step: optimizer.step) }
                let batch = batches[position.batchInEpoch]
                let loss = try update(batch)
                position.lossSum += Double(loss) * Double(batch.count)
                position.lossCount += batch.count
                position.batchInEpoch += 1
                let elapsed = Self.seconds(started.duration(to: clock.now))
                let rate = Double(optimizer.step - stepAtStart) * Double(settings.batchSize) / max(elapsed, 1e-9)
                onStep(
                    StepReport(
                        step: optimizer.step, totalSteps: totalSteps, epoch: position.epoch + 1, loss: loss,
                        learningRate: schedule.rate(after: optimizer.step - 1), examplesPerSecond: rate,
                        secondsLeft: Double((totalSteps - optimizer.step) * settings.batchSize) / max(rate, 1e-9)))
            }
            let metrics = try validation.map { examples throws(FineTuningError) in try evaluate(examples) }
            var isBest = false
            if let metrics, metrics.macroF1 > position.bestMacroF1 ?? -.infinity {
                position.bestMacroF1 = metrics.macroF1
                bestValues = Array(UnsafeBufferPointer(start: network.parameters.values, count: network.parameters.count))
                isBest = true
            }
            let report = EpochReport(
                epoch: position.epoch + 1, trainingLoss: position.lossSum / Double(max(position.lossCount, 1)),
                validation: metrics, seconds: Self.seconds(epochStart.duration(to: clock.now)), isBest: isBest)
            position.reports.append(report)
            position.epoch += 1
            position.batchInEpoch = 0
            position.lossSum = 0
            position.lossCount = 0
            epochStart = clock.now
            onEpoch(report)
        }
        if let bestValues {
            _ = UnsafeMutableBufferPointer(start: network.parameters.values, count: network.parameters.count)
                .update(from: bestValues)
        }
        return .finished(position.reports)
    }

    /// One update on the examples at `indices`; returns its loss.
    func update(_ indices: [Int]) throws(FineTuningError) -> Float {
        network.parameters.zeroGradients()
        let loss = try network.accumulateGradients(
            sequences: indices.map { training.sequences[$0] }, labels: indices.map { training.labels[$0] },
            classWeights: classWeights, seed: settings.seed &+ UInt64(optimizer.step) &* 0x2545_F491_4F6C_DD1D)
        GradientClipping.clip(network.parameters, maxNorm: settings.maxGradientNorm, threads: network.threads)
        optimizer.update(network.parameters, learningRate: schedule.rate(after: optimizer.step), threads: network.threads)
        return loss
    }

    /// Metrics of the current weights on `examples`, with dropout off.
    public func evaluate(_ examples: Examples) throws(FineTuningError) -> ClassificationMetrics {
        var predicted = [Int](repeating: 0, count: examples.sequences.count)
        let batches = LengthBatches.epoch(
            lengths: examples.sequences.map(\.count), batchSize: settings.batchSize * 2, seed: 0, epoch: 0)
        for batch in batches {
            let logits = try network.logits(of: batch.map { examples.sequences[$0] })
            for (index, row) in zip(batch, logits) {
                predicted[index] = row.indices.max { row[$0] < row[$1] } ?? 0
            }
        }
        return ClassificationMetrics(truth: examples.labels, predicted: predicted, labels: labelNames)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
