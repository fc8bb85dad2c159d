/// Counts feature occurrences of one text in a small open-addressing table that is reused
/// from text to text, so a prediction neither sorts nor allocates. Features are the keys
/// `FeatureSpace` builds (feature number and block bit), each with its IDF.
public struct FeatureCounter: Sendable {
    private var slots: [Int32] = []
    private var counts: [UInt32] = []
    /// The distinct features of the current text, in first-seen order.
    private(set) var features: [Int32] = []
    private(set) var featureCounts: [UInt32] = []
    private(set) var featureWeights: [Float] = []

    public init() {}

    /// Replaces the current counts with those of `occurrences` (features, repeats included).
    mutating func count(_ occurrences: [Int32], weights: [Float]) {
        var capacity = max(16, slots.count)
        while capacity < occurrences.count * 2 { capacity <<= 1 }
        if capacity != slots.count {
            slots = [Int32](repeating: -1, count: capacity)
            counts = [UInt32](repeating: 0, count: capacity)
        }
        features.removeAll(keepingCapacity: true)
        featureCounts.removeAll(keepingCapacity: true)
        featureWeights.removeAll(keepingCapacity: true)
        let mask = capacity - 1
        slots.withUnsafeMutableBufferPointer { slots in
            counts.withUnsafeMutableBufferPointer { counts in
                for (position, feature) in occurrences.enumerated() {
                    var index = Int(UInt32(bitPattern: feature) &* 0x9E37_79B1) & mask
                    while slots[index] != -1 && slots[index] != feature { index = (index + 1) & mask }
                    if slots[index] == -1 {
                        slots[index] = feature
                        features.append(feature)
                        featureWeights.append(weights[position])
                    }
                    counts[index] += 1
                }
                for feature in features {
                    var index = Int(UInt32(bitPattern: feature) &* 0x9E37_79B1) & mask
                    while slots[index] != feature { index = (index + 1) & mask }
                    featureCounts.append(counts[index])
                    slots[index] = -1
                    counts[index] = 0
                }
            }
        }
    }
}
