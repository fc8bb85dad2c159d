import Foundation
import GRDB
import Storage

extension SQLiteStore {
    public func createAdminKey(name: String, at now: Date) async throws(StorageError) -> (key: AdminKey, secret: String) {
        let (key, secret, hash) = AdminKey.generate(name: name, at: now)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO admin_keys (id, name, secret_sha256, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key.id, key.name, hash, now.databaseSeconds])
        }
        return (key, secret)
    }

    public func authenticateAdmin(secret: String) async throws(StorageError) -> AdminKey? {
        let hash = APIKeySecret.hash(secret)
        return try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM admin_keys WHERE secret_sha256 = ? AND revoked_at IS NULL", arguments: [hash]
            ).map(Self.adminKey(from:))
        }
    }

    public func adminKeys() async throws(StorageError) -> [AdminKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM admin_keys ORDER BY created_at, id").map(Self.adminKey(from:))
        }
    }

    public func revokeAdminKey(id: String, at now: Date) async throws(StorageError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE admin_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                arguments: [now.databaseSeconds, id])
            if db.changesCount == 0 { throw StorageError.unknownKey(id) }
        }
    }

    static func adminKey(from row: Row) -> AdminKey {
        let revoked: Double? = row["revoked_at"]
        return AdminKey(
            id: row["id"], name: row["name"], createdAt: Date(databaseSeconds: row["created_at"]),
            revokedAt: revoked.map(Date.init(databaseSeconds:)))
    }
}
