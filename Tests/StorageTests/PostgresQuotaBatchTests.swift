import Foundation
import Logging
import MagpieTestSupport
import Storage
import StoragePostgreSQL
import Testing

/// One batch holding every case at once, on a real PostgreSQL: a group admitted whole, a group
/// over its limit decided one by one, a revoked key, a key without quota.
@Suite struct PostgresQuotaBatchTests {
    @Test func aMixedBatchIsDecidedAsOneRequestAtATimeWouldBe() async throws {
        let store = try await PostgresStore.connect(url: try await PostgresFixture.database(), logger: Logger(label: "test"))
        defer { Task { await store.close() } }
        try await store.createPlan(try UsagePlan(name: "three", quota: try Quota(parsing: "3/day"), rate: 100, burst: 100))
        try await store.createPlan(try UsagePlan(name: "many", quota: try Quota(parsing: "100/day"), rate: 100, burst: 100))
        try await store.createPlan(try UsagePlan(name: "free", quota: nil, rate: 100, burst: 100))
        let (three, _) = try await store.createKey(name: "three", plan: "three")
        let (many, _) = try await store.createKey(name: "many", plan: "many")
        let (free, _) = try await store.createKey(name: "free", plan: "free")
        let (revoked, _) = try await store.createKey(name: "revoked", plan: "many")
        try await store.revokeKey(id: revoked.id)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let (small, large) = (try Quota(parsing: "3/day"), try Quota(parsing: "100/day"))
        let end = small.window(containing: now).end
        var requests = (0..<5).map { _ in ConsumeRequest(keyID: three.id, quota: small, now: now) }
        requests.insert(ConsumeRequest(keyID: many.id, quota: large, now: now), at: 1)
        requests.insert(ConsumeRequest(keyID: revoked.id, quota: large, now: now), at: 3)
        requests.append(ConsumeRequest(keyID: free.id, quota: nil, now: now))
        requests.append(ConsumeRequest(keyID: many.id, quota: large, now: now))

        let decisions = try await PostgresQuotaBatch.decide(requests, in: store)
        func counted(_ limit: Int, _ used: Int) -> QuotaDecision {
            .counted(quota: QuotaState(limit: limit, used: used, resetsAt: end))
        }
        let exceeded = QuotaDecision.exceeded(quota: QuotaState(limit: 3, used: 3, resetsAt: end))
        #expect(
            decisions == [
                counted(3, 1), counted(100, 1), counted(3, 2), .revoked, counted(3, 3), exceeded, exceeded,
                .counted(quota: nil), counted(100, 2),
            ])
        #expect(try await store.usage(keyID: three.id, quota: small, at: now) == 3)
        #expect(try await store.usage(keyID: many.id, quota: large, at: now) == 2)
        #expect(try await store.usage(keyID: revoked.id, quota: large, at: now) == 0)
        #expect(try await store.keys().first { $0.id == free.id }?.lastUsedAt == now)

        // The next batch finds the group of three exhausted at once.
        let again = try await PostgresQuotaBatch.decide(
            [ConsumeRequest(keyID: three.id, quota: small, now: now), ConsumeRequest(keyID: three.id, quota: small, now: now)],
            in: store)
        #expect(again == [exceeded, exceeded])
    }
}
