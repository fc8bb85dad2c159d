import Foundation
import Storage
import StorageSQLite
import Testing

@Suite struct StoreTests {
    static func plan(_ name: String = "basic", quota: String? = "10000/month") throws -> UsagePlan {
        try UsagePlan(name: name, quota: quota.map { try Quota(parsing: $0) }, rate: 1000, burst: 1000)
    }

    /// Authenticates and counts, as the gateway does for every keyed request.
    static func request(_ store: SQLiteStore, _ secret: String, at date: Date = Date()) async throws -> QuotaDecision? {
        guard let credential = try await store.authenticate(secret: secret) else { return nil }
        return try await store.consume(keyID: credential.key.id, quota: credential.plan.quota, at: date)
    }

    @Test func keysAreStoredOnlyAsHashes() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        try await store.createPlan(try Self.plan())
        let (key, secret) = try await store.createKey(name: "demo", plan: "basic")
        #expect(secret.hasPrefix("mgp_") && secret.count == 4 + 43)
        #expect(key.id.hasPrefix("key_"))
        let file = try Data(contentsOf: URL(fileURLWithPath: database.path))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: database.path + "-wal"))) ?? Data()
        for bytes in [file, wal] { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
        let second = try await store.createKey(name: "other", plan: "basic")
        #expect(second.secret != secret && second.key.id != key.id)
    }

    @Test func unknownPlansAndKeysAreNamed() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        await #expect(throws: StorageError.unknownPlan("gold", known: [])) { try await store.createKey(name: "k", plan: "gold") }
        try await store.createPlan(try Self.plan())
        await #expect(throws: StorageError.planExists("basic")) { try await store.createPlan(try Self.plan()) }
        await #expect(throws: StorageError.unknownPlan("gold", known: ["basic"])) {
            try await store.createKey(name: "k", plan: "gold")
        }
        await #expect(throws: StorageError.unknownKey("key_000000000000")) { try await store.revokeKey(id: "key_000000000000") }
    }

    /// `last used` is kept to the minute, so a counted request writes only its usage row.
    @Test func lastUsedIsRefreshedAtMostOnceAMinute() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        try await store.createPlan(try Self.plan())
        let (key, _) = try await store.createKey(name: "demo", plan: "basic")
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        func lastUsed() async throws -> Date? { try await store.keys().first { $0.id == key.id }?.lastUsedAt }
        _ = try await store.consume(keyID: key.id, quota: nil, at: start)
        #expect(try await lastUsed() == start)
        _ = try await store.consume(keyID: key.id, quota: nil, at: start.addingTimeInterval(59))
        #expect(try await lastUsed() == start)
        _ = try await store.consume(keyID: key.id, quota: nil, at: start.addingTimeInterval(60))
        #expect(try await lastUsed() == start.addingTimeInterval(60))
        // A clock set back is not a reason to keep a time from the future.
        _ = try await store.consume(keyID: key.id, quota: nil, at: start)
        #expect(try await lastUsed() == start)
    }

    @Test func revokedAndUnknownKeysAreRefused() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        try await store.createPlan(try Self.plan())
        let (key, secret) = try await store.createKey(name: "demo", plan: "basic")
        let credential = try #require(try await store.authenticate(secret: secret))
        let plan = try Self.plan()
        #expect(credential.key.id == key.id && credential.plan == plan)
        #expect(try await store.consume(keyID: key.id, quota: credential.plan.quota) != .revoked)
        #expect(try await store.authenticate(secret: secret + "x") == nil)
        try await store.revokeKey(id: key.id)
        #expect(try await store.authenticate(secret: secret) == nil)
        // A request authenticated just before the revocation is refused when counted.
        #expect(try await store.consume(keyID: key.id, quota: credential.plan.quota) == .revoked)
        let listed = try await store.keys()
        #expect(listed.count == 1 && listed[0].isRevoked && listed[0].lastUsedAt != nil)
    }

    /// Within the minute `last_used_at` is not rewritten, a plan without a quota still learns
    /// of a revocation from the key's row.
    @Test func aRevokedKeyOnAPlanWithoutQuotaIsRefused() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        try await store.createPlan(try Self.plan("unlimited", quota: nil))
        let (key, _) = try await store.createKey(name: "demo", plan: "unlimited")
        let start = Date()
        #expect(try await store.consume(keyID: key.id, quota: nil, at: start) == .counted(quota: nil))
        #expect(try await store.consume(keyID: key.id, quota: nil, at: start.addingTimeInterval(1)) == .counted(quota: nil))
        try await store.revokeKey(id: key.id)
        #expect(try await store.consume(keyID: key.id, quota: nil, at: start.addingTimeInterval(2)) == .revoked)
    }

    @Test func quotaCountsExactlyItsLimitUnderConcurrency() async throws {
        let database = try TemporaryDatabase()
        let limit = 50
        do {
            let store = try SQLiteStore(path: database.path)
            try await store.createPlan(try Self.plan(quota: "\(limit)/day"))
            let (_, secret) = try await store.createKey(name: "demo", plan: "basic")
            // A second connection pool on the same file stands in for a second process.
            let other = try SQLiteStore(path: database.path)
            let decisions = try await withThrowingTaskGroup(of: QuotaDecision?.self) { group in
                for request in 0..<200 {
                    group.addTask { try await Self.request(request.isMultiple(of: 2) ? store : other, secret) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let counted = decisions.compactMap { decision -> Int? in
                if case .counted(let quota) = decision { return quota?.used }
                return nil
            }
            #expect(counted.sorted() == Array(1...limit))
            #expect(decisions.filter { if case .exceeded = $0 { true } else { false } }.count == 200 - limit)
        }
        let reopened = try SQLiteStore(path: database.path)
        let key = try #require(try await reopened.keys().first)
        #expect(try await reopened.usage(keyID: key.id, quota: Quota(limit: limit, period: .day)) == limit)
    }

    @Test func countsSurviveReopeningAndResetNextPeriod() async throws {
        let database = try TemporaryDatabase()
        let day = QuotaTests.utc("2026-11-22T10:00:00Z")
        var secret = ""
        do {
            let store = try SQLiteStore(path: database.path)
            try await store.createPlan(try Self.plan(quota: "3/day"))
            secret = try await store.createKey(name: "demo", plan: "basic").secret
            for _ in 0..<2 { _ = try await Self.request(store, secret, at: day) }
        }
        let store = try SQLiteStore(path: database.path)
        let third = try await Self.request(store, secret, at: day)
        #expect(third == .counted(quota: QuotaState(limit: 3, used: 3, resetsAt: QuotaTests.utc("2026-11-23T00:00:00Z"))))
        let fourth = try await Self.request(store, secret, at: day)
        #expect(fourth == .exceeded(quota: QuotaState(limit: 3, used: 3, resetsAt: QuotaTests.utc("2026-11-23T00:00:00Z"))))
        let nextDay = try await Self.request(store, secret, at: day.addingTimeInterval(86_400))
        #expect(nextDay == .counted(quota: QuotaState(limit: 3, used: 1, resetsAt: QuotaTests.utc("2026-11-24T00:00:00Z"))))
    }

    @Test func aPlanWithoutQuotaCountsNothing() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        try await store.createPlan(try Self.plan("free", quota: nil))
        let secret = try await store.createKey(name: "demo", plan: "free").secret
        for _ in 0..<3 { #expect(try await Self.request(store, secret) == .counted(quota: nil)) }
        #expect(try await store.usage(keyID: try await store.keys()[0].id, quota: Quota(limit: 1, period: .day)) == 0)
    }
}
