import Digests
import Testing

@Suite struct SHA256HexTests {
    /// FIPS 180-2 test vectors: the hex is the standard one any other SHA-256 tool prints.
    @Test func matchesTheStandardVectors() {
        #expect(sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func writesEveryByteValueAsTwoLowercaseDigits() {
        let everyByte = (0...255).map { UInt8($0) }
        let expected = everyByte.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        #expect(lowercaseHex(everyByte) == expected)
    }
}
