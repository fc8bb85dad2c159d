import Foundation
import GRDB
import Storage

extension SQLiteStore {
    /// Adds a plan; names are unique.
    public func createPlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM plans WHERE name = ?", arguments: [plan.name]) == true {
                throw StorageError.planExists(plan.name)
            }
            try db.execute(
                sql: "INSERT INTO plans (name, quota_limit, quota_period, rate, burst, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    plan.name, plan.quota?.limit, plan.quota?.period.rawValue, plan.rate, plan.burst, now.databaseSeconds,
                ])
        }
    }

    /// Creates the plan or updates the one with its name to match: how a config file declares
    /// plans. Keys on the plan keep their usage counts.
    public func savePlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO plans (name, quota_limit, quota_period, rate, burst, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET quota_limit = excluded.quota_limit, quota_period = excluded.quota_period,
                        rate = excluded.rate, burst = excluded.burst
                    """,
                arguments: [
                    plan.name, plan.quota?.limit, plan.quota?.period.rawValue, plan.rate, plan.burst, now.databaseSeconds,
                ])
        }
    }

    public func plans() async throws(StorageError) -> [UsagePlan] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM plans ORDER BY name").map { try Self.plan(from: $0) }
        }
    }

    /// The plan in `row`'s plan columns; `nameColumn` names the plan's name where a join
    /// makes `name` ambiguous.
    static func plan(from row: Row, nameColumn: String = "name") throws -> UsagePlan {
        var quota: Quota?
        if let limit: Int = row["quota_limit"], let periodName: String = row["quota_period"],
            let period = Quota.Period(rawValue: periodName)
        {
            quota = try Quota(limit: limit, period: period)
        }
        return try UsagePlan(name: row[nameColumn], quota: quota, rate: row["rate"], burst: row["burst"])
    }
}
