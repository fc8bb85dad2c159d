import TextFeatures

/// A learning algorithm with its hyperparameters, as recorded in the model manifest.
public enum TrainingAlgorithm: Sendable, Equatable {
    case logisticRegression(LogisticRegressionParameters)
    case naiveBayes(NaiveBayesParameters)

    public var name: String {
        switch self {
        case .logisticRegression: return "logistic-regression"
        case .naiveBayes: return "naive-bayes"
        }
    }

    /// The features each algorithm learns best from.
    public var defaultFeatures: FeatureConfiguration {
        switch self {
        case .logisticRegression:
            return FeatureConfiguration()
        case .naiveBayes(let parameters) where parameters.variant == .natural:
            return .naturalBayes
        case .naiveBayes:
            return FeatureConfiguration(wordNGrams: NGramRange(1, 2), characterNGrams: nil, weighting: .counts)
        }
    }
}

/// How much each class's examples count in the loss.
public enum ClassWeighting: String, Sendable, Codable, Equatable, CaseIterable {
    /// Every example counts once: favours the majority class.
    case none
    /// Each class counts as much in total, `n / (classes · n_c)` per example: the rare class
    /// (hate speech here) is not drowned out.
    case balanced
}

public struct LogisticRegressionParameters: Sendable, Codable, Equatable {
    /// Inverse L2 strength, as scikit-learn's `C`: larger fits the training data more closely.
    public var inverseRegularization: Double
    public var classWeighting: ClassWeighting
    /// Scale features by naive Bayes log-count ratios before fitting (see
    /// `NaiveBayesFeatureScaling`).
    public var naiveBayesScaling: Bool
    public var maximumIterations: Int
    /// Stop when no gradient component exceeds this.
    public var tolerance: Double

    /// The settings that scored best on the bundled hate-speech data under 5-fold
    /// cross-validation (README, "Model quality").
    public init(
        inverseRegularization: Double = 1,
        classWeighting: ClassWeighting = .balanced,
        naiveBayesScaling: Bool = true,
        maximumIterations: Int = 500,
        tolerance: Double = 1e-4
    ) {
        self.inverseRegularization = inverseRegularization
        self.classWeighting = classWeighting
        self.naiveBayesScaling = naiveBayesScaling
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
    }
}

public struct NaiveBayesParameters: Sendable, Codable, Equatable {
    public enum Variant: String, Sendable, Codable, Equatable, CaseIterable {
        /// Multinomial naive Bayes over word 1–2-gram counts.
        case multinomial
        /// The Node `natural` `BayesClassifier`: stemmed, stop words removed, presence
        /// features, add-one smoothing; reproduces the reference tutorial's model.
        case natural
    }

    public var variant: Variant
    /// Additive smoothing of the multinomial variant (the `natural` variant's is fixed at 1).
    public var alpha: Double

    public init(variant: Variant = .multinomial, alpha: Double = 1) {
        self.variant = variant
        self.alpha = alpha
    }
}
