import Foundation
import GRDB
import Storage

extension SQLiteStore {
    /// The active key whose secret is `secret`, with its plan; nil for an unknown or revoked
    /// key. A read on the calling thread (see `readOnThisThread`), concurrent with other
    /// requests and with quota writes.
    public func authenticate(secret: String) async throws(StorageError) -> Credential? {
        let hash = APIKeySecret.hash(secret)
        return try readOnThisThread { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT keys.*, plans.name AS plan_name, plans.quota_limit, plans.quota_period, plans.rate, plans.burst
                            FROM keys JOIN plans ON plans.name = keys.plan
                            WHERE keys.secret_sha256 = ? AND keys.revoked_at IS NULL
                            """), arguments: [hash])
            else { return nil }
            return Credential(key: Self.key(from: row), plan: try Self.plan(from: row, nameColumn: "plan_name"))
        }
    }

    /// Counts one request of `keyID` against `quota`: of any number of concurrent callers, in
    /// this process or another, at most `quota.limit` are counted per period, and a counted
    /// request is on disk before this returns. Concurrent calls share a transaction
    /// (`GroupCommitQueue`, `SQLiteQuotaCount`).
    public func consume(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision {
        do {
            let pool = pool
            return try await commitQueue.submit(ConsumeRequest(keyID: keyID, quota: quota, now: now)) { requests in
                try SQLiteQuotaCount.write(requests, to: pool)
            }
        } catch {
            throw Self.classify(error)
        }
    }

    /// Requests counted for `keyID` in the quota period containing `date`, for listings.
    public func usage(keyID: String, quota: Quota, at date: Date) async throws(StorageError) -> Int {
        let start = quota.window(containing: date).start.databaseSeconds
        return try await read { db in
            try Int.fetchOne(db, sql: "SELECT count FROM usage WHERE key_id = ? AND period_start = ?", arguments: [keyID, start])
                ?? 0
        }
    }
}
