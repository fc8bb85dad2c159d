/// The read-only map from fingerprint to feature number that prediction probes for every
/// n-gram of a text.
///
/// Fingerprint, feature number and IDF share one 16-byte slot, so a probe costs one cache
/// miss and weighting needs no further lookup; at most half the slots are used, so probes are
/// short.
struct FeatureIndex: Sendable {
    struct Slot {
        var fingerprint: UInt64
        var feature: Int32
        var inverseDocumentFrequency: Float
    }

    private var slots: [Slot]
    private let mask: Int
    private(set) var count = 0

    init(fingerprints: [UInt64], inverseDocumentFrequencies: [Float]) {
        var capacity = 16
        while capacity < fingerprints.count * 2 { capacity <<= 1 }
        slots = Array(repeating: Slot(fingerprint: 0, feature: 0, inverseDocumentFrequency: 0), count: capacity)
        mask = capacity - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for (feature, fingerprint) in fingerprints.enumerated() {
                var index = Int(truncatingIfNeeded: fingerprint >> 1) & mask
                while slots[index].fingerprint != 0 && slots[index].fingerprint != fingerprint { index = (index + 1) & mask }
                if slots[index].fingerprint == 0 { count += 1 }
                let idf = inverseDocumentFrequencies.isEmpty ? 1 : inverseDocumentFrequencies[feature]
                slots[index] = Slot(fingerprint: fingerprint, feature: Int32(feature), inverseDocumentFrequency: idf)
            }
        }
    }

    @inline(__always)
    func slot(for fingerprint: UInt64) -> Slot? {
        slots.withUnsafeBufferPointer { slots in
            var index = Int(truncatingIfNeeded: fingerprint >> 1) & mask
            while true {
                let slot = slots[index]
                if slot.fingerprint == fingerprint { return slot }
                if slot.fingerprint == 0 { return nil }
                index = (index + 1) & mask
            }
        }
    }
}
