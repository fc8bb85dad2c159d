import Foundation
import GRDB
import GRDBSQLite
import Storage

/// One batch of quota decisions in one SQLite write transaction, for `GroupCommitQueue`. Each
/// request is still its own conditional `UPSERT`, in arrival order, so counts stay exact. The
/// leader blocks its thread for one short WAL commit (no fsync with `synchronous = NORMAL`), or
/// up to the busy timeout if another process holds the write lock: cheaper than a thread hop
/// for a commit this short.
enum SQLiteQuotaCount {
    /// Synchronous on purpose (see the type's comment); a function of its own so that GRDB's
    /// synchronous `write` is chosen in the queue's asynchronous context.
    static func write(_ requests: [ConsumeRequest], to pool: DatabasePool) throws -> [QuotaDecision] {
        try pool.write { db in try requests.map { try consume($0, in: db) } }
    }

    static func consume(_ request: ConsumeRequest, in db: Database) throws -> QuotaDecision {
        // Cached statements: compiling these on every request cost more than running them.
        // The key's row is read, not updated, to learn it is still active: a revocation since
        // the request was authenticated refuses it here.
        let now = request.now.databaseSeconds
        let keyID = BoundValue.text(request.keyID)
        guard
            let lastUsed = try db.cachedStatement(sql: "SELECT last_used_at FROM keys WHERE id = ? AND revoked_at IS NULL")
                .firstRow(
                    binding: [keyID], in: db, { sqlite3_column_type($0, 0) == SQLITE_NULL ? nil : sqlite3_column_double($0, 0) })
        else { return .revoked }
        if lastUsed.map({ now - $0 >= ConsumeRequest.lastUsedResolution || now < $0 }) ?? true {
            try db.cachedStatement(sql: "UPDATE keys SET last_used_at = ? WHERE id = ?").execute(arguments: [now, request.keyID])
        }
        guard let quota = request.quota else { return .counted(quota: nil) }
        let window = quota.window(containing: request.now)
        let counted = try db.cachedStatement(
            sql: """
                INSERT INTO usage (key_id, period_start, count) VALUES (?, ?, 1)
                ON CONFLICT (key_id, period_start) DO UPDATE SET count = count + 1 WHERE count < ?
                RETURNING count
                """
        ).firstRow(binding: [keyID, .real(window.start.databaseSeconds), .integer(quota.limit)], in: db) {
            Int(sqlite3_column_int64($0, 0))
        }
        guard let counted else {
            return .exceeded(quota: QuotaState(limit: quota.limit, used: quota.limit, resetsAt: window.end))
        }
        return .counted(quota: QuotaState(limit: quota.limit, used: counted, resetsAt: window.end))
    }
}
