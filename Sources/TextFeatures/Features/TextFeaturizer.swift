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
        tokens.removeAll()
        switch configuration.tokenization {
        case .tweet:
            configuration.tokenizer.tokenize(normalized, into: &tokens)
        case .naturalStemmed:
            var view = String.UnicodeScalarView()
            view.append(contentsOf: normalized)
            for token in NaturalStemmingTokenizer().tokenize(String(view)) { tokens.appendToken(token) }
        }
        if let range = configuration.wordNGrams { appendWordNGrams(range, to: &output) }
        if let range = configuration.characterNGrams { appendCharacterNGrams(range, to: &output) }
    }

    /// The distinct fingerprints of `text` with their counts, sorted by fingerprint.
    public mutating func termCounts(of text: String) -> TermCounts {
        var fingerprints: [UInt64] = []
        appendFingerprints(of: text, to: &fingerprints)
        return TermCounts(occurrences: fingerprints)
    }

    private mutating func appendWordNGrams(_ range: NGramRange, to output: inout [UInt64]) {
        tokenStates.removeAll(keepingCapacity: true)
        for index in 0..<tokens.count {
            tokenStates.append(Fingerprint.tokenState(tokens.token(at: index)))
        }
        let count = tokenStates.count
        for length in range.minimum...max(range.minimum, range.maximum) where length <= count {
            for start in 0...(count - length) {
                output.append(Fingerprint.wordNGram(tokenStates[start..<(start + length)]))
            }
        }
    }

    private mutating func appendCharacterNGrams(_ range: NGramRange, to output: inout [UInt64]) {
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
                    if length >= range.minimum { output.append(Fingerprint.finalize(state, block: .character)) }
                }
            }
        }
    }
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
