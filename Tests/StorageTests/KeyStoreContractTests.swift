import Foundation
import Logging
import MagpieTestSupport
import Storage
import StorageBackends
import StorageSQLite
import Testing

/// What every store promises, checked on each: SQLite in a temporary file, memory, a real
/// PostgreSQL server (a fresh database per test) and DynamoDB in moto's server (a fresh table
/// per test).
@Suite struct KeyStoreContractTests {
    enum Kind: String, CaseIterable, Sendable {
        case sqlite, memory, postgres, dynamodb
    }

    /// A store of `kind`, and what must outlive the test with it.
    static func open(_ kind: Kind) async throws -> (store: any SharedStore, directory: URL?) {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("magpie-contract-\(UUID().uuidString)")
            return (try SQLiteStore(path: directory.appendingPathComponent("magpie.sqlite").path), directory)
        case .memory:
            return (MemoryStore(), nil)
        case .postgres:
            return (
                try await StoreLocation(parsing: try await PostgresFixture.database()).open(logger: Logger(label: "test")), nil
            )
        case .dynamodb:
            let location = try StoreLocation(parsing: DynamoDBFixture.location())
            return (
                try await location.open(logger: Logger(label: "test"), environment: try await DynamoDBFixture.environment()), nil
            )
        }
    }

    static func withStore(_ kind: Kind, _ body: (any SharedStore) async throws -> Void) async throws {
        let (store, directory) = try await open(kind)
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    static func plan(_ name: String = "basic", quota: String? = "10000/month") throws -> UsagePlan {
        try UsagePlan(name: name, quota: quota.map { try Quota(parsing: $0) }, rate: 1000, burst: 1000)
    }

    @Test(arguments: Kind.allCases) func plansAndKeysRoundTrip(_ kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            await #expect(throws: StorageError.unknownPlan("gold", known: [])) {
                try await store.createKey(name: "k", plan: "gold")
            }
            try await store.createPlan(try Self.plan())
            try await store.createPlan(try Self.plan("free", quota: nil))
            await #expect(throws: StorageError.planExists("basic")) { try await store.createPlan(try Self.plan()) }
            #expect(try await store.plans() == [try Self.plan("basic"), try Self.plan("free", quota: nil)])
            try await store.savePlan(try Self.plan("basic", quota: "5/day"))
            #expect(try await store.plans().first == (try Self.plan("basic", quota: "5/day")))

            let created = Date(timeIntervalSince1970: 1_795_000_000)
            let (key, secret) = try await store.createKey(name: "client", plan: "basic", at: created)
            let credential = try #require(try await store.authenticate(secret: secret))
            #expect(credential.key.id == key.id && credential.key.name == "client" && credential.key.createdAt == created)
            #expect(credential.plan == (try Self.plan("basic", quota: "5/day")))
            #expect(try await store.authenticate(secret: secret + "x") == nil)
            #expect(try await store.keys().map(\.id) == [key.id])

            try await store.revokeKey(id: key.id, at: created.addingTimeInterval(5))
            try await store.revokeKey(id: key.id, at: created.addingTimeInterval(9))
            #expect(try await store.keys().first?.revokedAt == created.addingTimeInterval(5))
            #expect(try await store.authenticate(secret: secret) == nil)
            // In the period of the revocation: DynamoDB marks that period's counter, and in later
            // periods `authenticate` refuses the key.
            #expect(
                try await store.consume(keyID: key.id, quota: credential.plan.quota, at: created.addingTimeInterval(10))
                    == .revoked)
            await #expect(throws: StorageError.unknownKey("key_000000000000")) {
                try await store.revokeKey(id: "key_000000000000")
            }
        }
    }

    /// 200 concurrent requests against a quota of 50: exactly 50 counted, the rest refused,
    /// and a new period starts from zero.
    @Test(arguments: Kind.allCases) func quotaIsExactUnderConcurrency(_ kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            try await store.createPlan(try Self.plan(quota: "50/day"))
            let (key, _) = try await store.createKey(name: "k", plan: "basic")
            let quota = try Quota(parsing: "50/day")
            let day = Date(timeIntervalSince1970: 1_795_000_000)
            let decisions = try await withThrowingTaskGroup(of: QuotaDecision.self) { group in
                for _ in 0..<200 { group.addTask { try await store.consume(keyID: key.id, quota: quota, at: day) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let counted = decisions.compactMap { if case .counted(let state) = $0 { state?.used } else { nil } }
            #expect(counted.sorted() == Array(1...50))
            #expect(decisions.filter { if case .exceeded = $0 { true } else { false } }.count == 150)
            #expect(try await store.usage(keyID: key.id, quota: quota, at: day) == 50)
            let nextDay = day.addingTimeInterval(86_400)
            #expect(
                try await store.consume(keyID: key.id, quota: quota, at: nextDay)
                    == .counted(
                        quota: QuotaState(
                            limit: 50, used: 1, resetsAt: quota.window(containing: nextDay).end)))
        }
    }

    /// Admin keys and API keys never stand for each other: each secret authenticates only
    /// in its own kind, and revoking one kind leaves the other alone.
    @Test(arguments: Kind.allCases) func adminKeysAreApartFromAPIKeys(_ kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            try await store.createPlan(try Self.plan())
            let (apiKey, apiSecret) = try await store.createKey(name: "client", plan: "basic")
            let created = Date(timeIntervalSince1970: 1_795_000_000)
            let (admin, adminSecret) = try await store.createAdminKey(name: "ops", at: created)
            #expect(AdminKey.isAdminIdentifier(admin.id) && !AdminKey.isAdminIdentifier(apiKey.id))
            #expect(adminSecret != apiSecret && !adminSecret.hasPrefix("mgp_"))
            #expect(try await store.authenticateAdmin(secret: adminSecret) == admin)
            #expect(try await store.authenticateAdmin(secret: apiSecret) == nil)
            #expect(try await store.authenticate(secret: adminSecret) == nil)
            #expect(try await store.adminKeys() == [admin])
            #expect(try await store.keys().map(\.id) == [apiKey.id])

            try await store.revokeAdminKey(id: admin.id, at: created.addingTimeInterval(5))
            try await store.revokeAdminKey(id: admin.id, at: created.addingTimeInterval(9))
            #expect(try await store.adminKeys().first?.revokedAt == created.addingTimeInterval(5))
            #expect(try await store.authenticateAdmin(secret: adminSecret) == nil)
            #expect(try await store.authenticate(secret: apiSecret) != nil)
            await #expect(throws: StorageError.unknownKey(apiKey.id)) { try await store.revokeAdminKey(id: apiKey.id) }
        }
    }

    @Test(arguments: Kind.allCases) func aKeyWithoutQuotaIsOnlyCheckedForRevocation(_ kind: Kind) async throws {
        try await Self.withStore(kind) { store in
            try await store.createPlan(try Self.plan("free", quota: nil))
            let (key, _) = try await store.createKey(name: "k", plan: "free")
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            #expect(try await store.consume(keyID: key.id, quota: nil, at: now) == .counted(quota: nil))
            #expect(try await store.keys().first?.lastUsedAt == now)
            #expect(try await store.consume(keyID: "key_000000000000", quota: nil, at: now) == .revoked)
        }
    }
}

