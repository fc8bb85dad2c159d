import Foundation

/// Texts in, sentence embeddings out: a Hugging Face folder's tokenizer, encoder and pooling
/// together, computing the vectors sentence-transformers computes for the same folder.
public struct TextEncoder: Sendable {
    public let tokenizer: WordPieceTokenizer
    public let encoder: TransformerEncoder
    public let pooling: Pooling
    public let normalizes: Bool
    /// Tokens per sequence, `[CLS]` and `[SEP]` included: sentence-transformers'
    /// `max_seq_length` when the folder has one (256 for all-MiniLM-L6-v2), else the
    /// tokenizer's `model_max_length`, never more than the model's positions.
    public let maxLength: Int

    /// The folder's encoder with the embedding settings sentence-transformers would use.
    public init(directory: URL) throws(EncoderError) {
        let encoder = try TransformerEncoder(directory: directory)
        let tokenizer: WordPieceTokenizer
        do { tokenizer = try WordPieceTokenizer(directory: directory) } catch { throw .tokenizer(error) }
        let settings = try SentenceEmbeddingSettings(directory: directory)
        let positions = encoder.configuration.maxPositions
        self.init(
            tokenizer: tokenizer, encoder: encoder, pooling: settings.pooling, normalizes: settings.normalize,
            maxLength: settings.maxSequenceLength ?? tokenizer.modelMaxLength ?? positions)
    }

    /// The folder's encoder with given settings: those a model was trained with, which must
    /// win over whatever the folder's settings files say later.
    public init(directory: URL, pooling: Pooling, normalizes: Bool, maxLength: Int) throws(EncoderError) {
        let encoder = try TransformerEncoder(directory: directory)
        let tokenizer: WordPieceTokenizer
        do { tokenizer = try WordPieceTokenizer(directory: directory) } catch { throw .tokenizer(error) }
        self.init(tokenizer: tokenizer, encoder: encoder, pooling: pooling, normalizes: normalizes, maxLength: maxLength)
    }

    private init(tokenizer: WordPieceTokenizer, encoder: TransformerEncoder, pooling: Pooling, normalizes: Bool, maxLength: Int) {
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.pooling = pooling
        self.normalizes = normalizes
        self.maxLength = max(min(maxLength, encoder.configuration.maxPositions), 3)
    }

    /// The size of every embedding.
    public var dimensions: Int { encoder.configuration.hiddenSize }

    /// What to do with a text longer than `maxLength`; the raw values are the artifact's.
    public enum LongTexts: String, Sendable, CaseIterable {
        /// Keep its first `maxLength` tokens, as sentence-transformers does.
        case truncate
        /// Embed every `maxLength` window of it and average the windows, weighted by their
        /// tokens, so the end of a long review counts as much as its start.
        case poolWindows = "windows"
    }

    public struct Embedding: Sendable {
        public var vector: [Float]
        /// Word pieces of the whole text.
        public var pieceCount: Int
        /// Pieces left out because the text was truncated; zero with `.poolWindows`.
        public var droppedPieceCount: Int
        public var windowCount: Int
    }

    /// Embeddings of many texts, `batchSize` texts per forward pass, calling `progress` with the
    /// number done after each batch: a training set takes minutes.
    public func embed(
        _ texts: [String], longTexts: LongTexts = .truncate, batchSize: Int,
        progress: (_ done: Int) -> Void
    ) throws(EncoderError) -> [Embedding] {
        var embeddings: [Embedding] = []
        embeddings.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: max(batchSize, 1)) {
            embeddings += try embed(Array(texts[start..<min(start + max(batchSize, 1), texts.count)]), longTexts: longTexts)
            progress(embeddings.count)
        }
        return embeddings
    }

    /// One embedding per text, the texts' sequences run as one packed batch.
    public func embed(_ texts: [String], longTexts: LongTexts = .truncate) throws(EncoderError) -> [Embedding] {
        let room = max(maxLength - 2, 1)
        var sequences: [[Int32]] = []
        var windowsOfText: [Range<Int>] = []
        var pieceCounts: [Int] = []
        for text in texts {
            let pieces = tokenizer.pieceIDs(of: text)
            pieceCounts.append(pieces.count)
            let first = sequences.count
            if longTexts == .poolWindows && pieces.count > room {
                for start in stride(from: 0, to: pieces.count, by: room) {
                    sequences.append(tokenizer.wrap(pieces[start..<min(start + room, pieces.count)]).ids)
                }
            } else {
                sequences.append(tokenizer.wrap(pieces[...], maxLength: maxLength).ids)
            }
            windowsOfText.append(first..<sequences.count)
        }
        let vectors = pooling.pool(try encoder.hiddenStates(of: sequences)[0], normalize: normalizes)
        return texts.indices.map { index in
            let windows = windowsOfText[index]
            var vector = vectors[windows.lowerBound]
            if windows.count > 1 {
                vector = [Float](repeating: 0, count: vector.count)
                let tokens = Float(windows.reduce(0) { $0 + sequences[$1].count })
                for window in windows {
                    let weight = Float(sequences[window].count) / tokens
                    for component in vector.indices { vector[component] += vectors[window][component] * weight }
                }
                if normalizes { Pooling.normalize(&vector) }
            }
            let kept = windows.count > 1 ? pieceCounts[index] : sequences[windows.lowerBound].count - 2
            return Embedding(
                vector: vector, pieceCount: pieceCounts[index], droppedPieceCount: pieceCounts[index] - kept,
                windowCount: windows.count)
        }
    }
}
