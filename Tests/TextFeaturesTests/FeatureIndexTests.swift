import Testing
import TextFeatures

@Suite struct FeatureIndexTests {
    /// Fingerprints as the featurizer makes them, with a seeded generator so failures repeat.
    static func fingerprints(count: Int, seed: UInt64) -> [UInt64] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in generator.next() }
    }

    @Test func findsEveryIndexedFingerprintAndNoOther() {
        let known = Self.fingerprints(count: 50_000, seed: 1)
        let unknown = Self.fingerprints(count: 50_000, seed: 2)
        let index = FeatureIndex(fingerprints: known)
        #expect(index.count == known.count)
        for (feature, fingerprint) in known.enumerated() {
            #expect(index.key(of: fingerprint) == FeatureIndex.key(feature, fingerprint))
        }
        #expect(unknown.filter { index.key(of: $0) != nil }.isEmpty)
    }

    @Test func batchLookupMatchesSingleLookupsInOrderWithRepeats() {
        let known = Self.fingerprints(count: 5_000, seed: 3)
        let index = FeatureIndex(fingerprints: known)
        var probes = Self.fingerprints(count: 3_000, seed: 4)
        probes += known.prefix(2_000) + known.prefix(500) + known.suffix(100)
        var generator = SplitMix(seed: 5)
        probes.shuffle(using: &generator)
        var firstSlots: [FeatureIndex.Slot] = []
        var keys: [Int32] = []
        for round in 0..<2 {
            let batch = round == 0 ? probes : Array(probes.prefix(700))
            index.keys(of: batch, firstSlots: &firstSlots, into: &keys)
            #expect(keys == batch.compactMap { index.key(of: $0) })
        }
        #expect(keys.count == probes.prefix(700).filter { Set(known).contains($0) }.count)
    }

    @Test func aRepeatedFingerprintIsNotCounted() {
        let known = Self.fingerprints(count: 100, seed: 6)
        let index = FeatureIndex(fingerprints: known + [known[7]])
        #expect(index.count == known.count)
        #expect(index.key(of: known[7]) == FeatureIndex.key(7, known[7]))
    }
}

/// SplitMix64, to shuffle the same way on every run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
