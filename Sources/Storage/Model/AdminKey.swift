import Foundation

/// A key for the web console, kept apart from API keys: it is stored in its own table (or
/// item kind), has no plan, and a usage-plan key can never open the console, nor an admin key
/// call the API.
public struct AdminKey: Sendable, Equatable {
    /// Public identifier for listing and revoking: `adm_` and 12 hex digits.
    public var id: String
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    public init(id: String, name: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    package static let identifierPrefix = "adm_"
    package static let secretPrefix = "mgpadm_"

    /// Whether `id` names an admin key rather than an API key, so `magpie keys revoke` takes both.
    public static func isAdminIdentifier(_ id: String) -> Bool { id.hasPrefix(identifierPrefix) }

    /// A new key and its secret; only the secret's SHA-256 is stored.
    package static func generate(name: String, at now: Date) -> (key: AdminKey, secret: String, secretHash: String) {
        let secret = secretPrefix + String(APIKeySecret.generate().dropFirst(APIKeySecret.prefix.count))
        let id = identifierPrefix + String(APIKeySecret.generateIdentifier().dropFirst("key_".count))
        return (AdminKey(id: id, name: name, createdAt: now), secret, APIKeySecret.hash(secret))
    }
}

/// The console's keys, which every store keeps beside its API keys.
public protocol AdminKeyStore: Sendable {
    /// Creates an admin key and returns it with its secret, which is not stored.
    func createAdminKey(name: String, at now: Date) async throws(StorageError) -> (key: AdminKey, secret: String)
    /// The active admin key whose secret is `secret`; nil for an unknown or revoked one.
    func authenticateAdmin(secret: String) async throws(StorageError) -> AdminKey?
    /// Every admin key, revoked ones included, oldest first.
    func adminKeys() async throws(StorageError) -> [AdminKey]
    /// Revokes the admin key; revoking twice keeps the first time.
    func revokeAdminKey(id: String, at now: Date) async throws(StorageError)
}

extension AdminKeyStore {
    public func createAdminKey(name: String) async throws(StorageError) -> (key: AdminKey, secret: String) {
        try await createAdminKey(name: name, at: Date())
    }

    public func revokeAdminKey(id: String) async throws(StorageError) {
        try await revokeAdminKey(id: id, at: Date())
    }
}
