import Foundation
import GRDB

/// A key's standing in its current quota period.
public struct QuotaState: Sendable, Equatable {
    public var limit: Int
    /// Requests counted in this period, the one being decided included when admitted.
    public var used: Int
    public var resetsAt: Date

    public var remaining: Int { max(0, limit - used) }
}

/// What the store decided about a request carrying an API key.
public enum Admission: Sendable, Equatable {
    /// The key is valid and the request was counted; `quota` is nil when the plan has none.
    case admitted(key: APIKey, plan: UsagePlan, quota: QuotaState?)
    /// The key is valid but its quota for this period is used up; nothing was counted.
    case quotaExceeded(key: APIKey, plan: UsagePlan, quota: QuotaState)
    /// No such key, or it was revoked.
    case forbidden
}

extension Store {
    /// Authenticates `secret` and counts one request against its plan's quota, in one write
    /// transaction: of any number of concurrent callers, at most `limit` are admitted per
    /// period, and an admission is on disk before this returns.
    public func admit(secret: String, at now: Date = Date()) async throws(StorageError) -> Admission {
        let hash = APIKeySecret.hash(secret)
        return try await write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT keys.*, plans.name AS plan_name, plans.quota_limit, plans.quota_period, plans.rate, plans.burst
                        FROM keys JOIN plans ON plans.name = keys.plan
                        WHERE keys.secret_sha256 = ? AND keys.revoked_at IS NULL
                        """, arguments: [hash])
            else { return .forbidden }
            var key = Self.key(from: row)
            let plan = try Self.plan(from: row, nameColumn: "plan_name")
            key.lastUsedAt = now
            try db.execute(sql: "UPDATE keys SET last_used_at = ? WHERE id = ?", arguments: [now.databaseSeconds, key.id])
            guard let quota = plan.quota else { return .admitted(key: key, plan: plan, quota: nil) }
            let window = quota.window(containing: now)
            let counted = try Int.fetchOne(
                db,
                sql: """
                    INSERT INTO usage (key_id, period_start, count) VALUES (?, ?, 1)
                    ON CONFLICT (key_id, period_start) DO UPDATE SET count = count + 1 WHERE count < ?
                    RETURNING count
                    """, arguments: [key.id, window.start.databaseSeconds, quota.limit])
            if let counted {
                return .admitted(key: key, plan: plan, quota: QuotaState(limit: quota.limit, used: counted, resetsAt: window.end))
            }
            return .quotaExceeded(
                key: key, plan: plan, quota: QuotaState(limit: quota.limit, used: quota.limit, resetsAt: window.end))
        }
    }

    /// Requests counted for `keyID` in the quota period containing `date`, for listings.
    public func usage(keyID: String, quota: Quota, at date: Date = Date()) async throws(StorageError) -> Int {
        let start = quota.window(containing: date).start.databaseSeconds
        return try await read { db in
            try Int.fetchOne(db, sql: "SELECT count FROM usage WHERE key_id = ? AND period_start = ?", arguments: [keyID, start])
                ?? 0
        }
    }
}
