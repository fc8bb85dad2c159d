import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func createPlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        let (client, logger) = (client, logger)
        let (limit, period, created) = (plan.quota?.limit, plan.quota?.period.rawValue, now.databaseSeconds)
        let inserted = try await operation {
            let rows = try await client.query(
                """
                INSERT INTO plans (name, quota_limit, quota_period, rate, burst, created_at)
                VALUES (\(plan.name), \(limit), \(period), \(plan.rate), \(plan.burst), \(created))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        }
        if !inserted { throw .planExists(plan.name) }
    }

    public func savePlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        let (client, logger) = (client, logger)
        let (limit, period, created) = (plan.quota?.limit, plan.quota?.period.rawValue, now.databaseSeconds)
        _ = try await operation {
            try await client.query(
                """
                INSERT INTO plans (name, quota_limit, quota_period, rate, burst, created_at)
                VALUES (\(plan.name), \(limit), \(period), \(plan.rate), \(plan.burst), \(created))
                ON CONFLICT (name) DO UPDATE SET quota_limit = excluded.quota_limit, quota_period = excluded.quota_period,
                    rate = excluded.rate, burst = excluded.burst
                """, logger: logger)
            return true
        }
    }

    public func plans() async throws(StorageError) -> [UsagePlan] {
        let (client, logger) = (client, logger)
        return try await operation {
            var plans: [UsagePlan] = []
            let rows = try await client.query(
                "SELECT name, quota_limit, quota_period, rate, burst FROM plans ORDER BY name", logger: logger)
            for try await (name, limit, period, rate, burst) in rows.decode((String, Int?, String?, Double, Int).self) {
                plans.append(try Self.plan(name: name, limit: limit, period: period, rate: rate, burst: burst))
            }
            return plans
        }
    }
}
