import Foundation

/// Puts raw text into one canonical form before tokenization, so that spelling variants a
/// reader would call the same (escaped entities, compatibility characters, case) become the
/// same features.
public struct TextNormalizer: Sendable, Codable, Equatable {
    /// Applies Unicode NFKC, which folds full-width letters, ligatures and styled
    /// mathematical alphabets that spammers use to dodge word lists.
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
        var result = text
        if decodeHTMLEntities { result = HTMLEntities.decode(result) }
        if unicodeCompatibility, !Self.isASCII(result) {
            result = result.precomposedStringWithCompatibilityMapping
        }
        if lowercase { result = result.lowercased() }
        return result
    }

    static func isASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }
}
