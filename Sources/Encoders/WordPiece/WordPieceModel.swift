/// WordPiece segmentation: greedy longest match first, continuation pieces spelled with a
/// prefix (`##`), and a word that cannot be fully covered, or is longer than the limit,
/// becoming a single unknown token.
struct WordPieceModel: Sendable {
    let vocabulary: WordPieceVocabulary
    let unknownTokenID: Int32
    let continuingSubwordPrefix: [UInt8]
    /// Counted in Unicode scalars after normalization, as the reference counts `char`s.
    let maxInputCharactersPerWord: Int

    /// Appends the ids of the pieces of `word` to `ids`, using `scratch` for its UTF-8 form.
    func appendPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], scratch: inout WordScratch) {
        if word.count > maxInputCharactersPerWord {
            ids.append(unknownTokenID)
            return
        }
        scratch.load(word)
        let firstPiece = ids.count
        var start = 0
        let end = word.count
        while start < end {
            var pieceEnd = end
            var found: Int32?
            while start < pieceEnd {
                let bytes = scratch.utf8[scratch.offsets[start]..<scratch.offsets[pieceEnd]]
                if let id = vocabulary.id(prefix: start > 0 ? continuingSubwordPrefix : [], bytes) {
                    found = id
                    break
                }
                pieceEnd -= 1
            }
            guard let found else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownTokenID)
                return
            }
            ids.append(found)
            start = pieceEnd
        }
    }
}

/// A word's UTF-8 bytes and where each scalar starts in them, reused from word to word.
struct WordScratch {
    var utf8: [UInt8] = []
    var offsets: [Int] = []

    mutating func load(_ word: ArraySlice<Unicode.Scalar>) {
        utf8.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        for scalar in word {
            offsets.append(utf8.count)
            utf8.append(contentsOf: UTF8.encode(scalar)!)
        }
        offsets.append(utf8.count)
    }
}
