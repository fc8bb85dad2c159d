import Classifiers

/// A model that runs elsewhere. Implemented by the `RemoteModels` target; the registry and
/// the gateway treat it like a loaded artifact.
public protocol RemoteClassifier: AnyObject, Sendable {
    var endpoint: RemoteEndpoint { get }
    /// One upstream call for all `texts` where the format allows it.
    func classify(_ texts: [String], context: InvocationContext) async throws(RemoteModelError) -> RemoteAnswer
    /// The circuit breaker's view of the upstream, for `GET /v1/models`.
    var health: RemoteHealth { get }
}

/// What a request carries on to the upstream so one request can be followed across both
/// services.
public struct InvocationContext: Sendable, Equatable {
    public var requestID: String
    /// The client's W3C `traceparent`.
    public var traceparent: String?
    /// The X-Ray trace header (`Root=…;Parent=…;Sampled=…`), on Lambda.
    public var amazonTraceID: String?

    public init(requestID: String, traceparent: String? = nil, amazonTraceID: String? = nil) {
        self.requestID = requestID
        self.traceparent = traceparent
        self.amazonTraceID = amazonTraceID
    }
}

/// A remote model's answer and what it took.
public struct RemoteAnswer: Sendable {
    public var predictions: [Prediction]
    /// Time spent waiting on the upstream, retries and backoff included.
    public var upstreamDuration: Duration
    public var attempts: Int

    public init(predictions: [Prediction], upstreamDuration: Duration, attempts: Int) {
        self.predictions = predictions
        self.upstreamDuration = upstreamDuration
        self.attempts = attempts
    }
}

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

/// Why a remote model did not answer, in terms the gateway maps to statuses.
public enum RemoteModelError: Error, Equatable, CustomStringConvertible {
    /// The model itself failed on this input (SageMaker's `ModelError`, a 4xx or 5xx from the
    /// server after retries); the message is the upstream's own.
    case upstreamFailed(message: String, code: String)
    /// Still throttled, cold or unreachable when retries ran out; worth retrying later.
    case upstreamUnavailable(message: String, retryAfterSeconds: Int)
    /// No answer within the model's timeout.
    case timeout
    /// The breaker is open: no upstream call was made.
    case circuitOpen(retryAfterSeconds: Int)
    /// The answer did not have the format's shape.
    case invalidResponse(String)
    /// The upstream could not be called at all (no credentials, bad configuration).
    case misconfigured(String)

    public var description: String {
        switch self {
        case .upstreamFailed(let message, let code): "\(code.isEmpty ? "" : code + ": ")\(message)"
        case .upstreamUnavailable(let message, _): "upstream unavailable: \(message)"
        case .timeout: "upstream timed out"
        case .circuitOpen(let seconds): "circuit breaker open for \(seconds) s"
        case .invalidResponse(let reason): "invalid upstream response: \(reason)"
        case .misconfigured(let reason): reason
        }
    }
}
