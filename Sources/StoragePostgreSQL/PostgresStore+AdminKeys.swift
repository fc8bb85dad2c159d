import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func createAdminKey(name: String, at now: Date) async throws(StorageError) -> (key: AdminKey, secret: String) {
        let (key, secret, hash) = AdminKey.generate(name: name, at: now)
        let created = now.databaseSeconds
        let (client, logger) = (client, logger)
        try await operation {
            try await client.query(
                "INSERT INTO admin_keys (id, name, secret_sha256, created_at) VALUES (\(key.id), \(name), \(hash), \(created))",
                logger: logger)
        }
        return (key, secret)
    }

    public func authenticateAdmin(secret: String) async throws(StorageError) -> AdminKey? {
        let hash = APIKeySecret.hash(secret)
        let (client, logger) = (client, logger)
        return try await operation {
            let rows = try await client.query(
                "SELECT id, name, created_at FROM admin_keys WHERE secret_sha256 = \(hash) AND revoked_at IS NULL",
                logger: logger)
            for try await (id, name, created) in rows.decode((String, String, Double).self) {
                return AdminKey(id: id, name: name, createdAt: Date(databaseSeconds: created))
            }
            return nil
        }
    }

    public func adminKeys() async throws(StorageError) -> [AdminKey] {
        let (client, logger) = (client, logger)
        return try await operation {
            var keys: [AdminKey] = []
            let rows = try await client.query(
                "SELECT id, name, created_at, revoked_at FROM admin_keys ORDER BY created_at, id", logger: logger)
            for try await (id, name, created, revoked) in rows.decode((String, String, Double, Double?).self) {
                keys.append(
                    AdminKey(
                        id: id, name: name, createdAt: Date(databaseSeconds: created),
                        revokedAt: revoked.map(Date.init(databaseSeconds:))))
            }
            return keys
        }
    }

    public func revokeAdminKey(id: String, at now: Date) async throws(StorageError) {
        let seconds = now.databaseSeconds
        let (client, logger) = (client, logger)
        let found = try await operation {
            let rows = try await client.query(
                "UPDATE admin_keys SET revoked_at = coalesce(revoked_at, \(seconds)) WHERE id = \(id) RETURNING id",
                logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        if !found { throw .unknownKey(id) }
    }
}
