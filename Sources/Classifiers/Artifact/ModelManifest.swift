import Foundation
import TextFeatures

/// `manifest.json`: what a model is, how it was made and how well it did, and the checksum of
/// every other file in the artifact. Written with sorted keys so equal models have equal
/// manifests byte for byte.
public struct ModelManifest: Sendable, Codable, Equatable {
    /// Bumped when a change would make older readers misread an artifact. Version 2 added
    /// encoder-head artifacts (`encoder` set, `features` absent); version 3 fine-tuned encoders
    /// (a Hugging Face folder with the manifest beside it, and no `weights.bin`); version 4
    /// ensembles (`ensemble` set, members in subfolders); version 5 int8 encoders (`quantization`
    /// set, int8 tensors in the weights). Each kind is written with the oldest version that
    /// reads it, so older Magpies keep reading the rest.
    public static let currentFormatVersion = 5
    /// The `algorithm` of a fine-tuned encoder.
    public static let fineTunedAlgorithm = "fine-tuned-encoder"
    /// The `algorithm` of an ensemble.
    public static let ensembleAlgorithm = "ensemble"
    public static let formatName = "magpie-model"

    public var format: String
    public var formatVersion: Int
    public var name: String
    public var version: String
    public var task: String
    public var labels: [LabelSet.Label]
    public var algorithm: String
    public var hyperparameters: Hyperparameters
    /// The n-gram features; nil for an encoder head, whose features are the embedding.
    public var features: FeatureConfiguration?
    /// Features the weights cover: n-grams kept, or the embedding's dimensions.
    public var featureCount: Int
    /// The frozen encoder an encoder head classifies the embeddings of; nil for n-gram models.
    public var encoder: EncoderRecord?
    /// The members and their weights; nil unless the artifact is an ensemble.
    public var ensemble: EnsembleRecord?
    public var trainingData: TrainingDataRecord
    public var validation: ValidationReport?
    /// Set by `magpie quantize`: the scheme and the figures its accuracy gate compared.
    public var quantization: QuantizationRecord?
    /// ISO 8601, UTC; from `SOURCE_DATE_EPOCH` when set, for reproducible artifacts.
    public var createdAt: String
    public var files: [String: FileRecord]

    /// Whether the artifact is a Hugging Face classifier folder trained by `--fine-tune`.
    public var isFineTunedEncoder: Bool { algorithm == Self.fineTunedAlgorithm }

    /// The macro F1 measured when the model was trained, on its hold-out, else the mean over its
    /// cross-validation folds; nil when training measured neither.
    public var validationMacroF1: Double? {
        validation?.holdout?.metrics.macroF1 ?? validation?.crossValidation?.macroF1.mean
    }

    /// Whether the artifact averages the probabilities of member artifacts.
    public var isEnsemble: Bool { algorithm == Self.ensembleAlgorithm }

    public struct Hyperparameters: Sendable, Codable, Equatable {
        public var logisticRegression: LogisticRegressionParameters?
        public var naiveBayes: NaiveBayesParameters?
        public var fineTuning: FineTuningSettings?
        public var seed: UInt64

        public init(algorithm: TrainingAlgorithm, seed: UInt64) {
            switch algorithm {
            case .logisticRegression(let parameters): logisticRegression = parameters
            case .naiveBayes(let parameters): naiveBayes = parameters
            }
            self.seed = seed
        }

        public init(fineTuning settings: FineTuningSettings) {
            fineTuning = settings
            seed = settings.seed
        }

        /// An ensemble's: its members record their own recipes.
        public init(seed: UInt64) {
            self.seed = seed
        }
    }

    public struct TrainingDataRecord: Sendable, Codable, Equatable {
        public var file: String
        public var sha256: String
        public var textColumn: String
        public var labelColumn: String
        public var rowsUsed: Int
        public var rowsSkipped: LabeledDataset.SkippedRows

