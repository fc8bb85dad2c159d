import Crypto

/// Digests and MACs as lowercase hex, read straight from their bytes: iterating a digest as a
/// `Sequence` (as `Digests.lowercaseHex` does for any sequence) cost a tenth of a signature.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func lowercase(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).withUnsafeBytes(lowercase)
    }
}
