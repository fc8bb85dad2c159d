import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// Text to embedding end to end (tokenizer, encoder, pooling, truncation at 256) against
/// sentence-transformers' `encode`.
@Suite struct TextEncoderTests {
    struct Embeddings: Decodable {
        struct Sentence: Decodable {
            let id: String
            let text: String
            let truncated: Bool
            let embedding: [Float]
        }
        let sentences: [Sentence]
    }

    @Test func textsEmbedAsSentenceTransformersDoes() throws {
        let encoder = try TextEncoder(directory: try ReferenceFiles.miniLM())
        #expect(encoder.maxLength == 256 && encoder.pooling == .mean && encoder.normalizes)
        let reference = try testVector("minilm/embeddings.json", as: Embeddings.self)
        let embeddings = try encoder.embed(reference.sentences.map(\.text))
        #expect(reference.sentences.contains { $0.truncated })
        for (sentence, embedding) in zip(reference.sentences, embeddings) {
            #expect(maxAbsoluteDifference(embedding.vector, sentence.embedding) <= 1e-5, "\(sentence.id)")
            #expect((embedding.droppedPieceCount > 0) == sentence.truncated, "\(sentence.id)")
        }
    }

    /// A long text pooled over windows keeps every piece; its vector is the token-weighted
    /// mean of its windows' vectors, and differs from the truncated one.
    @Test func longTextsCanBePooledOverWindows() throws {
        let encoder = try TextEncoder(directory: try ReferenceFiles.miniLM())
        let text = (1...120).map { "sentence number \($0) talks about a different topic." }.joined(separator: " ")
        let truncated = try encoder.embed([text])[0]
        let pooled = try encoder.embed([text], longTexts: .poolWindows)[0]
        #expect(truncated.windowCount == 1 && truncated.droppedPieceCount == truncated.pieceCount - 254)
        #expect(pooled.windowCount == (pooled.pieceCount + 253) / 254 && pooled.droppedPieceCount == 0)
        let norm = pooled.vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
        #expect(maxAbsoluteDifference(pooled.vector, truncated.vector) > 1e-3)
        let short = try encoder.embed(["a short text"], longTexts: .poolWindows)[0]
        let shortTruncated = try encoder.embed(["a short text"])[0]
        #expect(maxAbsoluteDifference(short.vector, shortTruncated.vector) == 0)
    }
}