        public init(dataset: LabeledDataset, textColumn: String, labelColumn: String) {
            file = URL(fileURLWithPath: dataset.path).lastPathComponent
            sha256 = dataset.sha256
            self.textColumn = textColumn
            self.labelColumn = labelColumn
            rowsUsed = dataset.examples.count
            rowsSkipped = dataset.skipped
        }
    }

    public struct FileRecord: Sendable, Codable, Equatable {
        public var sha256: String
        public var bytes: Int
    }

    /// A manifest for a newly trained n-gram model; `files` is filled in when the artifact is
    /// saved.
    public init(
        name: String, version: String, labels: LabelSet, algorithm: TrainingAlgorithm, seed: UInt64,
        features: FeatureConfiguration, featureCount: Int, trainingData: TrainingDataRecord,
        validation: ValidationReport?, createdAt: String
    ) {
        self.init(
            formatVersion: 1, name: name, version: version, labels: labels, algorithm: algorithm.name,
            hyperparameters: Hyperparameters(algorithm: algorithm, seed: seed), features: features, featureCount: featureCount,
            encoder: nil, trainingData: trainingData,
            validation: validation, createdAt: createdAt)
    }

    /// A manifest for a newly trained encoder head; `files` is filled in when the artifact is
    /// saved.
    public init(
        name: String, version: String, labels: LabelSet, parameters: LogisticRegressionParameters, seed: UInt64,
        encoder: EncoderRecord, trainingData: TrainingDataRecord, validation: ValidationReport?, createdAt: String
    ) {
        let algorithm = TrainingAlgorithm.logisticRegression(parameters)
        self.init(
            formatVersion: 2, name: name, version: version, labels: labels, algorithm: algorithm.name,
            hyperparameters: Hyperparameters(algorithm: algorithm, seed: seed), features: nil, featureCount: encoder.dimensions,
            encoder: encoder, trainingData: trainingData,
            validation: validation, createdAt: createdAt)
    }

    /// A manifest for a fine-tuned encoder, whose folder `encoder` records file by file.
    public init(
        name: String, version: String, labels: LabelSet, settings: FineTuningSettings, encoder: EncoderRecord,
        trainingData: TrainingDataRecord, validation: ValidationReport?, createdAt: String
    ) {
        self.init(
            formatVersion: 3, name: name, version: version, labels: labels, algorithm: Self.fineTunedAlgorithm,
            hyperparameters: Hyperparameters(fineTuning: settings), features: nil, featureCount: encoder.dimensions,
            encoder: encoder, trainingData: trainingData, validation: validation, createdAt: createdAt)
    }

    /// A manifest for an ensemble; `files` holds the members' manifests' checksums
    /// (`EnsembleRecord.memberManifestRecords`).
    public init(
        name: String, version: String, labels: LabelSet, ensemble: EnsembleRecord, seed: UInt64,
        trainingData: TrainingDataRecord, validation: ValidationReport?, createdAt: String
    ) {
        self.init(
            formatVersion: 4, name: name, version: version, labels: labels, algorithm: Self.ensembleAlgorithm,
            hyperparameters: Hyperparameters(seed: seed), features: nil, featureCount: 0, encoder: nil,
            trainingData: trainingData, validation: validation, createdAt: createdAt)
        self.ensemble = ensemble
    }

    private init(
        formatVersion: Int, name: String, version: String, labels: LabelSet, algorithm: String,
        hyperparameters: Hyperparameters,
        features: FeatureConfiguration?, featureCount: Int, encoder: EncoderRecord?, trainingData: TrainingDataRecord,
        validation: ValidationReport?, createdAt: String
    ) {
        format = Self.formatName
        self.formatVersion = formatVersion
        self.name = name
        self.version = version
        task = "text-classification"
        self.labels = labels.labels
        self.algorithm = algorithm
        self.hyperparameters = hyperparameters
        self.features = features
        self.featureCount = featureCount
        self.encoder = encoder
        self.trainingData = trainingData
        self.validation = validation
        self.createdAt = createdAt
        files = [:]
    }
}
