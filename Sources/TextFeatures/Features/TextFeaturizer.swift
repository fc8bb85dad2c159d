/// Turns a text into the fingerprints of its n-grams, as its `FeatureConfiguration` says.
///
/// A featurizer holds reusable buffers, so it is a value each thread owns; copying one is
/// cheap until it is used.
public struct TextFeaturizer: Sendable {
    public let configuration: FeatureConfiguration
    private var tokens = TokenBuffer()
    private var tokenStates: [UInt64] = []
    private var padded: [UInt32] = []
    private var normalized: [Unicode.Scalar] = []

    public init(configuration: FeatureConfiguration) {
        self.configuration = configuration
    }

    /// Appends one fingerprint per n-gram occurrence (repeats included) to `output`.
    public mutating func appendFingerprints(of text: String, to output: inout [UInt64]) {
        configuration.normalizer.normalize(text, into: &normalized)
        tokenize()
        forEachNGram { fingerprint, _, _ in output.append(fingerprint) }
    }

    /// The distinct fingerprints of `text` with their counts, sorted by fingerprint.
    public mutating func termCounts(of text: String) -> TermCounts {
        var fingerprints: [UInt64] = []
        appendFingerprints(of: text, to: &fingerprints)
        return TermCounts(occurrences: fingerprints)
    }

    /// The tokens of `text`, where each lay in it, and every n-gram occurrence with the
    /// tokens it spans: what an explanation splits a feature's contribution over.
    public mutating func tokenizedNGrams(of text: String) -> TokenizedNGrams {
        let (scalars, sources) = configuration.normalizer.normalizeTrackingSources(text)
        normalized = scalars
        tokenize()
        var occurrences: [TokenizedNGrams.Occurrence] = []
        forEachNGram { fingerprint, first, count in
            occurrences.append(.init(fingerprint: fingerprint, tokens: first..<(first + count)))
        }
        var textSources: [Range<Int>]?
        if let sources, tokens.sources.count == tokens.count {
            textSources = tokens.sources.map { sources[$0.lowerBound].lowerBound..<sources[$0.upperBound - 1].upperBound }
        }
        return TokenizedNGrams(tokens: tokens.strings, sources: textSources, occurrences: occurrences)
    }

    private mutating func tokenize() {
        tokens.removeAll()
        switch configuration.tokenization {
        case .tweet:
            configuration.tokenizer.tokenize(normalized, into: &tokens)
        case .naturalStemmed:
            var view = String.UnicodeScalarView()
            view.append(contentsOf: normalized)
            for token in NaturalStemmingTokenizer().tokenize(String(view)) { tokens.appendToken(token) }
        }
    }

    /// Every n-gram occurrence of the tokens: its fingerprint, first token and token count.
    @inline(__always)
    private mutating func forEachNGram(_ visit: (UInt64, Int, Int) -> Void) {
        if let range = configuration.wordNGrams { forEachWordNGram(range, visit) }
        if let range = configuration.characterNGrams { forEachCharacterNGram(range, visit) }
    }

    @inline(__always)
    private mutating func forEachWordNGram(_ range: NGramRange, _ visit: (UInt64, Int, Int) -> Void) {
        tokenStates.removeAll(keepingCapacity: true)
        for index in 0..<tokens.count {
            tokenStates.append(Fingerprint.tokenState(tokens.token(at: index)))
        }
        let count = tokenStates.count
        for length in range.minimum...max(range.minimum, range.maximum) where length <= count {
            for start in 0...(count - length) {
                visit(Fingerprint.wordNGram(tokenStates[start..<(start + length)]), start, length)
            }
        }
    }

    @inline(__always)
    private mutating func forEachCharacterNGram(_ range: NGramRange, _ visit: (UInt64, Int, Int) -> Void) {
        let space = UInt32(UInt8(ascii: " "))
        for index in 0..<tokens.count {
            padded.removeAll(keepingCapacity: true)
            padded.append(space)
            padded.append(contentsOf: tokens.token(at: index))
            padded.append(space)
            let count = padded.count
            for start in 0..<count {
                var state = Fingerprint.offsetBasis
                let longest = min(range.maximum, count - start)
                guard longest >= range.minimum else { break }
                for length in 1...longest {
                    state = Fingerprint.mix(state, padded[start + length - 1])
                    if length >= range.minimum { visit(Fingerprint.finalize(state, block: .character), index, 1) }
                }
            }
        }
    }
}

/// A text's tokens and n-gram occurrences, for explanations.
public struct TokenizedNGrams: Sendable {
    public struct Occurrence: Sendable {
        public let fingerprint: UInt64
        /// The tokens the n-gram spans: several for a word n-gram, one for a character n-gram.
        public let tokens: Range<Int>
    }

    /// The tokens as the model sees them: normalized, URLs and mentions as placeholders.
    public let tokens: [String]
    /// Where each token lies in the text, in Unicode scalars; nil when the tokenization does
    /// not keep positions (the stemming one) or normalization could not be followed.
    public let sources: [Range<Int>]?
    public let occurrences: [Occurrence]
}

/// A document as distinct fingerprints with occurrence counts, sorted by fingerprint.
public struct TermCounts: Sendable, Equatable {
    public private(set) var fingerprints: [UInt64]
    public private(set) var counts: [UInt32]

    public init(occurrences: [UInt64]) {
        let sorted = occurrences.sorted()
        var fingerprints: [UInt64] = []
        var counts: [UInt32] = []
        fingerprints.reserveCapacity(sorted.count)
        counts.reserveCapacity(sorted.count)
        for fingerprint in sorted {
            if fingerprints.last == fingerprint {
                counts[counts.count - 1] += 1
            } else {
                fingerprints.append(fingerprint)
                counts.append(1)
            }
        }
        self.fingerprints = fingerprints
        self.counts = counts
    }
}
