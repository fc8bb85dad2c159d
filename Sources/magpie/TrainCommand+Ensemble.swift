import ArgumentParser
import Classifiers
import Encoders
import Foundation
import ModelRuntime

extension TrainCommand {
    /// What `--fine-tune --ensemble` has when the encoder is trained: the staging folder that
    /// will become the artifact, with the fine-tuned encoder in `encoder/`, and the split the
    /// encoder validated on.
    struct EnsembleInputs {
        var staging: URL
        var dataset: LabeledDataset
        var labelSet: LabelSet
        var labels: [Int]
        var split: (train: [Int], test: [Int])
    }

    static let ensembleEncoderFolder = "encoder"
    static let ensembleNGramFolder = "ngram"

    /// Trains the n-gram logistic regression, weighs it against the fine-tuned encoder on the
    /// validation split, and publishes both as one ensemble artifact at `--output`.
    ///
    /// The weight is the one whose average scores the best macro F1 on the validation rows,
    /// with an n-gram model fitted without them, so neither member has seen the rows that
    /// weigh it. The n-gram member that ships is then refitted on every row, as plain n-gram
    /// training does: it takes seconds and only adds data.
    func buildEnsemble(_ inputs: EnsembleInputs, workers: Int) throws -> ModelManifest {
        let texts = inputs.dataset.examples.map(\.text)
        let validationTexts = inputs.split.test.map { texts[$0] }
        let validationTruth = inputs.split.test.map { inputs.labels[$0] }
        let pipeline = TrainingPipeline(
            trainer: ModelTrainer(algorithm: trainingAlgorithm(), features: try features()), folds: nil,
            holdoutFraction: nil, seed: seed)

        Progress.say("n-gram member: fitting on the \(inputs.split.train.count) training rows to weigh it")
        let heldOutFit = try pipeline.run(
            texts: inputs.split.train.map { texts[$0] }, labels: inputs.split.train.map { inputs.labels[$0] },
            labelSet: inputs.labelSet)
        let nGramProbabilities = Evaluator.predictions(of: heldOutFit.model, texts: validationTexts).map(\.probabilities)

        Progress.say("encoder member: classifying the \(validationTexts.count) validation rows")
        ComputeThreads.set(workers)
        let encoderFolder = inputs.staging.appendingPathComponent(Self.ensembleEncoderFolder)
        let encoder = try SequenceClassifier(directory: encoderFolder, labels: inputs.labelSet)
        let encoderProbabilities = try encoder.classify(validationTexts).map(\.prediction.probabilities)

        let names = inputs.labelSet.names
        let choice = EnsembleWeightSearch.choose(
            first: encoderProbabilities, second: nGramProbabilities, truth: validationTruth, labelNames: names)
        let single = { (probabilities: [[Float]]) in
            ClassificationMetrics(
                truth: validationTruth, predicted: probabilities.map(Prediction.bestIndex(of:)), labels: names)
        }
        let (encoderAlone, nGramAlone) = (single(encoderProbabilities), single(nGramProbabilities))
        Progress.say(
            "validation macro F1: encoder \(Self.rounded(encoderAlone.macroF1)), n-gram \(Self.rounded(nGramAlone.macroF1)), ensemble \(Self.rounded(choice.metrics.macroF1)) with the encoder at \(choice.weights[0])"
        )

        Progress.say("n-gram member: fitting on all \(texts.count) rows")
        let final = try pipeline.run(texts: texts, labels: inputs.labels, labelSet: inputs.labelSet)
        func holdout(_ metrics: ClassificationMetrics) -> ValidationReport {
            ValidationReport(
                holdout: .init(
                    fraction: validation, trainCount: inputs.split.train.count, testCount: inputs.split.test.count,
                    metrics: metrics))
        }
        let trainingData = ModelManifest.TrainingDataRecord(
            dataset: inputs.dataset, textColumn: dataOptions.textColumn, labelColumn: dataOptions.labelColumn)
        let modelName = name ?? URL(fileURLWithPath: output).standardizedFileURL.lastPathComponent
        let nGramManifest = ModelManifest(
            name: modelName + "-ngram", version: modelVersion, labels: inputs.labelSet, algorithm: trainingAlgorithm(),
            seed: seed, features: try features(), featureCount: final.model.featureSpace.count, trainingData: trainingData,
            validation: holdout(nGramAlone), createdAt: CreationTime.timestamp())
        _ = try ModelArtifact(manifest: nGramManifest, classifier: final.model)
            .save(to: inputs.staging.appendingPathComponent(Self.ensembleNGramFolder).path)

        let members = [
            EnsembleRecord.Member(path: Self.ensembleEncoderFolder, weight: choice.weights[0]),
            EnsembleRecord.Member(path: Self.ensembleNGramFolder, weight: choice.weights[1]),
        ]
        var manifest = ModelManifest(
            name: modelName, version: modelVersion, labels: inputs.labelSet,
            ensemble: EnsembleRecord(
                members: members,
                chosenBy:
                    "macro F1 of the average on the \(inputs.split.test.count) validation rows (\(validation) of the data, stratified, seed \(seed)), in steps of 0.05"
            ),
            seed: seed, trainingData: trainingData, validation: holdout(choice.metrics), createdAt: CreationTime.timestamp())
        manifest.files = try EnsembleRecord.memberManifestRecords(of: members, in: inputs.staging)
        try ModelArtifact.writeManifest(manifest, in: inputs.staging)
        try ModelArtifact.publish(inputs.staging, to: output)
        return manifest
    }

    static func rounded(_ value: Double) -> String { String(format: "%.4f", value) }
}
