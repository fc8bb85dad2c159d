/// What a key may do: a durable quota per period and an in-memory token bucket (`rate`
/// requests per second on average, `burst` at once), as an API Gateway usage plan.
public struct UsagePlan: Sendable, Equatable, Codable {
    public var name: String
    /// Nil for no quota: only the token bucket limits the key.
    public var quota: Quota?
    public var rate: Double
    public var burst: Int

    public init(name: String, quota: Quota?, rate: Double, burst: Int) throws(StorageError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw .invalidPlan("name '\(name)' must be letters, digits, '-', '_' or '.'")
        }
        guard rate > 0, rate.isFinite else { throw .invalidPlan("rate must be a positive number of requests per second") }
        guard burst >= 1 else { throw .invalidPlan("burst must be at least 1 request") }
        self.name = name
        self.quota = quota
        self.rate = rate
        self.burst = burst
    }
}
