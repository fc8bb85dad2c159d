import Digests
import Foundation

/// An API key as stored: everything but the secret, of which only the SHA-256 is kept, so a
/// leaked database does not leak usable keys.
public struct APIKey: Sendable, Equatable {
    /// Public identifier for listing and revoking; unrelated to the secret.
    public var id: String
    public var name: String
    public var plan: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    package init(
        id: String, name: String, plan: String, createdAt: Date, lastUsedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.plan = plan
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// The secret half of a key, as clients send it in `x-api-key`.
public enum APIKeySecret {
    package static let prefix = "mgp_"

    /// 256 bits from the system CSPRNG (`getrandom` on Linux), base64url without padding.
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + base64URL(bytes)
    }

    /// A short random identifier, `key_` and 12 hex digits.
    package static func generateIdentifier() -> String {
        var generator = SystemRandomNumberGenerator()
        return "key_" + lowercaseHex((0..<6).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// What the database stores and looks keys up by.
    public static func hash(_ secret: String) -> String {
        sha256Hex(Array(secret.utf8))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
