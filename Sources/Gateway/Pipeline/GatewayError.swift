import HTTPTypes

/// Every way a request can fail, with the one status each maps to. The body is always JSON
/// with a message a client can act on; never HTML, never a stack trace.
public enum GatewayError: Error, Equatable {
    case routeNotFound(path: String)
    case methodNotAllowed(allowed: [HTTPRequest.Method])
    case unknownModel(String, known: [String])
    case unknownRoute(String, known: [String])
    case unsupportedMediaType(String?)
    case bodyTooLarge(limit: Int)
    case malformedJSON(String)
    case invalidUTF8
    /// The request is well-formed JSON but its content is not acceptable.
    case invalidRequest(String)
    case unknownChoice(field: String, value: String, valid: [String])
    /// The reference Lambda's own 422 shape: `{"issue": ...}`.
    case issue(String)
    case forbidden
    case throttled(retryAfterSeconds: Int)
    case quotaExceeded(retryAfterSeconds: Int)
    case overloaded(model: String, retryAfterSeconds: Int)
    case notReady
    case modelUnavailable(model: String, reason: String)
    case internalError

    public var status: HTTPResponse.Status {
        switch self {
        case .routeNotFound, .unknownModel, .unknownRoute: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .unsupportedMediaType: .unsupportedMediaType
        case .bodyTooLarge: .contentTooLarge
        case .malformedJSON, .invalidUTF8: .badRequest
        case .invalidRequest, .unknownChoice, .issue: .unprocessableContent
        case .forbidden: .forbidden
        case .throttled, .quotaExceeded: .tooManyRequests
        case .overloaded, .notReady, .modelUnavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    public var message: String {
        switch self {
        case .routeNotFound(let path): "no route for \(path)"
        case .methodNotAllowed(let allowed): "method not allowed; use \(allowed.map(\.rawValue).joined(separator: " or "))"
        case .unknownModel(let name, let known):
            "no model named '\(name)' (models: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .unknownRoute(let name, let known):
            "no route named '\(name)' (routes: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .unsupportedMediaType(let type): "content type \(type.map { "'\($0)'" } ?? "missing"); send application/json"
        case .bodyTooLarge(let limit): "request body is larger than the limit of \(limit) bytes"
        case .malformedJSON(let reason): "request body is not valid JSON: \(reason)"
        case .invalidUTF8: "request body is not valid UTF-8"
        case .invalidRequest(let reason): reason
        case .unknownChoice(let field, let value, let valid):
            "unknown choice '\(value)' in \(field); valid: \(valid.joined(separator: ", "))"
        case .issue(let issue): issue
        case .forbidden: "Forbidden"
        case .throttled: "Too Many Requests"
        case .quotaExceeded: "Limit Exceeded"
        case .overloaded(let model, _): "model '\(model)' is busy; retry later"
        case .notReady: "provisioned models are still loading"
        case .modelUnavailable(let model, let reason): "model '\(model)' is unavailable: \(reason)"
        case .internalError: "internal error"
        }
    }

    /// Seconds after which a retry may succeed, sent as `Retry-After`.
    public var retryAfterSeconds: Int? {
        switch self {
        case .throttled(let seconds), .quotaExceeded(let seconds), .overloaded(_, let seconds): seconds
        case .notReady: 1
        default: nil
        }
    }

    /// The error as a response: `{"message": ...}`, or `{"issue": ...}` for the reference
    /// Lambda's validation errors.
    public var response: GatewayResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let seconds = retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        if case .methodNotAllowed(let allowed) = self { headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ") }
        let body: [String: String] = if case .issue(let issue) = self { ["issue": issue] } else { ["message": message] }
        return GatewayResponse(status: status, headers: headers, body: body.jsonBytes)
    }
}
