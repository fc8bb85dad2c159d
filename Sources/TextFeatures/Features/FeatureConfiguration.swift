/// Everything that decides which features a text produces. It is saved in every model
/// artifact, so prediction reproduces training exactly.
public struct FeatureConfiguration: Sendable, Codable, Equatable {
    /// How text becomes tokens.
    public enum Tokenization: String, Sendable, Codable, Equatable {
        /// `TweetTokenizer`: words, contractions, hashtags, emoji; URL and mention placeholders.
        case tweet
        /// `NaturalStemmingTokenizer`: the Node `natural` library's stemmed bag of words.
        case naturalStemmed = "natural-stemmed"
    }

    /// How counted n-grams become feature values.
    public enum Weighting: String, Sendable, Codable, Equatable {
        /// Sublinear TF-IDF (`1 + ln tf` times smoothed IDF), L2-normalized per feature block,
        /// the representation linear models learn best from.
        case sublinearTFIDF = "sublinear-tfidf"
        /// Raw counts, what multinomial naive Bayes models.
        case counts
        /// 1 for present, whatever the count: the `natural` library's representation.
        case presence
    }

    public var normalizer: TextNormalizer
    public var tokenization: Tokenization
    public var tokenizer: TweetTokenizer
    /// Word n-gram lengths, e.g. 1...3; nil for none.
    public var wordNGrams: NGramRange?
    /// Character n-gram lengths within each token padded by a space on both sides (so word
    /// starts and ends are features); nil for none.
    public var characterNGrams: NGramRange?
    public var weighting: Weighting
    /// Features seen in fewer training documents are dropped: they cannot generalize and
    /// would dominate the model's size.
    public var minimumDocumentFrequency: Int

    public init(
        normalizer: TextNormalizer = .standard,
        tokenization: Tokenization = .tweet,
        tokenizer: TweetTokenizer = TweetTokenizer(),
        wordNGrams: NGramRange? = NGramRange(1, 3),
        characterNGrams: NGramRange? = NGramRange(2, 5),
        weighting: Weighting = .sublinearTFIDF,
        minimumDocumentFrequency: Int = 2
    ) {
        self.normalizer = normalizer
        self.tokenization = tokenization
        self.tokenizer = tokenizer
        self.wordNGrams = wordNGrams
        self.characterNGrams = characterNGrams
        self.weighting = weighting
        self.minimumDocumentFrequency = minimumDocumentFrequency
    }

    /// The `natural` `BayesClassifier` setup: stemmed words without stop words, presence only,
    /// and every word seen in training kept.
    public static let naturalBayes = FeatureConfiguration(
        tokenization: .naturalStemmed,
        wordNGrams: NGramRange(1, 1),
        characterNGrams: nil,
        weighting: .presence,
        minimumDocumentFrequency: 1
    )
}

/// An inclusive range of n-gram lengths, stored as two numbers so the manifest stays readable.
public struct NGramRange: Sendable, Codable, Equatable, CustomStringConvertible {
    public var minimum: Int
    public var maximum: Int

    public init(_ minimum: Int, _ maximum: Int) {
        self.minimum = minimum
        self.maximum = maximum
    }

    public var description: String { "\(minimum)-\(maximum)" }
}
