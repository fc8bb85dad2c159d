import Foundation

/// The features a model was trained on: the kept fingerprints (feature `j` is
/// `fingerprints[j]`), their inverse document frequencies, and how to weight them.
///
/// Features are numbered by descending document frequency: the few features that most texts
/// share then sit together in memory, which keeps training and prediction cache-friendly.
///
/// Fitting it on training documents only, per fold, keeps validation honest: a held-out
/// document never influences which features exist or their IDF.
public struct FeatureSpace: Sendable {
    public let configuration: FeatureConfiguration
    public let fingerprints: [UInt64]
    /// Smoothed IDF per feature, `ln((1 + n) / (1 + df)) + 1`; empty unless the weighting is
    /// TF-IDF.
    public let inverseDocumentFrequencies: [Float]
    private let index: FeatureIndex

    public var count: Int { fingerprints.count }

    /// False when `fingerprints` repeats one, which only a corrupt file can cause.
    public var hasDistinctFingerprints: Bool { index.count == fingerprints.count }

    public init(configuration: FeatureConfiguration, fingerprints: [UInt64], inverseDocumentFrequencies: [Float]) {
        self.configuration = configuration
        self.fingerprints = fingerprints
        self.inverseDocumentFrequencies = inverseDocumentFrequencies
        self.index = FeatureIndex(fingerprints: fingerprints)
    }

    /// Keeps the fingerprints that occur in at least `minimumDocumentFrequency` documents.
    public static func fit(configuration: FeatureConfiguration, documents: [TermCounts]) -> FeatureSpace {
        var documentFrequencies = DocumentFrequencyCounter(minimumCapacity: 1 << 16)
        for document in documents {
            for fingerprint in document.fingerprints { documentFrequencies.increment(fingerprint) }
        }
        var kept: [(fingerprint: UInt64, frequency: Int32)] = []
        let threshold = Int32(max(1, configuration.minimumDocumentFrequency))
        documentFrequencies.forEachEntry { fingerprint, frequency in
            if frequency >= threshold { kept.append((fingerprint, frequency)) }
        }
        kept.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.fingerprint < $1.fingerprint }
        var idf: [Float] = []
        if configuration.weighting == .sublinearTFIDF {
            let documentCount = Double(documents.count)
            idf = kept.map { Float(log((1 + documentCount) / (1 + Double($0.frequency))) + 1) }
        }
        return FeatureSpace(configuration: configuration, fingerprints: kept.map(\.fingerprint), inverseDocumentFrequencies: idf)
    }

    public func featureIndex(of fingerprint: UInt64) -> Int32? {
        index.key(of: fingerprint).map { $0 >> 1 }
    }

    /// The weighted vector of an already-counted document (training path); its indices are in
    /// the document's fingerprint order, not ascending.
    public func vector(for document: TermCounts) -> SparseVector {
        var keys: [Int32] = []
        var counts: [UInt32] = []
        var weights: [Float] = []
        keys.reserveCapacity(document.fingerprints.count)
        counts.reserveCapacity(document.fingerprints.count)
        weights.reserveCapacity(document.fingerprints.count)
        for (position, fingerprint) in document.fingerprints.enumerated() {
            if let key = index.key(of: fingerprint) {
                keys.append(key)
                counts.append(document.counts[position])
                weights.append(inverseDocumentFrequency(ofKey: key))
            }
        }
        return weighted(keys: keys, counts: counts, inverseDocumentFrequencies: weights)
    }

    /// The weighted vector of raw fingerprint occurrences (prediction path); unknown
    /// fingerprints are dropped, repeats counted.
    public func vector(forOccurrences occurrences: [UInt64], scratch: inout VectorScratch) -> SparseVector {
        index.keys(of: occurrences, firstSlots: &scratch.firstSlots, into: &scratch.keys)
        scratch.counter.count(scratch.keys)
        let counter = scratch.counter
        gatherInverseDocumentFrequencies(of: counter.features, into: &scratch.inverseDocumentFrequencies)
        return weighted(
            keys: counter.features, counts: counter.featureCounts, inverseDocumentFrequencies: scratch.inverseDocumentFrequencies)
    }

    /// The IDF of each key, in a loop tight enough for the processor to overlap its cache misses.
    private func gatherInverseDocumentFrequencies(of keys: [Int32], into output: inout [Float]) {
        output.removeAll(keepingCapacity: true)
        output.grow(to: keys.count, with: 1)
        guard !inverseDocumentFrequencies.isEmpty else { return }
        inverseDocumentFrequencies.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { output in
                for position in keys.indices { output[position] = table[Int(keys[position] >> 1)] }
            }
        }
    }

    @inline(__always)
    private func inverseDocumentFrequency(ofKey key: Int32) -> Float {
        inverseDocumentFrequencies.isEmpty ? 1 : inverseDocumentFrequencies[Int(key >> 1)]
    }

    private func weighted(keys: [Int32], counts: [UInt32], inverseDocumentFrequencies: [Float]) -> SparseVector {
        var indices = [Int32](repeating: 0, count: keys.count)
        var values = [Float](repeating: 0, count: keys.count)
        for position in keys.indices { indices[position] = keys[position] >> 1 }
        switch configuration.weighting {
        case .counts:
            for position in keys.indices { values[position] = Float(counts[position]) }
        case .presence:
            for position in keys.indices { values[position] = 1 }
        case .sublinearTFIDF:
            var squaredNorms: (word: Float, character: Float) = (0, 0)
            for position in keys.indices {
                let value = (1 + logf(Float(counts[position]))) * inverseDocumentFrequencies[position]
                values[position] = value
                if keys[position] & 1 == 0 {
                    squaredNorms.word += value * value
                } else {
                    squaredNorms.character += value * value
                }
            }
            let wordScale = squaredNorms.word > 0 ? 1 / squaredNorms.word.squareRoot() : 0
            let characterScale = squaredNorms.character > 0 ? 1 / squaredNorms.character.squareRoot() : 0
            for position in keys.indices { values[position] *= keys[position] & 1 == 0 ? wordScale : characterScale }
        }
        return SparseVector(indices: indices, values: values)
    }
}
