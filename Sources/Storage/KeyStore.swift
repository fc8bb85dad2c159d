import Foundation

/// Where keys, plans and quota counters live, behind one interface so that one `magpie serve`
/// keeps them in a SQLite file and many replicas share them in PostgreSQL or DynamoDB (the
/// pattern of Hummingbird's `PersistDriver`). Every implementation makes the same promise for
/// `consume`: of any number of concurrent callers, in any number of processes sharing the
/// store, at most `quota.limit` are counted per period, and a counted request is durable
/// before the call returns.
public protocol KeyStore: AdminKeyStore {
    /// The active key whose secret is `secret`, with its plan; nil for an unknown or revoked key.
    func authenticate(secret: String) async throws(StorageError) -> Credential?
    /// Counts one request of `keyID` against `quota` (nil: only checks the key is active).
    func consume(keyID: String, quota: Quota?, at now: Date) async throws(StorageError) -> QuotaDecision
    /// Requests counted for `keyID` in the quota period containing `date`, for listings.
    func usage(keyID: String, quota: Quota, at date: Date) async throws(StorageError) -> Int

    /// Creates a key on `plan` and returns it with its secret, which is not stored.
    func createKey(name: String, plan: String, at now: Date) async throws(StorageError) -> (key: APIKey, secret: String)
    /// Every key, revoked ones included, oldest first.
    func keys() async throws(StorageError) -> [APIKey]
    /// Revokes the key; revoking twice keeps the first time.
    func revokeKey(id: String, at now: Date) async throws(StorageError)

    /// Adds a plan; names are unique.
    func createPlan(_ plan: UsagePlan, at now: Date) async throws(StorageError)
    /// Creates the plan or updates the one of its name to match, keeping its keys' counts.
    func savePlan(_ plan: UsagePlan, at now: Date) async throws(StorageError)
    func plans() async throws(StorageError) -> [UsagePlan]

    /// Where the store is, for messages and logs (never a password).
    var location: String { get }
    /// Closes connections; the store is unusable afterwards.
    func close() async
}

extension KeyStore {
    public func consume(keyID: String, quota: Quota?) async throws(StorageError) -> QuotaDecision {
        try await consume(keyID: keyID, quota: quota, at: Date())
    }

    public func usage(keyID: String, quota: Quota) async throws(StorageError) -> Int {
        try await usage(keyID: keyID, quota: quota, at: Date())
    }

    public func createKey(name: String, plan: String) async throws(StorageError) -> (key: APIKey, secret: String) {
        try await createKey(name: name, plan: plan, at: Date())
    }

    public func revokeKey(id: String) async throws(StorageError) {
        try await revokeKey(id: id, at: Date())
    }

    public func createPlan(_ plan: UsagePlan) async throws(StorageError) {
        try await createPlan(plan, at: Date())
    }

    public func savePlan(_ plan: UsagePlan) async throws(StorageError) {
        try await savePlan(plan, at: Date())
    }
}

/// A key's standing in its current quota period.
public struct QuotaState: Sendable, Equatable {
    public var limit: Int
    /// Requests counted in this period, the one being decided included when counted.
    public var used: Int
    public var resetsAt: Date

    public init(limit: Int, used: Int, resetsAt: Date) {
        self.limit = limit
        self.used = used
        self.resetsAt = resetsAt
    }

    public var remaining: Int { max(0, limit - used) }
}

/// An authenticated key with the plan it is on.
public struct Credential: Sendable, Equatable {
    public var key: APIKey
    public var plan: UsagePlan

    public init(key: APIKey, plan: UsagePlan) {
        self.key = key
        self.plan = plan
    }
}

/// What counting one request against a key's quota decided.
public enum QuotaDecision: Sendable, Equatable {
    /// Counted; `quota` is nil when the plan has none.
    case counted(quota: QuotaState?)
    /// The quota for this period is used up; nothing was counted.
    case exceeded(quota: QuotaState)
    /// The key was revoked since it was authenticated.
    case revoked
}
