/// An open-addressing hash map from fingerprint to a 32-bit value.
///
/// Fingerprints are already well-mixed hashes and never 0, so the table uses 0 as the empty
/// marker and the key's low bits as the slot: one multiply-free probe in the common case,
/// which is what keeps per-request featurization in microseconds.
public struct FingerprintTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    public private(set) var count = 0

    public init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = Array(repeating: 0, count: capacity)
        values = Array(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private func slot(of key: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: key >> 1) & mask
        while true {
            let stored = keys[index]
            if stored == key || stored == 0 { return index }
            index = (index + 1) & mask
        }
    }

    public func value(for key: UInt64) -> Int32? {
        let index = slot(of: key)
        return keys[index] == key ? values[index] : nil
    }

    public mutating func set(_ value: Int32, for key: UInt64) {
        precondition(key != 0, "fingerprints are never 0")
        let index = slot(of: key)
        if keys[index] == 0 {
            keys[index] = key
            count += 1
            values[index] = value
            if count * 2 > keys.count { grow() }
        } else {
            values[index] = value
        }
    }

    /// Adds one to the key's value, inserting it at 1.
    public mutating func increment(_ key: UInt64) {
        let index = slot(of: key)
        if keys[index] == 0 {
            keys[index] = key
            values[index] = 1
            count += 1
            if count * 2 > keys.count { grow() }
        } else {
            values[index] += 1
        }
    }

    /// Every entry, in slot order (not a stable order: sort before depending on it).
    public func forEach(_ body: (UInt64, Int32) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]) }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for index in oldKeys.indices where oldKeys[index] != 0 {
            let target = slot(of: oldKeys[index])
            keys[target] = oldKeys[index]
            values[target] = oldValues[index]
        }
    }
}
