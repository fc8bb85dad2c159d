/// Counts feature occurrences of one text in a small open-addressing table that is reused
/// from text to text, so a prediction neither sorts nor allocates. Features are the keys
/// `FeatureIndex` stores (feature number and block bit).
struct FeatureCounter: Sendable {
    private var slots: [Int32] = []
    private var counts: [UInt32] = []
    /// The distinct features of the current text, in first-seen order.
    private(set) var features: [Int32] = []
    private(set) var featureCounts: [UInt32] = []

    /// Replaces the current counts with those of `occurrences` (features, repeats included).
    mutating func count(_ occurrences: [Int32]) {
        var capacity = max(16, slots.count)
        while capacity < occurrences.count * 2 { capacity <<= 1 }
        if capacity != slots.count {
            slots = [Int32](repeating: -1, count: capacity)
            counts = [UInt32](repeating: 0, count: capacity)
        }
        features.grow(to: occurrences.count, with: 0)
        featureCounts.grow(to: occurrences.count, with: 0)
        let mask = capacity - 1
        var distinct = 0
        slots.withUnsafeMutableBufferPointer { slots in
            counts.withUnsafeMutableBufferPointer { counts in
                features.withUnsafeMutableBufferPointer { features in
                    for feature in occurrences {
                        var index = Self.home(feature, mask)
                        while slots[index] != -1 && slots[index] != feature { index = (index + 1) & mask }
                        if slots[index] == -1 {
                            slots[index] = feature
                            features[distinct] = feature
                            distinct += 1
                        }
                        counts[index] += 1
                    }
                    featureCounts.withUnsafeMutableBufferPointer { featureCounts in
                        for position in 0..<distinct {
                            let feature = features[position]
                            var index = Self.home(feature, mask)
                            while slots[index] != feature { index = (index + 1) & mask }
                            featureCounts[position] = counts[index]
                            slots[index] = -1
                            counts[index] = 0
                        }
                    }
                }
            }
        }
        features.removeLast(features.count - distinct)
        featureCounts.removeLast(featureCounts.count - distinct)
    }

    @inline(__always)
    private static func home(_ feature: Int32, _ mask: Int) -> Int {
        Int(UInt32(bitPattern: feature) &* 0x9E37_79B1) & mask
    }
}
