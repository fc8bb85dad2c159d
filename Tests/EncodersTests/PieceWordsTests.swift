import Encoders
import Foundation
import MagpieTestSupport
import Testing

/// An explanation's words come from `pieceWords(of:)`: it must cut exactly the pieces the
/// model reads, and point each word at the scalars of the text it came from.
@Suite struct PieceWordsTests {
    @Test func piecesAreTheTokenizersOnEveryReferenceCase() throws {
        let tokenizer = try WordPieceTokenizer(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        let normalizer = BertNormalizer()
        var wordsChecked = 0
        for reference in try WordPieceTokenizerTests.cases() {
            let pieceWords = tokenizer.pieceWords(of: reference.text)
            #expect(pieceWords.ids == tokenizer.pieceIDs(of: reference.text), "\(reference.id)")
            #expect(pieceWords.wordOfPiece.count == pieceWords.ids.count, "\(reference.id)")
            #expect(pieceWords.wordOfPiece == pieceWords.wordOfPiece.sorted(), "\(reference.id)")
            let scalars = Array(reference.text.unicodeScalars)
            for word in pieceWords.words {
                #expect(Array(word.text.unicodeScalars) == Array(scalars[word.source]), "\(reference.id)")
            }
            guard let expected = reference.words, !reference.text.contains("[") else { continue }
            let normalizedWords = pieceWords.words.map { word in
                normalizer.normalize(word.text).trimmingCharacters(in: .whitespaces)
            }
            #expect(normalizedWords == expected, "\(reference.id)")
            wordsChecked += 1
        }
        #expect(wordsChecked > 300)
    }

    @Test func wordsKeepTheirWrittenFormAndOffsets() throws {
        let tokenizer = try WordPieceTokenizer(directory: try ReferenceFiles.testVector("distilbert-tiny"))
        let text = "Naïve CAFÉS [MASK] unbelievably!"
        let pieceWords = tokenizer.pieceWords(of: text)
        #expect(pieceWords.words.map(\.text) == ["Naïve", "CAFÉS", "[MASK]", "unbelievably", "!"])
        #expect(pieceWords.words.map(\.source) == [0..<5, 6..<11, 12..<18, 19..<31, 31..<32])
        let piecesOfLongWord = pieceWords.wordOfPiece.filter { $0 == 3 }.count
        #expect(piecesOfLongWord == tokenizer.pieceIDs(of: "unbelievably").count)
        #expect(piecesOfLongWord > 1)
    }
}
