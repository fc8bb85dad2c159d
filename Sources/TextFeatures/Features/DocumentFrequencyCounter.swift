/// Counts, per fingerprint, how many training documents contain it: an open-addressing hash
/// map that grows as needed.
///
/// Fingerprints are already well-mixed hashes and never 0, so the table uses 0 as the empty
/// marker and the key's own bits as the slot. Fitting a feature space counts millions of
/// fingerprints, which a `Dictionary` does several times slower.
struct DocumentFrequencyCounter {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = Array(repeating: 0, count: capacity)
        counts = Array(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    mutating func increment(_ key: UInt64) {
        let index = slot(of: key)
        if keys[index] == 0 {
            keys[index] = key
            counts[index] = 1
            count += 1
            if count * 2 > keys.count { grow() }
        } else {
            counts[index] += 1
        }
    }

    /// Every fingerprint with its count, in slot order (not a stable order: sort before
    /// depending on it).
    func forEachEntry(_ body: (UInt64, Int32) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], counts[index]) }
    }

    private func slot(of key: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: key >> 1) & mask
        while keys[index] != key && keys[index] != 0 { index = (index + 1) & mask }
        return index
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldCounts = counts
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        counts = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for index in oldKeys.indices where oldKeys[index] != 0 {
            let target = slot(of: oldKeys[index])
            keys[target] = oldKeys[index]
            counts[target] = oldCounts[index]
        }
    }
}
