import HTTPTypes

/// Every way a request can fail, with the one status each maps to. The body is always JSON
/// with a message a client can act on; never HTML, never a stack trace.
public enum GatewayError: Error, Equatable {
    case routeNotFound(path: String)
    case methodNotAllowed(allowed: [HTTPRequest.Method])
    case unknownModel(String, known: [String])
    /// `X-Magpie-Model-Version` names no version of the model.
    case unknownVersion(model: String, version: String, known: [Int])
    /// Feedback names a request id this server does not remember answering for the model.
    case unknownRequest(model: String, requestID: String, remembered: Int)
    case unknownRoute(String, known: [String])
    case unsupportedMediaType(String?)
    case bodyTooLarge(limit: Int)
    case malformedJSON(String)
    case invalidUTF8
    /// The request is well-formed JSON but its content is not acceptable.
    case invalidRequest(String)
    case unknownChoice(field: String, value: String, valid: [String])
    /// An explanation asks for a label the model does not predict.
    case unknownLabel(model: String, label: String, known: [String])
    /// The model cannot explain its answers: it runs on another server.
    case explanationUnavailable(model: String, kind: String)
    /// The reference Lambda's own 422 shape: `{"issue": ...}`.
    case issue(String)
    case forbidden
    /// Too many wrong keys from this client address; its keys are not even looked up.
    case tooManyFailedKeys(retryAfterSeconds: Int)
    case throttled(retryAfterSeconds: Int)
    case quotaExceeded(retryAfterSeconds: Int)
    case overloaded(model: String, retryAfterSeconds: Int)
    /// The request waited its batching `max_queue_time` for a batch and was never computed.
    case queueTimeout(model: String, limit: Duration)
    case notReady
    /// The server received SIGTERM: it finishes requests it had begun and takes no new ones.
    case shuttingDown
    case modelUnavailable(model: String, reason: String)
    /// A remote model failed on the request; the message is the upstream's own.
    case upstreamFailed(model: String, message: String)
    /// A remote model answered something its format does not allow.
    case upstreamInvalidResponse(model: String, reason: String)
    /// A remote model stayed throttled, cold or unreachable through its retries.
    case upstreamUnavailable(model: String, reason: String, retryAfterSeconds: Int)
    /// API Gateway's own words for an integration that did not answer in time.
    case upstreamTimeout
    /// The remote model's circuit breaker is open; no upstream call was made.
    case circuitOpen(model: String, retryAfterSeconds: Int)
    /// Keys and quotas cannot be checked: the store is unreachable or restarting.
    case storeUnavailable(retryAfterSeconds: Int)
    case internalError

    public var status: HTTPResponse.Status { kind.status }

    /// A stable, machine-readable name for the error, beside the human `message`: clients
    /// branch on this, never on message texts.
    public var errorType: String { kind.rawValue }

    /// Failures of the model itself, after which a configured fallback model may answer.
    var allowsFallback: Bool {
        switch self {
        case .overloaded, .queueTimeout, .modelUnavailable, .upstreamFailed, .upstreamInvalidResponse, .upstreamUnavailable,
            .upstreamTimeout, .circuitOpen:
            true
        default: false
        }
    }

    public var message: String {
        switch self {
        case .routeNotFound(let path): "no route for \(path)"
        case .methodNotAllowed(let allowed): "method not allowed; use \(allowed.map(\.rawValue).joined(separator: " or "))"
        case .unknownModel(let name, let known):
            "no model named '\(name)' (models: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .unknownVersion(let model, let version, let known):
            "model '\(model)' has no version '\(version)' (versions: \(known.isEmpty ? "none; it is not versioned" : known.map(String.init).joined(separator: ", ")))"
        case .unknownRequest(let model, let requestID, let remembered):
            "no answer of model '\(model)' with request id '\(requestID)' is remembered; the server that answered keeps its last \(remembered) answers"
        case .unknownRoute(let name, let known):
            "no route named '\(name)' (routes: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .unsupportedMediaType(let type): "content type \(type.map { "'\($0)'" } ?? "missing"); send application/json"
        case .bodyTooLarge(let limit): "request body is larger than the limit of \(limit) bytes"
        case .malformedJSON(let reason): "request body is not valid JSON: \(reason)"
        case .invalidUTF8: "request body is not valid UTF-8"
        case .invalidRequest(let reason): reason
        case .unknownChoice(let field, let value, let valid):
            "unknown choice '\(value)' in \(field); valid: \(valid.joined(separator: ", "))"
        case .unknownLabel(let model, let label, let known):
            "model '\(model)' has no label '\(label)'; its labels: \(known.joined(separator: ", "))"
        case .explanationUnavailable(let model, let kind):
            "model '\(model)' is a \(kind) model, which cannot explain its answers: only models in this process can "
                + "(n-gram, encoder and ensemble artifacts)"
        case .issue(let issue): issue
        case .forbidden: "Forbidden"
        case .tooManyFailedKeys: "too many requests with wrong API keys from this address; retry later"
        case .throttled: "Too Many Requests"
        case .quotaExceeded: "Limit Exceeded"
        case .overloaded(let model, _): "model '\(model)' is busy; retry later"
        case .queueTimeout(let model, let limit):
            "model '\(model)' was too busy to start on the request within \(limit.components.seconds) s (its batching max_queue_time); it was not computed"
        case .notReady: "provisioned models are still loading"
        case .shuttingDown: "the server is shutting down; retry, another replica or the restarted server will answer"
        case .modelUnavailable(let model, let reason): "model '\(model)' is unavailable: \(reason)"
        case .upstreamFailed(let model, let message): "model '\(model)' failed: \(message)"
        case .upstreamInvalidResponse(let model, let reason): "model '\(model)' answered in an unexpected form: \(reason)"
        case .upstreamUnavailable(let model, let reason, _): "model '\(model)' is unavailable: \(reason)"
        case .upstreamTimeout: "Endpoint request timed out"
        case .circuitOpen(let model, _): "model '\(model)' is failing; requests are paused while it recovers"
        case .storeUnavailable: "keys and quotas cannot be checked right now; retry later"
        case .internalError: "internal error"
        }
    }

    /// Seconds after which a retry may succeed, sent as `Retry-After`.
    public var retryAfterSeconds: Int? {
        switch self {
        case .throttled(let seconds), .quotaExceeded(let seconds), .tooManyFailedKeys(let seconds), .overloaded(_, let seconds),
            .upstreamUnavailable(_, _, let seconds), .circuitOpen(_, let seconds), .storeUnavailable(let seconds):
            seconds
        case .notReady, .shuttingDown: 1
        default: nil
        }
    }

    /// The error as a response: `{"message": ..., "error_type": ...}`, or `{"issue": ...,
    /// "error_type": ...}` for the reference Lambda's validation errors.
    public var response: GatewayResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let seconds = retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        if case .methodNotAllowed(let allowed) = self { headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ") }
        let body: [String: String] =
            if case .issue(let issue) = self {
                ["issue": issue, "error_type": errorType]
            } else {
                ["message": message, "error_type": errorType]
            }
        return GatewayResponse(status: status, headers: headers, body: body.jsonBytes)
    }
}
