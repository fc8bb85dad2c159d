import Foundation
import Synchronization

/// Keys, plans and counters in this process's memory, gone when it exits: for tests that run
/// the gateway in-process, and for trying Magpie out without a file. Exact within the process,
/// like every store, and shared with nothing else.
public final class MemoryStore: KeyStore, ReleaseStore {
    private struct State {
        var plans: [String: UsagePlan] = [:]
        var keys: [String: APIKey] = [:]
        var keyIDsBySecretHash: [String: String] = [:]
        var usage: [UsageRow: Int] = [:]
        var releases: [String: ModelRelease] = [:]
        var adminKeys: [String: AdminKey] = [:]
        var adminKeyIDsBySecretHash: [String: String] = [:]
    }

    private struct UsageRow: Hashable {
        var keyID: String
        var periodStart: Date
    }

    private let state = Mutex(State())

    public init() {}

    public var location: String { "memory" }

    public func close() async {}

    public func authenticate(secret: String) async throws(StorageError) -> Credential? {
        let hash = APIKeySecret.hash(secret)
        return state.withLock { state in
            guard let id = state.keyIDsBySecretHash[hash], let key = state.keys[id], !key.isRevoked,
                let plan = state.plans[key.plan]
            else { return nil }
            return Credential(key: key, plan: plan)
        }
    }

    public func consume(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision {
        state.withLock { state in
            guard let key = state.keys[keyID], !key.isRevoked else { return .revoked }
            state.keys[keyID]?.lastUsedAt = now
            guard let quota else { return .counted(quota: nil) }
            let window = quota.window(containing: now)
            let row = UsageRow(keyID: keyID, periodStart: window.start)
            let used = state.usage[row, default: 0]
            guard used < quota.limit else {
                return .exceeded(quota: QuotaState(limit: quota.limit, used: quota.limit, resetsAt: window.end))
            }
            state.usage[row] = used + 1
            return .counted(quota: QuotaState(limit: quota.limit, used: used + 1, resetsAt: window.end))
        }
    }

    public func usage(keyID: String, quota: Quota, at date: Date) async throws(StorageError) -> Int {
        let start = quota.window(containing: date).start
        return state.withLock { $0.usage[UsageRow(keyID: keyID, periodStart: start)] ?? 0 }
    }

    public func createKey(name: String, plan: String, at now: Date) async throws(StorageError) -> (key: APIKey, secret: String) {
        let secret = APIKeySecret.generate()
        let key = APIKey(id: APIKeySecret.generateIdentifier(), name: name, plan: plan, createdAt: now)
        let known: [String]? = state.withLock { state in
            guard state.plans[plan] != nil else { return state.plans.keys.sorted() }
            state.keys[key.id] = key
            state.keyIDsBySecretHash[APIKeySecret.hash(secret)] = key.id
            return nil
        }
        if let known { throw .unknownPlan(plan, known: known) }
        return (key, secret)
    }

    public func keys() async throws(StorageError) -> [APIKey] {
        state.withLock { $0.keys.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    }

    public func revokeKey(id: String, at now: Date) async throws(StorageError) {
        let found = state.withLock { state in
            guard state.keys[id] != nil else { return false }
            if state.keys[id]?.revokedAt == nil { state.keys[id]?.revokedAt = now }
            return true
        }
        if !found { throw .unknownKey(id) }
    }

    public func createPlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        let exists = state.withLock { state in
            if state.plans[plan.name] != nil { return true }
            state.plans[plan.name] = plan
            return false
        }
        if exists { throw .planExists(plan.name) }
    }

    public func savePlan(_ plan: UsagePlan, at now: Date) async throws(StorageError) {
        state.withLock { $0.plans[plan.name] = plan }
    }

    public func plans() async throws(StorageError) -> [UsagePlan] {
        state.withLock { $0.plans.values.sorted { $0.name < $1.name } }
    }

    public func release(of model: String) async throws(StorageError) -> ModelRelease? {
        state.withLock { $0.releases[model] }
    }

    public func releases() async throws(StorageError) -> [ModelRelease] {
        state.withLock { $0.releases.values.sorted { $0.model < $1.model } }
    }

    public func saveRelease(_ release: ModelRelease) async throws(StorageError) -> ModelRelease? {
        state.withLock { state in
            guard (state.releases[release.model]?.revision ?? 0) == release.revision else { return nil }
            var next = release
            next.revision += 1
            state.releases[release.model] = next
            return next
        }
    }

    public func createAdminKey(name: String, at now: Date) async throws(StorageError) -> (key: AdminKey, secret: String) {
        let (key, secret, hash) = AdminKey.generate(name: name, at: now)
        state.withLock { state in
            state.adminKeys[key.id] = key
            state.adminKeyIDsBySecretHash[hash] = key.id
        }
        return (key, secret)
    }

    public func authenticateAdmin(secret: String) async throws(StorageError) -> AdminKey? {
        let hash = APIKeySecret.hash(secret)
        return state.withLock { state in
            guard let id = state.adminKeyIDsBySecretHash[hash], let key = state.adminKeys[id], !key.isRevoked else { return nil }
            return key
        }
    }

    public func adminKeys() async throws(StorageError) -> [AdminKey] {
        state.withLock { $0.adminKeys.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    }

    public func revokeAdminKey(id: String, at now: Date) async throws(StorageError) {
        let found = state.withLock { state in
            guard state.adminKeys[id] != nil else { return false }
            if state.adminKeys[id]?.revokedAt == nil { state.adminKeys[id]?.revokedAt = now }
            return true
        }
        if !found { throw .unknownKey(id) }
    }
}
