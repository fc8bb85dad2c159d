/// A BERT-family tokenizer: added tokens matched in the raw text, the BERT normalizer and
/// pre-tokenizer, WordPiece, then `[CLS] text [SEP]`. Loaded from a model folder with
/// `init(directory:)`; it holds no mutable state, so one instance serves every thread.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: WordPieceVocabulary
    public let normalizer: BertNormalizer
    public let addedTokens: [AddedToken]
    /// Opens every sequence (`[CLS]`), whose final hidden state classification heads read.
    public let classificationTokenID: Int32
    /// Closes every sequence (`[SEP]`).
    public let separatorTokenID: Int32
    /// Fills batches to one length; masked out of attention.
    public let paddingTokenID: Int32
    /// The longest sequence the model was trained for, when the folder says so.
    public let modelMaxLength: Int?
    let model: WordPieceModel
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher

    /// Fails when a token the tokenizer needs is not in the vocabulary.
    public init(
        vocabulary: WordPieceVocabulary, normalizer: BertNormalizer, unknownToken: String = "[UNK]",
        classificationToken: String = "[CLS]", separatorToken: String = "[SEP]", paddingToken: String = "[PAD]",
        continuingSubwordPrefix: String = "##", maxInputCharactersPerWord: Int = 100, addedTokens: [AddedToken] = [],
        modelMaxLength: Int? = nil
    ) throws(TokenizerError) {
        func id(_ token: String, _ role: String) throws(TokenizerError) -> Int32 {
            if let added = addedTokens.last(where: { $0.content == token }) { return added.id }
            guard let id = vocabulary.id(of: token) else { throw .tokenNotInVocabulary(role: role, token: token) }
            return id
        }
        self.vocabulary = vocabulary
        self.normalizer = normalizer
        self.addedTokens = addedTokens
        self.classificationTokenID = try id(classificationToken, "classification (CLS)")
        self.separatorTokenID = try id(separatorToken, "separator (SEP)")
        self.paddingTokenID = try id(paddingToken, "padding (PAD)")
        self.modelMaxLength = modelMaxLength
        self.model = WordPieceModel(
            vocabulary: vocabulary, unknownTokenID: try id(unknownToken, "unknown (UNK)"),
            continuingSubwordPrefix: Array(continuingSubwordPrefix.utf8), maxInputCharactersPerWord: maxInputCharactersPerWord)
        self.rawMatcher = AddedTokenMatcher(addedTokens.filter { !$0.normalized })
        self.normalizedMatcher = AddedTokenMatcher(addedTokens.filter(\.normalized))
    }

    /// The ids of `text`'s word pieces and added tokens, without `[CLS]` and `[SEP]` and
    /// without any length limit: what a caller splits into windows over a long text.
    public func pieceIDs(of text: String) -> [Int32] {
        var ids: [Int32] = []
        var scratch = WordScratch()
        forEachPart(of: text, tracksSources: false) { part, _ in
            switch part {
            case .word(let word): model.appendPieces(of: word, to: &ids, scratch: &scratch)
            case .addedToken(let token): ids.append(token.id)
            }
        }
        return ids
    }

    /// What the pre-tokenizer hands on: a word for WordPiece, or an added token matched whole.
    enum Part {
        case word(ArraySlice<Unicode.Scalar>)
        case addedToken(AddedToken)
    }

    /// Calls `body` with each part of `text` in order and, when `tracksSources`, the range of
    /// `text`'s Unicode scalars it came from (a normalized scalar remembers the scalar it was
    /// made from). Tracking costs an index per scalar, so the hot path goes without.
    func forEachPart(of text: String, tracksSources: Bool, _ body: (Part, Range<Int>?) -> Void) {
        var normalized: [Unicode.Scalar] = []
        var sources: [Int] = []
        let scalars = Array(text.unicodeScalars)
        func source(of range: Range<Int>) -> Range<Int>? {
            guard tracksSources, let first = range.first, let last = range.last else { return nil }
            return sources[first]..<(sources[last] + 1)
        }
        rawMatcher.split(scalars[...]) { stretch in
            normalized.removeAll(keepingCapacity: true)
            sources.removeAll(keepingCapacity: true)
            for index in stretch.indices {
                normalizer.normalize(scalars[index], appendingTo: &normalized)
                if tracksSources { sources.append(contentsOf: repeatElement(index, count: normalized.count - sources.count)) }
            }
            normalizedMatcher.split(normalized[...]) { words in
                BertPreTokenizer.forEachWord(in: words) { word in body(.word(word), source(of: word.indices)) }
            } token: { token, range in
                body(.addedToken(token), source(of: range))
            }
        } token: { token, range in
            body(.addedToken(token), tracksSources ? range : nil)
        }
    }

    /// `[CLS] pieces [SEP]`, keeping only the first pieces when `maxLength` (which counts
    /// `[CLS]` and `[SEP]`) is exceeded, as Hugging Face's truncation does; a word may be cut
    /// between its pieces.
    public func encode(_ text: String, maxLength: Int? = nil) -> TokenizedText {
        let pieces = pieceIDs(of: text)
        return wrap(pieces[...], dropped: 0, maxLength: maxLength)
    }

    /// `[CLS] pieces [SEP]` for a stretch of already tokenized pieces, truncated to `maxLength`.
    public func wrap(_ pieces: ArraySlice<Int32>, dropped: Int = 0, maxLength: Int? = nil) -> TokenizedText {
        let room = maxLength.map { max($0 - 2, 0) } ?? pieces.count
        let kept = pieces.prefix(room)
        var ids: [Int32] = [classificationTokenID]
        ids.reserveCapacity(kept.count + 2)
        ids.append(contentsOf: kept)
        ids.append(separatorTokenID)
        return TokenizedText(ids: ids, droppedPieceCount: dropped + pieces.count - kept.count)
    }

    /// The token strings of `ids`, for display and tests.
    public func tokens(of ids: [Int32]) -> [String] {
        ids.map { id in
            vocabulary.tokens.indices.contains(Int(id))
                ? vocabulary.tokens[Int(id)] : addedTokens.last { $0.id == id }?.content ?? ""
        }
    }
}

/// The ids of one sequence as a model takes them.
public struct TokenizedText: Sendable, Equatable {
    /// `[CLS]`, the pieces, `[SEP]`.
    public var ids: [Int32]
    /// Word pieces cut off by truncation; zero when the whole text fit.
    public var droppedPieceCount: Int

    public var isTruncated: Bool { droppedPieceCount > 0 }
}
