/// How one model is served: where its artifact is (or which server runs it) and how its
/// lifecycle and load are bounded.
public struct ModelDeployment: Sendable, Equatable {
    public var name: String
    /// The artifact's folder; empty for a remote model.
    public var path: String
    /// The numbered version this artifact is (`models/NAME/3/` is 3; a flat `models/NAME/`
    /// is 1); nil for a remote model, which has no versions of Magpie's.
    public var version: Int?
    /// Set for a model that runs on another server.
    public var remote: RemoteEndpoint?
    /// The model that answers when this one cannot (remote failures, a full queue).
    public var fallback: String?
    /// Unloaded after this long without requests (scale to zero); nil keeps it warm forever.
    public var idleTimeout: Duration?
    /// Loaded at start instead of on the first request.
    public var provisioned: Bool
    /// Requests computed at once; more wait in a queue of `maxQueue`, beyond which they are
    /// refused, so a burst cannot pile up unbounded latency.
    public var maxConcurrency: Int
    public var maxQueue: Int
    /// How concurrent requests are computed together, for a model that runs an encoder in
    /// this process; nil computes each request on its own.
    public var batching: BatchingPolicy?

    public init(
        name: String, path: String, idleTimeout: Duration? = .seconds(900), provisioned: Bool = false,
        maxConcurrency: Int = 64, maxQueue: Int = 256, remote: RemoteEndpoint? = nil, fallback: String? = nil,
        version: Int? = nil, batching: BatchingPolicy? = BatchingPolicy()
    ) {
        self.name = name
        self.path = path
        self.version = version
        self.remote = remote
        self.fallback = fallback
        self.idleTimeout = idleTimeout
        self.provisioned = provisioned
        self.maxConcurrency = max(1, maxConcurrency)
        self.maxQueue = max(0, maxQueue)
        self.batching = batching
    }

    /// What the registry serves this deployment under: each version of a local model loads,
    /// idles and queues on its own.
    public var key: ModelKey { ModelKey(name, version: version) }
}

/// Where a model is in its lifecycle.
public enum ModelState: String, Sendable, Codable {
    /// Not in memory; the next request loads it (a cold start).
    case cold
    case loading
    case warm
}
