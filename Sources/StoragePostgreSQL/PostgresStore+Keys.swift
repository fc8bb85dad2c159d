import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func createKey(name: String, plan: String, at now: Date) async throws(StorageError) -> (key: APIKey, secret: String) {
        let secret = APIKeySecret.generate()
        let key = APIKey(id: APIKeySecret.generateIdentifier(), name: name, plan: plan, createdAt: now)
        let (hash, created) = (APIKeySecret.hash(secret), now.databaseSeconds)
        let (client, logger) = (client, logger)
        let inserted = try await operation {
            let rows = try await client.query(
                """
                INSERT INTO keys (id, name, plan, secret_sha256, created_at)
                SELECT \(key.id), \(name), name, \(hash), \(created) FROM plans WHERE name = \(plan)
                RETURNING id
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        guard inserted else { throw .unknownPlan(plan, known: try await plans().map(\.name)) }
        return (key, secret)
    }

    public func keys() async throws(StorageError) -> [APIKey] {
        let (client, logger) = (client, logger)
        return try await operation {
            var keys: [APIKey] = []
            let rows = try await client.query(
                "SELECT id, name, plan, created_at, last_used_at, revoked_at FROM keys ORDER BY created_at, id", logger: logger)
            for try await (id, name, plan, created, lastUsed, revoked) in rows.decode(
                (String, String, String, Double, Double?, Double?).self)
            {
                keys.append(
                    APIKey(
                        id: id, name: name, plan: plan, createdAt: Date(databaseSeconds: created),
                        lastUsedAt: lastUsed.map(Date.init(databaseSeconds:)), revokedAt: revoked.map(Date.init(databaseSeconds:))
                    ))
            }
            return keys
        }
    }

    public func revokeKey(id: String, at now: Date) async throws(StorageError) {
        let seconds = now.databaseSeconds
        let (client, logger) = (client, logger)
        let found = try await operation {
            let rows = try await client.query(
                "UPDATE keys SET revoked_at = coalesce(revoked_at, \(seconds)) WHERE id = \(id) RETURNING id", logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        if !found { throw .unknownKey(id) }
    }
}
