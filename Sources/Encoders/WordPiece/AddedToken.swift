/// A token matched as a whole in the text before WordPiece sees it: the special tokens of
/// BERT-family tokenizers (`[CLS]`, `[MASK]`, ...) and any tokens a model added to its
/// vocabulary. Hugging Face calls them added tokens.
public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int32
    /// Matched in the normalized text; otherwise in the text as written, case-sensitively,
    /// which is how BERT's special tokens are matched (`[MASK]` is one token, `[mask]` three).
    public var normalized: Bool
    /// Whitespace before the token is absorbed into it.
    public var leftStrip: Bool
    /// Whitespace after the token is absorbed into it.
    public var rightStrip: Bool

    public init(content: String, id: Int32, normalized: Bool = false, leftStrip: Bool = false, rightStrip: Bool = false) {
        self.content = content
        self.id = id
        self.normalized = normalized
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
    }
}

/// Finds added tokens in a scalar sequence, leftmost first and, at one position, longest
/// first, as the reference's Aho-Corasick matcher does.
struct AddedTokenMatcher: Sendable {
    private let tokens: [(scalars: [Unicode.Scalar], token: AddedToken)]

    init(_ tokens: [AddedToken]) {
        self.tokens = tokens.filter { !$0.content.isEmpty }.map { (Array($0.content.unicodeScalars), $0) }
            .sorted { $0.scalars.count > $1.scalars.count }
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// Calls `text` with each stretch of `scalars` between matches (possibly empty) and
    /// `token` with each match and the indices it covers, in order.
    func split(
        _ scalars: ArraySlice<Unicode.Scalar>, text: (ArraySlice<Unicode.Scalar>) -> Void,
        token: (AddedToken, Range<Int>) -> Void
    ) {
        var textStart = scalars.startIndex
        var position = scalars.startIndex
        while position < scalars.endIndex {
            guard let match = longestMatch(in: scalars, at: position) else {
                position += 1
                continue
            }
            var textEnd = position
            if match.token.leftStrip {
                while textEnd > textStart && BertCharacters.isSplittingWhitespace(scalars[textEnd - 1]) { textEnd -= 1 }
            }
            text(scalars[textStart..<textEnd])
            token(match.token, position..<(position + match.scalars.count))
            position += match.scalars.count
            if match.token.rightStrip {
                while position < scalars.endIndex && BertCharacters.isSplittingWhitespace(scalars[position]) { position += 1 }
            }
            textStart = position
        }
        text(scalars[textStart..<scalars.endIndex])
    }

    private func longestMatch(in scalars: ArraySlice<Unicode.Scalar>, at position: Int) -> (
        scalars: [Unicode.Scalar], token: AddedToken
    )? {
        tokens.first { candidate in
            scalars.endIndex - position >= candidate.scalars.count
                && scalars[position..<(position + candidate.scalars.count)].elementsEqual(candidate.scalars)
        }
    }
}
