import Foundation
import Testing
import TextFeatures

@Suite struct PorterStemmerTests {
    /// 33,028 words (every word of the bundled tweets and the paper's examples) with NLTK's
    /// stems, written by scripts/generate-porter-fixture.py.
    @Test func matchesNLTKOnEveryFixtureWord() throws {
        let url = try #require(Bundle.module.url(forResource: "porter-nltk", withExtension: "tsv", subdirectory: "Fixtures"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 30_000)
        var mismatches: [String] = []
        for line in lines {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            let word = String(parts[0])
            let expected = String(parts[1])
            let actual = PorterStemmer.stem(word)
            if actual != expected { mismatches.append("\(word): expected \(expected), got \(actual)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(10))")
    }

    @Test(arguments: [
        ("caresses", "caress"), ("ponies", "poni"), ("relational", "relat"), ("generalizations", "gener"),
        ("hopping", "hop"), ("archaeology", "archaeolog"),
    ])
    func stemsClassicExamples(word: String, stem: String) {
        #expect(PorterStemmer.stem(word) == stem)
    }

    @Test func leavesShortAndNonASCIIWordsAlone() {
        #expect(PorterStemmer.stem("is") == "is")
        #expect(PorterStemmer.stem("café") == "café")
        #expect(PorterStemmer.stem("r2d2") == "r2d2")
    }
}
