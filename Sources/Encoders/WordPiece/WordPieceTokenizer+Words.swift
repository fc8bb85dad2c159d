/// A text's word pieces grouped back into the words they were cut from, with where each word
/// lies in the text: what an explanation needs to give a score per word instead of per piece.
public struct PieceWords: Sendable, Equatable {
    public struct Word: Sendable, Equatable {
        /// The word as written in the text (before lowercasing and accent stripping).
        public var text: String
        /// The Unicode scalars of the text it spans.
        public var source: Range<Int>
    }

    /// The same ids as `WordPieceTokenizer.pieceIDs(of:)`.
    public var ids: [Int32]
    /// For each id, the index of its word in `words`.
    public var wordOfPiece: [Int]
    public var words: [Word]
}

extension WordPieceTokenizer {
    /// `text`'s pieces and their words. An added token (`[MASK]`) is a word of its own.
    public func pieceWords(of text: String) -> PieceWords {
        let scalars = Array(text.unicodeScalars)
        var result = PieceWords(ids: [], wordOfPiece: [], words: [])
        var scratch = WordScratch()
        forEachPart(of: text, tracksSources: true) { part, source in
            let before = result.ids.count
            switch part {
            case .word(let word): model.appendPieces(of: word, to: &result.ids, scratch: &scratch)
            case .addedToken(let token): result.ids.append(token.id)
            }
            guard result.ids.count > before, let source else { return }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[source])
            result.wordOfPiece.append(contentsOf: repeatElement(result.words.count, count: result.ids.count - before))
            result.words.append(PieceWords.Word(text: String(view), source: source))
        }
        return result
    }
}
