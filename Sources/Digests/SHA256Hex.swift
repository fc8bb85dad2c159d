import Crypto
import Foundation

/// The SHA-256 of some bytes as 64 lowercase hex digits: the form artifacts record for their
/// files and the key store looks secrets up by, so either can be checked with `sha256sum`.
public func sha256Hex(_ data: some DataProtocol) -> String {
    lowercaseHex(SHA256.hash(data: data))
}

/// The 32 bytes of the SHA-256 of some bytes, for fingerprints that keep a prefix of them.
public func sha256(_ data: some DataProtocol) -> [UInt8] {
    Array(SHA256.hash(data: data))
}

/// Bytes as lowercase hex, written digit by digit. `String(format: "%02x")` per byte cost
/// 100 µs per key lookup, and the first call in a process sets up a locale that a serving
/// process would pay on its cold start.
public func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
