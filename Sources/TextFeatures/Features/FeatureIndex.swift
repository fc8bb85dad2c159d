/// The read-only map from fingerprint to feature key (feature number and block bit) that
/// prediction probes for every n-gram of a text.
///
/// A slot is 8 bytes: the fingerprint's high 32 bits as a tag and the key. The slot a probe
/// starts at already fixes the fingerprint's low bits, so a tag match checks about 50 of its 64
/// bits. Half the 16 bytes a full fingerprint would need keeps the table of a 10^5-feature model
/// (2 MB at most half full) in the core's L2 cache beside the weights, which is what a probe
/// costs: the table is too large for L1 and probes land at random. The price is that an unknown
/// n-gram is taken for a known one about once in 10^9 probes, identically in training and
/// prediction, which no metric can notice.
package struct FeatureIndex: Sendable {
    package struct Slot: Sendable {
        var tag: UInt32
        /// `feature << 1 | block`, or `empty`.
        var key: Int32
    }

    package static let empty: Int32 = -1

    private var slots: [Slot]
    private let mask: Int
    package private(set) var count = 0

    /// Indexes `fingerprints[feature]` as `feature`; a repeated fingerprint keeps its first
    /// feature and is not counted, so `count` tells whether they were distinct.
    package init(fingerprints: [UInt64]) {
        var capacity = 16
        while capacity < fingerprints.count * 2 { capacity <<= 1 }
        slots = Array(repeating: Slot(tag: 0, key: Self.empty), count: capacity)
        mask = capacity - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for (feature, fingerprint) in fingerprints.enumerated() {
                var index = Self.home(fingerprint, mask)
                var isRepeat = false
                while slots[index].key != Self.empty {
                    if fingerprints[Int(slots[index].key >> 1)] == fingerprint {
                        isRepeat = true
                        break
                    }
                    index = (index + 1) & mask
                }
                if isRepeat { continue }
                slots[index] = Slot(tag: Self.tag(fingerprint), key: Self.key(feature, fingerprint))
                count += 1
            }
        }
    }

    @inline(__always)
    package static func home(_ fingerprint: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: fingerprint >> 1) & mask
    }

    @inline(__always)
    package static func tag(_ fingerprint: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: fingerprint >> 32)
    }

    /// A feature number with its block in the low bit, so weighting needs no table lookup.
    @inline(__always)
    package static func key(_ feature: Int, _ fingerprint: UInt64) -> Int32 {
        Int32(feature) << 1 | Int32(truncatingIfNeeded: fingerprint & 1)
    }

    /// The key of `fingerprint`, or nil when it is not a feature.
    @inline(__always)
    package func key(of fingerprint: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            Self.probe(slots, from: Self.home(fingerprint, mask), tag: Self.tag(fingerprint), mask: mask)
        }
    }

    /// Replaces `keys` with the key of every fingerprint in `fingerprints` that is a feature,
    /// in order, repeats included.
    ///
    /// Reading every first slot in a tight loop without branches or calls lets the processor
    /// overlap the cache misses of a whole text; probing one fingerprint at a time, each
    /// mispredicted hit-or-miss branch discards the loads already in flight. The second pass
    /// reads the copied first slots and rarely touches the table again.
    package func keys(of fingerprints: [UInt64], firstSlots: inout [Slot], into keys: inout [Int32]) {
        let count = fingerprints.count
        firstSlots.grow(to: count, with: Slot(tag: 0, key: Self.empty))
        keys.grow(to: count, with: 0)
        var found = 0
        slots.withUnsafeBufferPointer { slots in
            fingerprints.withUnsafeBufferPointer { fingerprints in
                firstSlots.withUnsafeMutableBufferPointer { firstSlots in
                    for position in 0..<count { firstSlots[position] = slots[Self.home(fingerprints[position], mask)] }
                    keys.withUnsafeMutableBufferPointer { keys in
                        for position in 0..<count {
                            let first = firstSlots[position]
                            let fingerprint = fingerprints[position]
                            let tag = Self.tag(fingerprint)
                            if first.key == Self.empty { continue }
                            if first.tag == tag {
                                keys[found] = first.key
                                found += 1
                            } else if let key = Self.probe(
                                slots, from: (Self.home(fingerprint, mask) + 1) & mask, tag: tag, mask: mask)
                            {
                                keys[found] = key
                                found += 1
                            }
                        }
                    }
                }
            }
        }
        keys.removeLast(keys.count - found)
    }

    @inline(__always)
    private static func probe(_ slots: UnsafeBufferPointer<Slot>, from start: Int, tag: UInt32, mask: Int) -> Int32? {
        var index = start
        while true {
            let slot = slots[index]
            if slot.key == empty { return nil }
            if slot.tag == tag { return slot.key }
            index = (index + 1) & mask
        }
    }
}
