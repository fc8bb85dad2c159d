import Foundation
import PostgresNIO
import Storage

/// A batch of quota decisions in one statement and one round trip, for `GroupCommitQueue`.
///
/// Requests are grouped by key and period; a group of n is admitted whole, by one conditional
/// upsert (`count + n <= limit`), or not at all. PostgreSQL re-checks that condition on the
/// row's latest version under its lock, as it does for a single request, so counts stay exact
/// across replicas. A group refused whole is near its limit: its requests are then decided one
/// by one (`PostgresStore.consumeOne`), which admits exactly what is left, and once one is
/// refused the rest are too, since a period's count never falls.
package enum PostgresQuotaBatch {
    /// Requests of one key in one quota period (or, without a quota, of one key).
    struct Group {
        var keyID: String
        var quota: Quota?
        var window: (start: Date, end: Date)?
        var members: [Int] = []
    }

    package static func decide(_ requests: [ConsumeRequest], in store: PostgresStore) async throws(StorageError)
        -> [QuotaDecision]
    {
        if requests.count == 1 {
            return [try await store.consumeOne(keyID: requests[0].keyID, quota: requests[0].quota, at: requests[0].now)]
        }
        let groups = group(requests)
        let results = try await run(groups, now: requests.map(\.now).max() ?? Date(), in: store)
        var decisions = [QuotaDecision?](repeating: nil, count: requests.count)
        for (group, result) in zip(groups, results) {
            guard result.active else {
                for member in group.members { decisions[member] = .revoked }
                continue
            }
            guard let quota = group.quota, let window = group.window else {
                for member in group.members { decisions[member] = .counted(quota: nil) }
                continue
            }
            if let count = result.count {
                for (offset, member) in group.members.enumerated() {
                    let used = count - group.members.count + offset + 1
                    decisions[member] = .counted(quota: QuotaState(limit: quota.limit, used: used, resetsAt: window.end))
                }
                continue
            }
            var exhausted: QuotaDecision?
            for member in group.members {
                if let exhausted {
                    decisions[member] = exhausted
                    continue
                }
                let decision = try await store.consumeOne(keyID: group.keyID, quota: quota, at: requests[member].now)
                if case .exceeded = decision { exhausted = decision }
                if case .revoked = decision { exhausted = decision }
                decisions[member] = decision
            }
        }
        return decisions.map { $0 ?? .revoked }
    }

    /// Groups in order of first arrival; a key's requests under different limits (a plan
    /// changed mid-batch) share the smallest.
    static func group(_ requests: [ConsumeRequest]) -> [Group] {
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for (position, request) in requests.enumerated() {
            let window = request.quota?.window(containing: request.now)
            let name = "\(request.keyID)#\(window.map { "\($0.start.databaseSeconds)" } ?? "-")"
            if let existing = index[name] {
                if let quota = request.quota, quota.limit < groups[existing].quota?.limit ?? .max {
                    groups[existing].quota = quota
                }
                groups[existing].members.append(position)
            } else {
                index[name] = groups.count
                groups.append(Group(keyID: request.keyID, quota: request.quota, window: window, members: [position]))
            }
        }
        return groups
    }

    /// Per group: whether the key is active, and its new count if the group was admitted.
    private static func run(
        _ groups: [Group], now: Date, in store: PostgresStore
    ) async throws(StorageError) -> [(active: Bool, count: Int?)] {
        let keyIDs = groups.map(\.keyID)
        // Groups without a quota carry limit 0 and period 0: checked and touched, never counted.
        let starts = groups.map { $0.window?.start.databaseSeconds ?? 0 }
        let limits = groups.map { $0.quota?.limit ?? 0 }
        let wanted = groups.map(\.members.count)
        let statement = Statement(
            keyIDs: keyIDs, periodStarts: starts, limits: limits, wanted: wanted, now: now.databaseSeconds,
            lastUsedResolution: ConsumeRequest.lastUsedResolution)
        let (client, logger) = (store.client, store.logger)
        return try await store.operation {
            let rows = try await client.execute(statement, logger: logger)
            var results: [(active: Bool, count: Int?)] = []
            for try await (_, active, count) in rows { results.append((active, count)) }
            return results
        }
    }

    /// Prepared once per connection: PostgreSQL parses and plans this statement on every
    /// batch otherwise, which cost as much CPU as running it.
    struct Statement: PostgresPreparedStatement {
        static let sql = """
            WITH input AS (
                SELECT * FROM unnest($1::text[], $2::float8[], $3::int8[], $4::int8[])
                    WITH ORDINALITY AS input(key_id, period_start, quota_limit, wanted, position)
            ), active AS (
                SELECT input.* FROM input JOIN keys ON keys.id = input.key_id WHERE keys.revoked_at IS NULL
            ), touched AS (
                UPDATE keys SET last_used_at = $5::float8 WHERE id IN (SELECT key_id FROM active)
                    AND (last_used_at IS NULL OR $5::float8 - last_used_at >= $6::float8 OR $5::float8 < last_used_at)
            ), counted AS (
                INSERT INTO usage (key_id, period_start, count)
                SELECT key_id, period_start, wanted FROM active WHERE quota_limit > 0 AND wanted <= quota_limit
                ON CONFLICT (key_id, period_start) DO UPDATE SET count = usage.count + excluded.count
                    WHERE usage.count + excluded.count <= (
                        SELECT quota_limit FROM active
                        WHERE active.key_id = usage.key_id AND active.period_start = usage.period_start)
                RETURNING key_id, period_start, count
            )
            SELECT input.position, active.key_id IS NOT NULL, counted.count
            FROM input
            LEFT JOIN active ON active.position = input.position
            LEFT JOIN counted ON counted.key_id = input.key_id AND counted.period_start = input.period_start
            ORDER BY input.position
            """
        typealias Row = (Int, Bool, Int?)

        var keyIDs: [String]
        var periodStarts: [Double]
        var limits: [Int]
        var wanted: [Int]
        var now: Double
        var lastUsedResolution: Double

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 6)
            bindings.append(keyIDs)
            bindings.append(periodStarts)
            bindings.append(limits)
            bindings.append(wanted)
            bindings.append(now)
            bindings.append(lastUsedResolution)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            try row.decode(Row.self)
        }
    }
}
