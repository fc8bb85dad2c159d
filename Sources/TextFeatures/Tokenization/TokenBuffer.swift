/// Tokens stored as one flat run of Unicode scalar values with a range per token.
///
/// Prediction tokenizes every request, so tokens are not materialized as `String`s: hashing
/// n-grams straight from scalar values keeps a short text's featurization allocation-free
/// once the buffer is warm.
public struct TokenBuffer: Sendable {
    public private(set) var scalars: [UInt32] = []
    public private(set) var bounds: [Range<Int>] = []
    /// Where each token lay in the tokenizer's input, for explanations that point into the
    /// text; empty when the tokenizer does not say (the stemming one).
    public private(set) var sources: [Range<Int>] = []

    public init() {}

    public var count: Int { bounds.count }

    public mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
    }

    /// Starts a new token; scalars appended until the next `beginToken` belong to it.
    mutating func beginToken() {
        bounds.append(scalars.count..<scalars.count)
    }

    mutating func append(_ scalar: UInt32) {
        scalars.append(scalar)
        bounds[bounds.count - 1] = bounds[bounds.count - 1].lowerBound..<scalars.count
    }

    mutating func appendToken(_ text: String) {
        beginToken()
        for scalar in text.unicodeScalars { append(scalar.value) }
    }

    /// Records that the token just appended came from `source` in the tokenizer's input.
    mutating func recordSource(_ source: Range<Int>) {
        sources.append(source)
    }

    public func token(at index: Int) -> ArraySlice<UInt32> {
        scalars[bounds[index]]
    }

    /// The tokens as strings, for tests, stemming and reports; not for the hot path.
    public var strings: [String] {
        bounds.map { range in
            var view = String.UnicodeScalarView()
            for value in scalars[range] {
                if let scalar = Unicode.Scalar(value) { view.append(scalar) }
            }
            return String(view)
        }
    }
}
