import TextFeatures

/// Why a model scored a text as it did for one label, token by token: each token's share of
/// the label's score, and the score with no tokens at all (`bias`), which together make up
/// the score.
///
/// For a linear n-gram model it is exact, because the model is linear in its features: the
/// label's score is its bias plus, for every feature present, the feature's value times its
/// weight. Each feature's part is split evenly over its occurrences, and each occurrence's
/// over the tokens it spans (a word trigram over three tokens, a character n-gram over its
/// one), so the tokens' scores plus the bias add up to the score. For an encoder it is
/// integrated gradients, whose sum is off by the quadrature's `completenessError`.
public struct Explanation: Sendable, Equatable {
    public struct Token: Sendable, Equatable {
        /// The token as the model saw it (normalized; a URL or mention as its placeholder),
        /// or, for an encoder, the word as written, its pieces merged back.
        public let text: String
        /// Where it lies in the explained text, in Unicode scalars; nil where not known.
        public let source: Range<Int>?
        /// Its share of the label's score: positive pushes toward the label.
        public let score: Double

        public init(text: String, source: Range<Int>?, score: Double) {
            self.text = text
            self.source = source
            self.score = score
        }
    }

    /// How the shares were found.
    public enum Method: Sendable, Equatable {
        case exact
        /// From a baseline of `[PAD]` word pieces, with `steps` steps of the trapezoid rule.
        case integratedGradients(steps: Int, completenessError: Double)
        /// The members' explanations, weighted as the ensemble weights their probabilities.
        case weightedMembers
    }

    /// One member of an ensemble, explained on its own.
    public struct Member: Sendable, Equatable {
        /// The member's folder inside the ensemble's.
        public let name: String
        public let weight: Double
        public let explanation: Explanation

        public init(name: String, weight: Double, explanation: Explanation) {
            self.name = name
            self.weight = weight
            self.explanation = explanation
        }
    }

    public let labelIndex: Int
    /// The label's score before the softmax (a log-probability for naive Bayes).
    public let logit: Double
    /// The score with no tokens: the model's bias, or for an encoder the baseline's score.
    public let bias: Double
    public let tokens: [Token]
    public var method: Method = .exact
    /// False when the model reads only the start of a long text, and only that is explained.
    public var coversWholeText = true
    /// An ensemble's members, each explained alone.
    public var members: [Member] = []

    public init(labelIndex: Int, logit: Double, bias: Double, tokens: [Token]) {
        self.labelIndex = labelIndex
        self.logit = logit
        self.bias = bias
        self.tokens = tokens
    }
}

extension TextClassifier {
    /// The explanation of `text`'s score for `labelIndex`, or for the predicted label.
    public func explain(_ text: String, labelIndex chosen: Int? = nil) -> Explanation {
        var featurizer = TextFeaturizer(configuration: featureSpace.configuration)
        let tokenized = featurizer.tokenizedNGrams(of: text)
        var scratch = VectorScratch()
        let vector = featureSpace.vector(forOccurrences: tokenized.occurrences.map(\.fingerprint), scratch: &scratch)
        var scores: [Float] = []
        weights.scores(of: vector, into: &scores)
        let labelIndex = chosen ?? Prediction.bestIndex(of: scores)

        var occurrencesOfFeature: [Int32: Int] = [:]
        let features = tokenized.occurrences.map { featureSpace.featureIndex(of: $0.fingerprint) }
        for feature in features.compactMap({ $0 }) { occurrencesOfFeature[feature, default: 0] += 1 }
        var contributionOfFeature: [Int32: Double] = [:]
        var logit = Double(weights.bias[labelIndex])
        for (index, value) in zip(vector.indices, vector.values) {
            let contribution = Double(value) * Double(weights.weights[Int(index) * weights.classCount + labelIndex])
            contributionOfFeature[index, default: 0] += contribution
            logit += contribution
        }
        var tokenScores = [Double](repeating: 0, count: tokenized.tokens.count)
        for (occurrence, feature) in zip(tokenized.occurrences, features) {
            guard let feature, let contribution = contributionOfFeature[feature], !occurrence.tokens.isEmpty else {
                continue
            }
            let share = contribution / Double(occurrencesOfFeature[feature]!) / Double(occurrence.tokens.count)
            for token in occurrence.tokens { tokenScores[token] += share }
        }
        return Explanation(
            labelIndex: labelIndex, logit: logit, bias: Double(weights.bias[labelIndex]),
            tokens: tokenized.tokens.indices.map { index in
                Explanation.Token(text: tokenized.tokens[index], source: tokenized.sources?[index], score: tokenScores[index])
            })
    }
}
