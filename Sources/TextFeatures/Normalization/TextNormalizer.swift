import Foundation

/// Puts raw text into one canonical form before tokenization, so that spelling variants a
/// reader would call the same (escaped entities, compatibility characters, case) become the
/// same features.
///
/// It works on a scalar buffer that the caller reuses, because every prediction normalizes its
/// text: Foundation's NFKC is only called for texts with a scalar it could change.
public struct TextNormalizer: Sendable, Codable, Equatable {
    /// Applies Unicode NFKC, which folds full-width letters, ligatures and styled
    /// mathematical alphabets that spammers use to dodge word lists, and drops default-ignorable
    /// code points (variation selectors, zero-width joiners), as NFKC case folding does.
    public var unicodeCompatibility: Bool
    public var lowercase: Bool
    public var decodeHTMLEntities: Bool

    public init(unicodeCompatibility: Bool = true, lowercase: Bool = true, decodeHTMLEntities: Bool = true) {
        self.unicodeCompatibility = unicodeCompatibility
        self.lowercase = lowercase
        self.decodeHTMLEntities = decodeHTMLEntities
    }

    /// The normalization Magpie trains with by default.
    public static let standard = TextNormalizer()

    public func normalize(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        normalize(text, into: &scalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Replaces the contents of `scalars` with the normalized scalars of `text`.
    public func normalize(_ text: String, into scalars: inout [Unicode.Scalar]) {
        scalars.removeAll(keepingCapacity: true)
        scalars.append(contentsOf: text.unicodeScalars)
        if decodeHTMLEntities { HTMLEntities.decode(&scalars) }
        var needsCompatibilityMapping = false
        var write = 0
        for read in scalars.indices {
            var scalar = scalars[read]
            if scalar.isASCII {
                if lowercase, scalar.value >= 0x41, scalar.value <= 0x5A { scalar = Unicode.Scalar(scalar.value | 0x20)! }
            } else {
                let properties = scalar.properties
                if unicodeCompatibility {
                    if properties.isDefaultIgnorableCodePoint { continue }
                    if Self.mayChangeUnderNFKC(scalar, properties) { needsCompatibilityMapping = true }
                }
                if lowercase, properties.changesWhenLowercased { needsCompatibilityMapping = true }
            }
            scalars[write] = scalar
            write += 1
        }
        scalars.removeSubrange(write...)
        if needsCompatibilityMapping { slowPath(&scalars) }
    }

    /// Full NFKC and Unicode lowercasing, for the rare text that needs them.
    private func slowPath(_ scalars: inout [Unicode.Scalar]) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        var text = String(view)
        if unicodeCompatibility { text = text.precomposedStringWithCompatibilityMapping }
        if lowercase { text = text.lowercased() }
        scalars.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars where !(unicodeCompatibility && scalar.properties.isDefaultIgnorableCodePoint) {
            scalars.append(scalar)
        }
    }

    /// Whether NFKC could change text containing this scalar: it has a compatibility or case
    /// folding mapping, combines with its neighbour, or is a Hangul jamo.
    private static func mayChangeUnderNFKC(_ scalar: Unicode.Scalar, _ properties: Unicode.Scalar.Properties) -> Bool {
        properties.changesWhenNFKCCaseFolded || properties.canonicalCombiningClass != .notReordered
            || (0x1100...0x11FF).contains(scalar.value)
    }
}
