/// 64-bit fingerprints of n-grams.
///
/// Features are identified by fingerprint instead of by string, so a model stores no
/// vocabulary strings and loads without building a string dictionary. With 64 bits, the chance
/// that two of a model's ~10^5 features collide is about 10^-9.
///
/// The lowest bit names the feature's block (word or character n-grams), which TF-IDF
/// normalizes separately.
public enum Fingerprint {
    public enum Block: UInt64, Sendable {
        case word = 0
        case character = 1
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The running FNV-1a state after one more scalar.
    @inline(__always)
    static func mix(_ state: UInt64, _ value: UInt32) -> UInt64 {
        (state ^ UInt64(value)) &* prime
    }

    /// MurmurHash3's finalizer: FNV's low bits are weak, and the index masks low bits.
    @inline(__always)
    static func finalize(_ state: UInt64, block: Block) -> UInt64 {
        var hash = state
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        let tagged = (hash & ~1) | block.rawValue
        return tagged == 0 ? 2 : tagged
    }

    public static func block(of fingerprint: UInt64) -> Block {
        fingerprint & 1 == 0 ? .word : .character
    }

    /// The unfinalized hash of one token's scalars, the unit word n-grams are built from.
    @inline(__always)
    static func tokenState<Scalars: Sequence<UInt32>>(_ scalars: Scalars) -> UInt64 {
        var state = offsetBasis
        for value in scalars { state = mix(state, value) }
        return state
    }

    /// The fingerprint of a run of tokens; the length is mixed in first so that a bigram never
    /// shares a fingerprint with a unigram by construction.
    @inline(__always)
    static func wordNGram(_ tokenStates: ArraySlice<UInt64>) -> UInt64 {
        var state = offsetBasis ^ UInt64(tokenStates.count)
        for tokenState in tokenStates { state = (state ^ tokenState) &* 0x9e37_79b9_7f4a_7c15 }
        return finalize(state, block: .word)
    }

    /// The fingerprint of a single word, for tests and tools that need one feature's identity.
    public static func word(_ token: String) -> UInt64 {
        wordNGram([tokenState(token.unicodeScalars.lazy.map(\.value))][...])
    }
}
