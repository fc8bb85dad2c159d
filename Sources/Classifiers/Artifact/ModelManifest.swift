import Foundation
import TextFeatures

/// `manifest.json`: what a model is, how it was made and how well it did, and the checksum of
/// every other file in the artifact. Written with sorted keys so equal models have equal
/// manifests byte for byte.
public struct ModelManifest: Sendable, Codable, Equatable {
    /// Bumped when a change would make older readers misread an artifact.
    public static let currentFormatVersion = 1
    public static let formatName = "magpie-model"

    public var format: String
    public var formatVersion: Int
    public var name: String
    public var version: String
    public var task: String
    public var labels: [LabelSet.Label]
    public var algorithm: String
    public var hyperparameters: Hyperparameters
    public var features: FeatureConfiguration
    public var featureCount: Int
    public var trainingData: TrainingDataRecord
    public var validation: ValidationReport?
    /// ISO 8601, UTC; from `SOURCE_DATE_EPOCH` when set, for reproducible artifacts.
    public var createdAt: String
    public var files: [String: FileRecord]

    public struct Hyperparameters: Sendable, Codable, Equatable {
        public var logisticRegression: LogisticRegressionParameters?
        public var naiveBayes: NaiveBayesParameters?
        public var seed: UInt64

        public init(algorithm: TrainingAlgorithm, seed: UInt64) {
            switch algorithm {
            case .logisticRegression(let parameters): logisticRegression = parameters
            case .naiveBayes(let parameters): naiveBayes = parameters
            }
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

    /// A manifest for a newly trained model; `files` is filled in when the artifact is saved.
    public init(
        name: String, version: String, labels: LabelSet, algorithm: TrainingAlgorithm, seed: UInt64,
        features: FeatureConfiguration, featureCount: Int, trainingData: TrainingDataRecord,
        validation: ValidationReport?, createdAt: String
    ) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        self.name = name
        self.version = version
        task = "text-classification"
        self.labels = labels.labels
        self.algorithm = algorithm.name
        hyperparameters = Hyperparameters(algorithm: algorithm, seed: seed)
        self.features = features
        self.featureCount = featureCount
        self.trainingData = trainingData
        self.validation = validation
        self.createdAt = createdAt
        files = [:]
    }
}
