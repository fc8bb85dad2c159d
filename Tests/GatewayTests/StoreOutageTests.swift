import Classifiers
import Foundation
import Gateway
import HTTPTypes
import MagpieTestSupport
import ModelRuntime
import Storage
import Synchronization
import Testing

/// What the gateway does while its key store cannot be reached: 503 `store_unavailable` with
/// `Retry-After` (fail closed), or with `failOpen` admitting keys it already knows and counting
/// them once the store answers. (`ReplicaTests` restarts a real PostgreSQL for the first case;
/// here an in-memory store is switched off, so the counts can be checked exactly.)
@Suite struct StoreOutageTests {
    /// A `MemoryStore` that answers `unavailable` while `isDown`.
    final class SwitchableStore: KeyStore {
        let inner = MemoryStore()
        let down = Atomic<Bool>(false)
        var location: String { "switchable" }
        func setDown(_ value: Bool) { down.store(value, ordering: .sequentiallyConsistent) }

        func check() throws(StorageError) {
            if down.load(ordering: .sequentiallyConsistent) { throw .unavailable("switched off") }
        }
        func authenticate(secret: String) async throws(StorageError) -> Credential? {
            try check()
            return try await inner.authenticate(secret: secret)
        }
        func consume(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision {
            try check()
            return try await inner.consume(keyID: keyID, quota: quota, at: now)
        }
        func usage(keyID: String, quota: Quota, at date: Date) async throws(StorageError) -> Int {
            try await inner.usage(keyID: keyID, quota: quota, at: date)
        }
        func createKey(name: String, plan: String, at now: Date) async throws(StorageError) -> (key: APIKey, secret: String) {
            try await inner.createKey(name: name, plan: plan, at: now)
        }
        func keys() async throws(StorageError) -> [APIKey] { try await inner.keys() }
        func revokeKey(id: String, at now: Date) async throws(StorageError) { try await inner.revokeKey(id: id, at: now) }
        func createPlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) { try await inner.createPlan(plan, at: now) }
        func savePlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) { try await inner.savePlan(plan, at: now) }
        func plans() async throws(StorageError) -> [UsagePlan] { try await inner.plans() }
        func createAdminKey(name: String, at now: Date) async throws(StorageError) -> (key: AdminKey, secret: String) {
            try await inner.createAdminKey(name: name, at: now)
        }
        func authenticateAdmin(secret: String) async throws(StorageError) -> AdminKey? {
            try check()
            return try await inner.authenticateAdmin(secret: secret)
        }
        func adminKeys() async throws(StorageError) -> [AdminKey] { try await inner.adminKeys() }
        func revokeAdminKey(id: String, at now: Date) async throws(StorageError) {
            try await inner.revokeAdminKey(id: id, at: now)
        }
        func close() async {}
    }

    static func gateway(store: SwitchableStore, failOpen: Bool) throws -> Gateway {
        let deployment = ModelDeployment(name: "hate-speech", path: ModelFixture.artifact)
        let registry = try ModelRegistry(deployments: [deployment], loader: { try ArtifactModel.load(from: $0.path) })
        let served = ServedModel(deployment: deployment, manifest: try ModelArtifact.manifest(at: ModelFixture.artifact))
        let gateway = Gateway(registry: registry, models: [served], store: store, failOpen: failOpen)
        gateway.markReady()
        return gateway
    }

    static func infer(_ gateway: Gateway, key: String) async -> GatewayResponse {
        await gateway.handle(
            GatewayRequest(
                method: .post, path: "/v1/infer/hate-speech",
                headers: [.contentType: "application/json", HTTPField.Name("x-api-key")!: key],
                body: Array(#"{"text": "hello"}"#.utf8)))
    }

    static func key(_ store: SwitchableStore) async throws -> (id: String, secret: String, quota: Quota) {
        let quota = try Quota(parsing: "100/day")
        try await store.createPlan(try UsagePlan(name: "p", quota: quota, rate: 1000, burst: 1000))
        let (key, secret) = try await store.createKey(name: "k", plan: "p")
        return (key.id, secret, quota)
    }

    @Test func failClosedAnswers503WithRetryAfterAndRecovers() async throws {
        let store = SwitchableStore()
        let gateway = try Self.gateway(store: store, failOpen: false)
        let key = try await Self.key(store)
        #expect(await Self.infer(gateway, key: key.secret).status == .ok)
        store.setDown(true)
        let refused = await Self.infer(gateway, key: key.secret)
        #expect(refused.status == .serviceUnavailable && refused.headers[.retryAfter] == "1")
        #expect(String(decoding: refused.body, as: UTF8.self).contains(#""error_type":"store_unavailable""#))
        store.setDown(false)
        #expect(await Self.infer(gateway, key: key.secret).status == .ok)
        #expect(try await store.usage(keyID: key.id, quota: key.quota) == 2)
    }

    @Test func failOpenAdmitsKnownKeysAndCountsThemLater() async throws {
        let store = SwitchableStore()
        let gateway = try Self.gateway(store: store, failOpen: true)
        let key = try await Self.key(store)
        #expect(await Self.infer(gateway, key: key.secret).status == .ok)
        store.setDown(true)
        for _ in 0..<3 { #expect(await Self.infer(gateway, key: key.secret).status == .ok) }
        #expect(await Self.infer(gateway, key: "mgp_unknown").status == .serviceUnavailable)
        #expect(try await store.usage(keyID: key.id, quota: key.quota) == 1)
        store.setDown(false)
        #expect(await Self.infer(gateway, key: key.secret).status == .ok)
        // The counts kept while the store was down are written once it answers again.
        #expect(try await eventually { try await store.usage(keyID: key.id, quota: key.quota) >= 5 })
        #expect(try await store.usage(keyID: key.id, quota: key.quota) == 5)
    }
}
