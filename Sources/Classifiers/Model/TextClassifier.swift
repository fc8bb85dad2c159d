import TextFeatures

/// A trained text classifier: which features a text has, how they score each class, and
/// what the classes are called. Immutable and `Sendable`, so one loaded model serves every
/// thread; each thread predicts through its own `Predictor`.
public struct TextClassifier: Sendable {
    public let labels: LabelSet
    public let featureSpace: FeatureSpace
    public let weights: LinearWeights

    public init(labels: LabelSet, featureSpace: FeatureSpace, weights: LinearWeights) {
        precondition(weights.classCount == labels.count && weights.featureCount == featureSpace.count)
        self.labels = labels
        self.featureSpace = featureSpace
        self.weights = weights
    }

    /// A predictor with fresh scratch buffers.
    public func makePredictor() -> Predictor {
        Predictor(classifier: self)
    }

    /// Convenience for one-off calls; loops should reuse a `Predictor`.
    public func predict(_ text: String) -> Prediction {
        var predictor = makePredictor()
        return predictor.predict(text)
    }
}

/// The reusable buffers of prediction, so that a warm predictor allocates little per text.
public struct Predictor: Sendable {
    public let classifier: TextClassifier
    private var featurizer: TextFeaturizer
    private var occurrences: [UInt64] = []
    private var scratch = VectorScratch()
    private var scores: [Float] = []

    init(classifier: TextClassifier) {
        self.classifier = classifier
        self.featurizer = TextFeaturizer(configuration: classifier.featureSpace.configuration)
    }

    /// The feature vector of `text` in the classifier's feature space.
    public mutating func vector(for text: String) -> SparseVector {
        occurrences.removeAll(keepingCapacity: true)
        featurizer.appendFingerprints(of: text, to: &occurrences)
        return classifier.featureSpace.vector(forOccurrences: occurrences, scratch: &scratch)
    }

    /// Class probabilities of `text`, in label order.
    public mutating func probabilities(for text: String) -> [Float] {
        let vector = vector(for: text)
        classifier.weights.scores(of: vector, into: &scores)
        scores.applySoftmax()
        return scores
    }

    public mutating func predict(_ text: String) -> Prediction {
        Prediction(probabilities: probabilities(for: text), labels: classifier.labels)
    }
}

/// A prediction: the most probable class and the probability of every class.
public struct Prediction: Sendable, Equatable {
    public let probabilities: [Float]
    public let labelIndex: Int
    public let labels: LabelSet

    public init(probabilities: [Float], labels: LabelSet) {
        self.probabilities = probabilities
        self.labels = labels
        self.labelIndex = Self.bestIndex(of: probabilities)
    }

    /// The first index of the highest probability.
    public static func bestIndex(of probabilities: [Float]) -> Int {
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return best
    }

    public var label: String { labels.labels[labelIndex].name }
    public var score: Float { probabilities[labelIndex] }
}
