import Foundation
import Testing
import TextFeatures

@Suite struct TextFeaturizerTests {
    @Test func countsWordAndCharacterNGrams() {
        let configuration = FeatureConfiguration(wordNGrams: NGramRange(1, 2), characterNGrams: NGramRange(2, 3))
        var featurizer = TextFeaturizer(configuration: configuration)
        var fingerprints: [UInt64] = []
        featurizer.appendFingerprints(of: "ab ab", to: &fingerprints)
        let words = fingerprints.filter { Fingerprint.block(of: $0) == .word }
        let characters = fingerprints.filter { Fingerprint.block(of: $0) == .character }
        // unigrams "ab", "ab" and the bigram "ab ab"
        #expect(words.count == 3)
        #expect(Set(words).count == 2)
        #expect(words.filter { $0 == Fingerprint.word("ab") }.count == 2)
        // per padded token " ab ": 2-grams " a", "ab", "b " and 3-grams " ab", "ab "
        #expect(characters.count == 10)
        #expect(Set(characters).count == 5)
    }

    @Test func sameTextSameFingerprintsAcrossCaseAndEntities() {
        var featurizer = TextFeaturizer(configuration: FeatureConfiguration())
        #expect(featurizer.termCounts(of: "Fish &amp; CHIPS") == featurizer.termCounts(of: "fish & chips"))
    }

    @Test func termCountsAggregateRepeats() {
        var featurizer = TextFeaturizer(configuration: FeatureConfiguration(wordNGrams: NGramRange(1, 1), characterNGrams: nil))
        let terms = featurizer.termCounts(of: "go go go stop")
        #expect(terms.fingerprints.count == 2)
        let goIndex = terms.fingerprints.firstIndex(of: Fingerprint.word("go"))!
        #expect(terms.counts[goIndex] == 3)
    }

    @Test func featureSpacePrunesRareFeaturesAndWeightsBySublinearTFIDF() {
        let configuration = FeatureConfiguration(wordNGrams: NGramRange(1, 1), characterNGrams: nil, minimumDocumentFrequency: 2)
        var featurizer = TextFeaturizer(configuration: configuration)
        let documents = ["red blue", "red green", "red blue blue"].map { featurizer.termCounts(of: $0) }
        let space = FeatureSpace.fit(configuration: configuration, documents: documents)
        #expect(space.count == 2)
        #expect(space.featureIndex(of: Fingerprint.word("green")) == nil)
        let red = Int(space.featureIndex(of: Fingerprint.word("red"))!)
        let blue = Int(space.featureIndex(of: Fingerprint.word("blue"))!)
        // Features are numbered by descending document frequency: red (3) before blue (2).
        #expect(red == 0 && blue == 1)
        let idfRed = Float(log(4.0 / 4.0) + 1)
        let idfBlue = Float(log(4.0 / 3.0) + 1)
        #expect(abs(space.inverseDocumentFrequencies[red] - idfRed) < 1e-6)
        #expect(abs(space.inverseDocumentFrequencies[blue] - idfBlue) < 1e-6)
        let vector = space.vector(for: featurizer.termCounts(of: "red blue blue unseen"))
        let values = Dictionary(uniqueKeysWithValues: zip(vector.indices.map(Int.init), vector.values))
        let rawRed = idfRed
        let rawBlue = (1 + Float(log(2.0))) * idfBlue
        let norm = (rawRed * rawRed + rawBlue * rawBlue).squareRoot()
        #expect(abs(values[red]! - rawRed / norm) < 1e-6)
        #expect(abs(values[blue]! - rawBlue / norm) < 1e-6)
    }

    @Test func predictionPathMatchesTrainingPath() {
        let configuration = FeatureConfiguration()
        var featurizer = TextFeaturizer(configuration: configuration)
        let texts = ["I love this", "this is awful &amp; bad", "love love love 😂", "@someone awful http://x.co"]
        let space = FeatureSpace.fit(configuration: configuration, documents: texts.map { featurizer.termCounts(of: $0) })
        var scratch = VectorScratch()
        for text in texts {
            let training = space.vector(for: featurizer.termCounts(of: text))
            var occurrences: [UInt64] = []
            featurizer.appendFingerprints(of: text, to: &occurrences)
            let predicting = space.vector(forOccurrences: occurrences, scratch: &scratch)
            let left = Dictionary(uniqueKeysWithValues: zip(training.indices, training.values))
            let right = Dictionary(uniqueKeysWithValues: zip(predicting.indices, predicting.values))
            #expect(left.keys.sorted() == right.keys.sorted())
            for (key, value) in left { #expect(abs(value - right[key]!) < 1e-6) }
        }
    }
}
