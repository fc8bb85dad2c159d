/// The circuit breaker's state.
public struct RemoteHealth: Sendable, Equatable {
    public enum Breaker: String, Sendable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public var breaker: Breaker
    public var consecutiveFailures: Int
    /// The last failure's description, for operators.
    public var lastError: String?

    public init(breaker: Breaker, consecutiveFailures: Int, lastError: String?) {
        self.breaker = breaker
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
    }

    /// `healthy`, `degraded` (failing, breaker still closed) or `unavailable` (breaker open).
    public var status: String {
        switch breaker {
        case .open: "unavailable"
        case .halfOpen: "degraded"
        case .closed: consecutiveFailures == 0 ? "healthy" : "degraded"
        }
    }
}
