import Classifiers
import Encoders
import Foundation

extension TrainCommand {
    /// `train --encoder`: embeds every text once with the frozen encoder, then validates and
    /// fits a logistic-regression head on the embeddings.
    func trainEncoderHead(
        encoder path: String, dataset: LabeledDataset, labelSet: LabelSet, labels: [Int], started: ContinuousClock.Instant
    ) throws {
        let directory = URL(fileURLWithPath: path)
        Progress.say("loading encoder \(path)")
        let textEncoder = try TextEncoder(directory: directory)
        let record = try EncoderRecord(encoder: textEncoder, directory: directory, bundled: bundleEncoder, longTexts: longTexts)
        let texts = dataset.examples.map(\.text)
        Progress.say(
            "embedding \(texts.count) texts (\(textEncoder.maxLength) tokens, long texts: \(longTexts.rawValue)), \(batchSize ?? 32) per batch on \(ComputeThreads.count) threads"
        )
        let embedStart = ContinuousClock.now
        let embeddings = try textEncoder.embed(
            texts, longTexts: longTexts, batchSize: batchSize ?? 32, progress: Progress.counter("embedded", total: texts.count))
        let statistics = TrainingReport.EmbeddingStatistics(
            embeddings, seconds: Progress.seconds(since: embedStart), threads: ComputeThreads.count)

        let parameters = LogisticRegressionParameters(
            inverseRegularization: inverseRegularization, classWeighting: classWeighting, naiveBayesScaling: false)
        let pipeline = TrainingPipeline(
            trainer: EmbeddingHeadTrainer(parameters: parameters), folds: folds, holdoutFraction: holdout, seed: seed)
        let outcome = try pipeline.run(
            inputs: embeddings.map(\.vector), labels: labels, labelSet: labelSet, timings: ["embed": statistics.seconds],
            progress: Progress.say)

        let manifest = ModelManifest(
            name: name ?? URL(fileURLWithPath: output).standardizedFileURL.lastPathComponent, version: modelVersion,
            labels: labelSet, parameters: parameters, seed: seed, encoder: record,
            trainingData: .init(dataset: dataset, textColumn: dataOptions.textColumn, labelColumn: dataOptions.labelColumn),
            validation: outcome.validation, createdAt: CreationTime.timestamp())
        Progress.say("writing \(output)\(bundleEncoder ? " with a copy of the encoder" : "")")
        let saved = try ModelArtifact(manifest: manifest, model: .embeddingHead(outcome.model))
            .save(to: output, encoderSource: bundleEncoder ? directory : nil)
        try finish(saved: saved, finalFit: outcome.finalFit, timings: outcome.timings, embedding: statistics, started: started)
    }
}
