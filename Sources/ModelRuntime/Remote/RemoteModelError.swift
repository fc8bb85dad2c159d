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
