import Storage
import Testing

@Suite struct APIKeySecretTests {
    /// The stored form is the standard SHA-256 in lowercase hex (FIPS 180-2 test vectors), so
    /// a key's row can be found with any other SHA-256 tool.
    @Test func hashesAreStandardSHA256InLowercaseHex() {
        #expect(APIKeySecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(APIKeySecret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func secretsAndIdentifiersHaveTheirDocumentedShape() {
        let secrets = (0..<100).map { _ in APIKeySecret.generate() }
        #expect(Set(secrets).count == secrets.count)
        for secret in secrets {
            #expect(secret.hasPrefix("mgp_") && secret.count == 4 + 43)
            #expect(secret.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
        let identifier = APIKeySecret.generateIdentifier()
        #expect(identifier.hasPrefix("key_") && identifier.count == 16 && identifier.dropFirst(4).allSatisfy(\.isHexDigit))
    }
}
