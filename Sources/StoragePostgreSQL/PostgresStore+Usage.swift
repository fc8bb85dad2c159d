import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func authenticate(secret: String) async throws(StorageError) -> Credential? {
        let hash = APIKeySecret.hash(secret)
        let (client, logger) = (client, logger)
        return try await operation {
            let rows = try await client.query(
                """
                SELECT keys.id, keys.name, keys.plan, keys.created_at, keys.last_used_at, plans.quota_limit,
                    plans.quota_period, plans.rate, plans.burst
                FROM keys JOIN plans ON plans.name = keys.plan
                WHERE keys.secret_sha256 = \(hash) AND keys.revoked_at IS NULL
                """, logger: logger)
            for try await (id, name, plan, created, lastUsed, limit, period, rate, burst) in rows.decode(
                (String, String, String, Double, Double?, Int?, String?, Double, Int).self)
            {
                let key = APIKey(
                    id: id, name: name, plan: plan, createdAt: Date(databaseSeconds: created),
                    lastUsedAt: lastUsed.map(Date.init(databaseSeconds:)))
                return Credential(
                    key: key, plan: try Self.plan(name: plan, limit: limit, period: period, rate: rate, burst: burst))
            }
            return nil
        }
    }

    /// Concurrent calls share a statement (`GroupCommitQueue`, `PostgresQuotaBatch`).
    public func consume(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision {
        do {
            return try await commitQueue.submit(ConsumeRequest(keyID: keyID, quota: quota, now: now)) { requests in
                try await PostgresQuotaBatch.decide(requests, in: self)
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw .database("\(error)")
        }
    }

    /// One statement and one round trip: whether the key is still active, the conditional
    /// count, and (at most once a minute) `last_used_at`. Both writes happen only for an
    /// active key; the count only below the limit.
    func consumeOne(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision {
        let seconds = now.databaseSeconds
        let resolution = ConsumeRequest.lastUsedResolution
        let (client, logger) = (client, logger)
        guard let quota else {
            let active = try await operation {
                let rows = try await client.query(
                    """
                    WITH touched AS (
                        UPDATE keys SET last_used_at = \(seconds) WHERE id = \(keyID) AND revoked_at IS NULL
                            AND (last_used_at IS NULL OR \(seconds) - last_used_at >= \(resolution) OR \(seconds) < last_used_at)
                    )
                    SELECT count(*) FROM keys WHERE id = \(keyID) AND revoked_at IS NULL
                    """, logger: logger)
                var active = false
                for try await count in rows.decode(Int.self) { active = count > 0 }
                return active
            }
            return active ? .counted(quota: nil) : .revoked
        }
        let window = quota.window(containing: now)
        let (start, limit) = (window.start.databaseSeconds, quota.limit)
        let (active, counted) = try await operation {
            let rows = try await client.query(
                """
                WITH active AS (
                    SELECT id FROM keys WHERE id = \(keyID) AND revoked_at IS NULL
                ), touched AS (
                    UPDATE keys SET last_used_at = \(seconds) WHERE id IN (SELECT id FROM active)
                        AND (last_used_at IS NULL OR \(seconds) - last_used_at >= \(resolution) OR \(seconds) < last_used_at)
                ), counted AS (
                    INSERT INTO usage (key_id, period_start, count) SELECT id, \(start), 1 FROM active
                    ON CONFLICT (key_id, period_start) DO UPDATE SET count = usage.count + 1 WHERE usage.count < \(limit)
                    RETURNING count
                )
                SELECT (SELECT count(*) FROM active), (SELECT count FROM counted)
                """, logger: logger)
            var result: (Int, Int?) = (0, nil)
            for try await row in rows.decode((Int, Int?).self) { result = row }
            return result
        }
        guard active > 0 else { return .revoked }
        guard let counted else {
            return .exceeded(quota: QuotaState(limit: limit, used: limit, resetsAt: window.end))
        }
        return .counted(quota: QuotaState(limit: limit, used: counted, resetsAt: window.end))
    }

    public func usage(keyID: String, quota: Quota, at date: Date) async throws(StorageError) -> Int {
        let start = quota.window(containing: date).start.databaseSeconds
        let (client, logger) = (client, logger)
        return try await operation {
            let rows = try await client.query(
                "SELECT count FROM usage WHERE key_id = \(keyID) AND period_start = \(start)", logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    static func plan(name: String, limit: Int?, period: String?, rate: Double, burst: Int) throws -> UsagePlan {
        var quota: Quota?
        if let limit, let period, let parsed = Quota.Period(rawValue: period) {
            quota = try Quota(limit: limit, period: parsed)
        }
        return try UsagePlan(name: name, quota: quota, rate: rate, burst: burst)
    }
}
