import Foundation

/// The normalizer of BERT-family tokenizers (Hugging Face `BertNormalizer`), scalar by scalar:
/// clean text, space around CJK ideographs, strip accents, lowercase, in that order.
///
/// Uncased models (`lowercase` and `stripAccents` both on, as in all-MiniLM-L6-v2 and
/// `bert-base-uncased`) use the reference's own character tables, so their output matches
/// `tokenizers` on every scalar, including the ones Unicode has reclassified since its tables
/// were made. Other combinations use Swift's current Unicode data for the case and accent step.
/// Lowercasing is per scalar with no context, as the reference does: a final capital sigma
/// becomes σ, never ς.
public struct BertNormalizer: Sendable, Equatable {
    /// Drops control, format, private-use and replacement characters; maps whitespace to U+0020.
    public var cleanText: Bool
    /// Puts a space on each side of every CJK ideograph, so each becomes a word.
    public var handleChineseCharacters: Bool
    /// Canonical decomposition, then nonspacing marks dropped: `café` becomes `cafe`.
    public var stripAccents: Bool
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseCharacters: Bool = true, stripAccents: Bool = true, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseCharacters = handleChineseCharacters
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    public func normalize(_ text: String) -> String {
        var output: [Unicode.Scalar] = []
        normalize(text.unicodeScalars[...], appendingTo: &output)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: output)
        return String(view)
    }

    /// Appends the normalized form of `scalars` to `output`.
    public func normalize(_ scalars: Substring.UnicodeScalarView, appendingTo output: inout [Unicode.Scalar]) {
        for scalar in scalars { normalize(scalar, appendingTo: &output) }
    }

    /// Appends the normalized form of one scalar: none, one or several scalars.
    public func normalize(_ scalar: Unicode.Scalar, appendingTo output: inout [Unicode.Scalar]) {
        if cleanText {
            if BertCharacters.isRemovedByCleaning(scalar) { return }
            if BertCharacters.isWhitespaceForCleaning(scalar) {
                output.append(" ")
                return
            }
        }
        if handleChineseCharacters && BertCharacters.isChineseIdeograph(scalar) {
            output.append(" ")
            appendCaseAndAccentForm(of: scalar, to: &output)
            output.append(" ")
        } else {
            appendCaseAndAccentForm(of: scalar, to: &output)
        }
    }

    private func appendCaseAndAccentForm(of scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        switch (stripAccents, lowercase) {
        case (true, true):
            BertCharacters.appendStrippedLowercase(of: scalar, to: &output)
        case (false, true):
            if scalar.isASCII {
                output.append(scalar.properties.isUppercase ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar)
            } else {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        case (true, false):
            if scalar.isASCII {
                output.append(scalar)
            } else {
                for part in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                where !BertCharacters.isRemovedByAccentStripping(part) {
                    output.append(part)
                }
            }
        case (false, false):
            output.append(scalar)
        }
    }
}
