/// The token stream of `natural`'s `PorterStemmer.tokenizeAndStem`: lowercase, split on
/// JavaScript's `\W+` (anything but ASCII letters, digits and `_`), drop `natural`'s stop
/// words, Porter-stem the rest.
///
/// It is deliberately crude (emoji and accented letters vanish, `don't` becomes `don`, `t`):
/// its purpose is to reproduce the reference tutorial's model, not to be good.
public struct NaturalStemmingTokenizer: Sendable, Codable, Equatable {
    public init() {}

    public func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        func flush() {
            guard !current.isEmpty else { return }
            let token = String(decoding: current, as: UTF8.self)
            if !NaturalStopWords.words.contains(token) { tokens.append(PorterStemmer.stem(token)) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.lowercased().unicodeScalars {
            let value = scalar.value
            let isWord =
                (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x30 && value <= 0x39) || value == 0x5F
            if isWord { current.append(UInt8(value)) } else { flush() }
        }
        flush()
        return tokens
    }
}
