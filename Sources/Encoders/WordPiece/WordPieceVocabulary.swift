/// A WordPiece vocabulary: token strings, their ids, and a byte-exact lookup.
///
/// Lookups compare UTF-8 bytes, as the reference does. A `[String: Int32]` dictionary would
/// not do: Swift compares strings by canonical equivalence, so the conjoining jamo that
/// accent stripping leaves of a Hangul syllable would find the precomposed syllable in the
/// vocabulary, where the reference finds nothing.
public struct WordPieceVocabulary: Sendable {
    /// Token strings by id; ids with no token in the source are empty.
    public let tokens: [String]
    private let bytes: [UInt8]
    private let offsets: [Int]
    private let slots: [Int32]

    /// `tokens[id]` is the token of `id`. When a token occurs twice, the later id wins, as in
    /// Hugging Face's loaders.
    public init(tokens: [String]) {
        self.tokens = tokens
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        offsets.reserveCapacity(tokens.count + 1)
        for token in tokens {
            bytes.append(contentsOf: token.utf8)
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
        var capacity = 16
        while capacity < tokens.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        for id in tokens.indices {
            let token = bytes[offsets[id]..<offsets[id + 1]]
            var slot = Int(Self.hash(prefix: [], token) & UInt64(capacity - 1))
            while slots[slot] >= 0 && !bytes[offsets[Int(slots[slot])]..<offsets[Int(slots[slot]) + 1]].elementsEqual(token) {
                slot = (slot + 1) & (capacity - 1)
            }
            slots[slot] = Int32(id)
        }
        self.slots = slots
    }

    public var count: Int { tokens.count }

    public func id(of token: String) -> Int32? {
        id(prefix: [], Array(token.utf8)[...])
    }

    /// The id of the token spelled `prefix` followed by `bytes`, without building the string:
    /// WordPiece tries many candidate pieces per word.
    func id(prefix: [UInt8], _ bytes: ArraySlice<UInt8>) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(Self.hash(prefix: prefix, bytes) & UInt64(mask))
        while slots[slot] >= 0 {
            let id = Int(slots[slot])
            let token = self.bytes[offsets[id]..<offsets[id + 1]]
            if token.count == prefix.count + bytes.count && token.prefix(prefix.count).elementsEqual(prefix)
                && token.dropFirst(prefix.count).elementsEqual(bytes)
            {
                return Int32(id)
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// FNV-1a over the bytes of `prefix` then `bytes`.
    private static func hash(prefix: [UInt8], _ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in prefix { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash ^ (hash >> 29)
    }
}
