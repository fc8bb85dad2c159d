import ArgumentParser
import Classifiers
import Encoders
import FineTuning
import Foundation
import TextFeatures

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Validate and fit a classifier on a labelled file and write a model artifact.",
        discussion: """
            Without --folds or --holdout only the final fit runs. With both, cross-validation runs \
            on the rows outside the hold-out split. The final model is always fitted on every row.

            With --encoder, the features are a Hugging Face encoder's sentence embeddings (the \
            encoder stays frozen) and the classifier is logistic regression; the n-gram options do \
            not apply. With --encoder and --fine-tune, every weight of the encoder trains with a \
            classification head (AdamW, linear warmup and decay, clipping at 1.0), and the output \
            is a Hugging Face folder.
            """
    )

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case logisticRegression = "logistic-regression"
        case naiveBayes = "naive-bayes"
    }

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Names for the raw label values, e.g. '0=Hate Speech,1=Offensive Language,2=Neither'.")
    var labelNames: String?

    @Option(help: "The learning algorithm.")
    var algorithm: Algorithm = .logisticRegression

    @Option(help: "Naive Bayes variant: multinomial, or natural (the Node 'natural' BayesClassifier).")
    var naiveBayesVariant: NaiveBayesParameters.Variant = .multinomial

    @Option(help: "Logistic regression: inverse L2 strength (scikit-learn's C).")
    var inverseRegularization: Double = LogisticRegressionParameters().inverseRegularization

    @Option(help: "Logistic regression: class weighting, balanced or none.")
    var classWeighting: ClassWeighting = LogisticRegressionParameters().classWeighting

    @Flag(inversion: .prefixedNo, help: "Logistic regression: scale features by naive Bayes log-count ratios.")
    var naiveBayesScaling = LogisticRegressionParameters().naiveBayesScaling

    @Option(help: "Word n-gram lengths, e.g. 1-3, or 'none'. Default: the algorithm's.")
    var wordNgrams: String?

    @Option(help: "Character n-gram lengths, e.g. 2-5, or 'none'. Default: the algorithm's.")
    var charNgrams: String?

    @Option(help: "Drop features seen in fewer training texts than this. Default: the algorithm's.")
    var minDocumentFrequency: Int?

    @Option(
        help: ArgumentHelp(
            "Train a logistic-regression head on this Hugging Face encoder's embeddings (e.g. all-MiniLM-L6-v2).",
            valueName: "directory"))
    var encoder: String?

    @Option(help: "Encoder: texts longer than its maximum length are truncated, or embedded window by window and averaged.")
    var longTexts: TextEncoder.LongTexts = .poolWindows

    @Flag(help: "Encoder: copy the encoder's files into the artifact, so it works without the original folder.")
    var bundleEncoder = false

    @Option(help: "Encoder: texts per forward pass (default 32), or per update with --fine-tune (default 16).")
    var batchSize: Int?

    @Flag(help: "Encoder: fine-tune every weight with a classification head; writes a Hugging Face folder.")
    var fineTune = false

    @Option(help: "Fine-tuning: passes over the training texts.")
    var epochs = FineTuningSettings().epochs

    @Option(help: "Fine-tuning: AdamW's peak learning rate.")
    var learningRate = FineTuningSettings().learningRate

    @Option(help: "Fine-tuning: tokens per text, [CLS] and [SEP] included; longer texts are cut.")
    var maxLength = FineTuningSettings().maxLength

    @Flag(
        help:
            "Fine-tuning: also train the n-gram logistic regression and ship both as one model averaging their probabilities, weighted on the validation split."
    )
    var ensemble = false

    @Option(help: "Fine-tuning: the share of updates that warm the learning rate up from zero.")
    var warmup = FineTuningSettings().warmup

    @Option(help: "Fine-tuning: AdamW's decoupled weight decay (not on biases nor LayerNorm).")
    var weightDecay = FineTuningSettings().weightDecay

    @Option(help: "Fine-tuning: the stratified share of rows held out to validate each epoch (0: none).")
    var validation = FineTuningSettings().validation

    @Option(help: "Fine-tuning: threads for the matrix products and attention. Default: every core.")
    var threads: Int?

    @Flag(help: "Fine-tuning: go on from the checkpoint Ctrl-C or the last finished epoch left beside --output.")
    var resume = false

    @Option(help: "Stratified k-fold cross-validation with this many folds.")
    var folds: Int?

    @Option(help: "Stratified hold-out split: the fraction of rows scored, not trained on (e.g. 0.2).")
    var holdout: Double?

    @Option(help: "Seed of the hold-out split and folds: same data, options and seed give the same model.")
    var seed: UInt64 = 42

    @Option(help: "The model's name. Default: the output directory's name.")
    var name: String?

    @Option(help: "The model's version string.")
    var modelVersion: String = "1"

    @Option(help: "The artifact directory to write (replaced if it holds a Magpie model).")
    var output: String

    @Option(help: "Also write a JSON report (validation, timings, skipped rows) to this file.")
    var report: String?

    func trainingAlgorithm() -> TrainingAlgorithm {
        switch algorithm {
        case .logisticRegression:
            return .logisticRegression(
                LogisticRegressionParameters(
                    inverseRegularization: inverseRegularization, classWeighting: classWeighting,
                    naiveBayesScaling: naiveBayesScaling))
        case .naiveBayes:
            return .naiveBayes(NaiveBayesParameters(variant: naiveBayesVariant))
        }
    }

    func features() throws -> FeatureConfiguration {
        var features = trainingAlgorithm().defaultFeatures
        if let wordNgrams { features.wordNGrams = try Self.parseRange(wordNgrams, option: "--word-ngrams") }
        if let charNgrams { features.characterNGrams = try Self.parseRange(charNgrams, option: "--char-ngrams") }
        if let minDocumentFrequency { features.minimumDocumentFrequency = minDocumentFrequency }
        if features.wordNGrams == nil && features.characterNGrams == nil {
            throw ValidationError("--word-ngrams and --char-ngrams cannot both be none: the model would have no features")
        }
        return features
    }

    static func parseRange(_ text: String, option: String) throws -> NGramRange? {
        if text == "none" { return nil }
        let parts = text.split(separator: "-").map { Int($0) }
        let bounds: [Int] = parts.compactMap { $0 }
        guard bounds.count == parts.count, (1...2).contains(bounds.count), let low = bounds.first, let high = bounds.last,
            low >= 1, low <= high, high <= 8
        else { throw ValidationError("\(option) takes MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 8, or 'none' (got '\(text)')") }
        return NGramRange(low, high)
    }

    func run() throws {
        let started = ContinuousClock.now
        let (dataset, labelSet, labels) = try readData()
        if let encoder, fineTune {
            try fineTune(encoder: encoder, dataset: dataset, labelSet: labelSet, labels: labels)
        } else if let encoder {
            try trainEncoderHead(encoder: encoder, dataset: dataset, labelSet: labelSet, labels: labels, started: started)
        } else {
            try trainNGramModel(dataset: dataset, labelSet: labelSet, labels: labels, started: started)
        }
    }

    /// The labelled rows, their label set and each row's label index.
    func readData() throws -> (dataset: LabeledDataset, labelSet: LabelSet, labels: [Int]) {
        Progress.say("reading \(dataOptions.data)")
        let dataset = try LabeledDataset.read(
            path: dataOptions.data, textColumn: dataOptions.textColumn, labelColumn: dataOptions.labelColumn,
            skipInvalidRows: dataOptions.skipInvalidRows)
        if dataset.skipped.total > 0 {
            Progress.say(
                "skipped \(dataset.skipped.total) rows (\(dataset.skipped.emptyText) empty texts, \(dataset.skipped.missingLabel) missing labels)"
            )
        }
        let declared = try labelNames.map { try LabelSet.parseNames($0) }
        let labelSet = try LabelSet.from(
            values: dataset.examples.map(\.label), names: declared?.names ?? [:], declaredOrder: declared?.order ?? [])
        return (dataset, labelSet, dataset.examples.map { labelSet.index(ofValue: $0.label)! })
    }

    func trainNGramModel(dataset: LabeledDataset, labelSet: LabelSet, labels: [Int], started: ContinuousClock.Instant)
        throws
    {
        let features = try features()
        let algorithm = trainingAlgorithm()
        let pipeline = TrainingPipeline(
            trainer: ModelTrainer(algorithm: algorithm, features: features), folds: folds, holdoutFraction: holdout, seed: seed)
        let outcome = try pipeline.run(
            texts: dataset.examples.map(\.text), labels: labels, labelSet: labelSet, progress: Progress.say)

        let outputURL = URL(fileURLWithPath: output).standardizedFileURL
        let manifest = ModelManifest(
            name: name ?? outputURL.lastPathComponent, version: modelVersion, labels: labelSet, algorithm: algorithm,
            seed: seed, features: features, featureCount: outcome.model.featureSpace.count,
            trainingData: .init(dataset: dataset, textColumn: dataOptions.textColumn, labelColumn: dataOptions.labelColumn),
            validation: outcome.validation, createdAt: CreationTime.timestamp())
        Progress.say("writing \(output)")
        // The final fit saw every row: retraining keeps them out of the hold-out it judges by.
        let saved = try ModelArtifact(
            manifest: manifest, classifier: outcome.model, trainingTexts: TrainingTexts(dataset.examples.map(\.text))
        ).save(to: output)
        try finish(saved: saved, finalFit: outcome.finalFit, timings: outcome.timings, embedding: nil, started: started)
    }

    /// Writes the `--report` file and prints the summary.
    func finish(
        saved: ModelManifest, finalFit: ModelTrainer.FitSummary, timings: [String: Double],
        embedding: TrainingReport.EmbeddingStatistics?, started: ContinuousClock.Instant
    ) throws {
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL
        var timings = timings
        timings["total"] = Progress.seconds(since: started)
        if let report {
            try TrainingReport(
                manifest: saved, artifactPath: outputURL.path, finalFit: finalFit, timings: timings, embedding: embedding
            )
            .write(to: report)
        }
        print(
            MetricsTable.trainingSummary(
                manifest: saved, finalFit: finalFit, timings: timings, embedding: embedding, path: outputURL.path))
    }
}

extension NaiveBayesParameters.Variant: ExpressibleByArgument {}
extension ClassWeighting: ExpressibleByArgument {}
extension TextEncoder.LongTexts: ExpressibleByArgument {}
