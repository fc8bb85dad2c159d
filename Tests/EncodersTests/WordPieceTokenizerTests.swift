import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// Parity with the Hugging Face `tokenizers` library on the 341 reference cases
/// (`tokenizer/wordpiece-cases.json`): normalizer output, pre-tokenizer words, and ids and
/// tokens both untruncated and truncated to 128.
@Suite struct WordPieceTokenizerTests {
    struct Case: Decodable {
        struct Encoding: Decodable {
            let ids: [Int32]
            let tokens: [String]
        }
        let id: String
        let text: String
        let normalized: String?
        let words: [String]?
        let untruncated: Encoding
        let truncatedTo128: Encoding

        enum CodingKeys: String, CodingKey {
            case id, text, normalized, words, untruncated
            case truncatedTo128 = "truncated_128"
        }
    }

    static func cases() throws -> [Case] {
        struct File: Decodable { let cases: [Case] }
        let data = try Data(contentsOf: try ReferenceFiles.testVector("tokenizer/wordpiece-cases.json"))
        return try JSONDecoder().decode(File.self, from: data).cases
    }

    /// Differences between what `tokenizer` makes of every case and the reference.
    static func mismatches(of tokenizer: WordPieceTokenizer) throws -> [String] {
        var mismatches: [String] = []
        let cases = try cases()
        #expect(cases.count == 341)
        for reference in cases {
            let untruncated = tokenizer.encode(reference.text)
            if untruncated.ids != reference.untruncated.ids {
                mismatches.append(
                    "\(reference.id) untruncated: \(tokenizer.tokens(of: untruncated.ids)) vs \(reference.untruncated.tokens)")
            } else if tokenizer.tokens(of: untruncated.ids).map({ Array($0.unicodeScalars) })
                != reference.untruncated.tokens.map({ Array($0.unicodeScalars) })
            {
                mismatches.append("\(reference.id): token strings differ")
            }
            let truncated = tokenizer.encode(reference.text, maxLength: 128)
            if truncated.ids != reference.truncatedTo128.ids { mismatches.append("\(reference.id) truncated at 128") }
            if truncated.isTruncated != (reference.untruncated.ids.count > 128) {
                mismatches.append("\(reference.id): isTruncated is \(truncated.isTruncated)")
            }
        }
        return mismatches
    }

    @Test func vocabularyTextFolderMatchesEveryReferenceCase() throws {
        let tokenizer = try WordPieceTokenizer(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        #expect(tokenizer.vocabulary.count == 30_522)
        #expect(tokenizer.modelMaxLength == 512)
        let mismatches = try Self.mismatches(of: tokenizer)
        #expect(mismatches.isEmpty, "\(mismatches.count) cases differ: \(mismatches.prefix(5))")
    }

    /// all-MiniLM-L6-v2's own `tokenizer.json`, whose padding to 128 must be ignored.
    @Test func tokenizerJSONMatchesEveryReferenceCase() throws {
        let tokenizer = try WordPieceTokenizer(directory: try ReferenceFiles.miniLM())
        #expect(tokenizer.encode("Hello, world!").ids == [101, 7592, 1010, 2088, 999, 102])
        let mismatches = try Self.mismatches(of: tokenizer)
        #expect(mismatches.isEmpty, "\(mismatches.count) cases differ: \(mismatches.prefix(5))")
    }

    @Test func normalizerAndPreTokenizerMatchEveryReferenceCase() throws {
        let normalizer = BertNormalizer()
        var checked = 0
        for reference in try Self.cases() {
            guard let expectedText = reference.normalized, let expectedWords = reference.words else { continue }
            let normalized = Array(normalizer.normalize(reference.text).unicodeScalars)
            #expect(normalized == Array(expectedText.unicodeScalars), "\(reference.id)")
            var words: [[Unicode.Scalar]] = []
            BertPreTokenizer.forEachWord(in: normalized[...]) { words.append(Array($0)) }
            #expect(words == expectedWords.map { Array($0.unicodeScalars) }, "\(reference.id)")
            checked += 1
        }
        #expect(checked == 328)
    }

    @Test func specialTokensMatchOnlyAsWrittenInTheRawText() throws {
        let tokenizer = try WordPieceTokenizer(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        #expect(tokenizer.tokens(of: tokenizer.encode("a [MASK] b").ids) == ["[CLS]", "a", "[MASK]", "b", "[SEP]"])
        #expect(tokenizer.tokens(of: tokenizer.encode("a [Mask] b").ids) == ["[CLS]", "a", "[", "mask", "]", "b", "[SEP]"])
        #expect(tokenizer.tokens(of: tokenizer.encode("[SEP][CLS]").ids) == ["[CLS]", "[SEP]", "[CLS]", "[SEP]"])
    }

    @Test func truncationCountsTheDroppedPieces() throws {
        let tokenizer = try WordPieceTokenizer(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        let text = Array(repeating: "hello", count: 10).joined(separator: " ")
        let encoded = tokenizer.encode(text, maxLength: 6)
        #expect(encoded.ids == [101, 7592, 7592, 7592, 7592, 102])
        #expect(encoded.droppedPieceCount == 6)
        #expect(tokenizer.encode(text, maxLength: 12).droppedPieceCount == 0)
    }
}
