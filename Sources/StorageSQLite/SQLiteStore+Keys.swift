import Foundation
import GRDB
import Storage

extension SQLiteStore {
    /// Creates a key on `plan` and returns it with its secret, which is not stored and cannot
    /// be shown again.
    public func createKey(name: String, plan: String, at now: Date) async throws(StorageError) -> (
        key: APIKey, secret: String
    ) {
        let secret = APIKeySecret.generate()
        let key = APIKey(id: APIKeySecret.generateIdentifier(), name: name, plan: plan, createdAt: now)
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM plans WHERE name = ?", arguments: [plan]) == true else {
                throw StorageError.unknownPlan(plan, known: try String.fetchAll(db, sql: "SELECT name FROM plans ORDER BY name"))
            }
            try db.execute(
                sql: "INSERT INTO keys (id, name, plan, secret_sha256, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.name, key.plan, APIKeySecret.hash(secret), now.databaseSeconds])
        }
        return (key, secret)
    }

    /// Every key, revoked ones included, oldest first.
    public func keys() async throws(StorageError) -> [APIKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM keys ORDER BY created_at, id").map(Self.key(from:))
        }
    }

    /// Revokes the key with `id`; later requests with it are refused. Revoking twice is not
    /// an error, and keeps the first revocation time.
    public func revokeKey(id: String, at now: Date) async throws(StorageError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [now.databaseSeconds, id])
            if db.changesCount == 0 { throw StorageError.unknownKey(id) }
        }
    }

    static func key(from row: Row) -> APIKey {
        let lastUsed: Double? = row["last_used_at"]
        let revoked: Double? = row["revoked_at"]
        return APIKey(
            id: row["id"], name: row["name"], plan: row["plan"], createdAt: Date(databaseSeconds: row["created_at"]),
            lastUsedAt: lastUsed.map(Date.init(databaseSeconds:)), revokedAt: revoked.map(Date.init(databaseSeconds:)))
    }
}
