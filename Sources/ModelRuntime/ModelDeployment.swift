/// How one model is served: where its artifact is and how its lifecycle and load are bounded.
public struct ModelDeployment: Sendable, Equatable {
    public var name: String
    public var path: String
    /// Unloaded after this long without requests (scale to zero); nil keeps it warm forever.
    public var idleTimeout: Duration?
    /// Loaded at start instead of on the first request.
    public var provisioned: Bool
    /// Requests computed at once; more wait in a queue of `maxQueue`, beyond which they are
    /// refused, so a burst cannot pile up unbounded latency.
    public var maxConcurrency: Int
    public var maxQueue: Int

    public init(
        name: String, path: String, idleTimeout: Duration? = .seconds(900), provisioned: Bool = false,
        maxConcurrency: Int = 64, maxQueue: Int = 256
    ) {
        self.name = name
        self.path = path
        self.idleTimeout = idleTimeout
        self.provisioned = provisioned
        self.maxConcurrency = max(1, maxConcurrency)
        self.maxQueue = max(0, maxQueue)
    }
}

/// Where a model is in its lifecycle.
public enum ModelState: String, Sendable, Codable {
    /// Not in memory; the next request loads it (a cold start).
    case cold
    case loading
    case warm
}
