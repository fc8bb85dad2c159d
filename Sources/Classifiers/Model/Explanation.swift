import TextFeatures

/// Why a linear n-gram model scored a text as it did for one label, token by token.
///
/// Exact, because the model is linear in its features: the label's score is its bias plus,
/// for every feature present, the feature's value times its weight. Each feature's part is
/// split evenly over its occurrences, and each occurrence's over the tokens it spans (a word
/// trigram over three tokens, a character n-gram over its one), so the tokens' scores plus
/// the bias add up to the score.
public struct Explanation: Sendable, Equatable {
    public struct Token: Sendable, Equatable {
        /// The token as the model saw it (normalized; a URL or mention as its placeholder).
        public let text: String
        /// Where it lies in the explained text, in Unicode scalars; nil where not known.
        public let source: Range<Int>?
        /// Its share of the label's score: positive pushes toward the label.
        public let score: Double
    }

    public let labelIndex: Int
    /// The label's score before the softmax (a log-probability for naive Bayes).
    public let logit: Double
    public let bias: Double
    public let tokens: [Token]
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