@Suite struct StoreLocationTests {
    @Test func locationsAreParsedAndBadOnesRefusedWithTheirReason() throws {
        #expect(try StoreLocation(parsing: "magpie.sqlite") == .sqlite(path: "magpie.sqlite"))
        #expect(try StoreLocation(parsing: "/var/lib/magpie/keys.db") == .sqlite(path: "/var/lib/magpie/keys.db"))
        #expect(try StoreLocation(parsing: "memory://") == .memory)
        #expect(
            try StoreLocation(parsing: "dynamodb://magpie-keys")
                == .dynamoDB(table: "magpie-keys", timeout: .seconds(3), startTimeout: .seconds(15)))
        #expect(
            try StoreLocation(parsing: "dynamodb://magpie-keys?timeout=20")
                == .dynamoDB(table: "magpie-keys", timeout: .seconds(20), startTimeout: .seconds(15)))
        #expect(
            try StoreLocation(parsing: "dynamodb://magpie-keys?start_timeout=40&timeout=5")
                == .dynamoDB(table: "magpie-keys", timeout: .seconds(5), startTimeout: .seconds(40)))
        let url = "postgres://magpie:secret@db.internal:5433/keys?sslmode=require"
        #expect(try StoreLocation(parsing: url) == .postgres(url: url))
        for (text, reason) in [
            ("mysql://u@h/db", "unknown scheme 'mysql'"), ("postgres://", "needs a host"),
            ("postgres://db.internal/keys", "needs a user"),
            ("postgres://u@h/db?sslmode=verify-full", "sslmode must be"),
            ("postgres://u@h/db?connect_timeout=0", "connect_timeout"),
            ("postgres://u@h/db?start_timeout=x", "start_timeout must be whole seconds"),
            ("dynamodb://keys?start_timeout=601", "start_timeout=SECONDS"),
            ("postgres://u@h/db?application_name=x", "unknown parameter"), ("dynamodb://a", "table name"),
            ("dynamodb://keys?timeout=0", "timeout=SECONDS"),
            ("dynamodb://keys?region=x", "DynamoDB's parameters are timeout=SECONDS and start_timeout=SECONDS"),
            ("sqlite://x.db", "plain path"), ("", "is empty"), ("memory://x", "takes nothing"),
        ] {
            do {
                _ = try StoreLocation(parsing: text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains(reason), "\(text): \(error.description)")
            }
        }
    }

    @Test func passwordsStayOutOfMessages() {
        do {
            _ = try StoreLocation(parsing: "postgres://magpie:hunter2@h/db?sslmode=bogus")
        } catch {
            #expect(!error.description.contains("hunter2") && error.description.contains("***"), "\(error.description)")
        }
    }
}
