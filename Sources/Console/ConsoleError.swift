import Foundation
import Gateway
import HTTPTypes
import JSONValues
import Storage

/// Why a console request was refused, each with its status and a message an operator can act
/// on. Answered as JSON with `message` and `error_type`, like the API's errors.
enum ConsoleError: Error, Equatable {
    /// No session, an expired one, or one whose admin key was revoked.
    case notSignedIn
    /// The key is unknown, revoked, or an API key rather than an admin key.
    case wrongKey
    case tooManyFailedLogins(retryAfterSeconds: Int)
    /// A change without the session's CSRF token, or from another origin.
    case forbiddenChange(String)
    case invalidRequest(String)
    case notFound(String)
    case methodNotAllowed([HTTPRequest.Method])
    /// The key store cannot be reached.
    case storeUnavailable
    /// The API's own error from a trial classification.
    case gateway(GatewayError)

    var status: HTTPResponse.Status {
        switch self {
        case .notSignedIn, .wrongKey: .unauthorized
        case .tooManyFailedLogins: .tooManyRequests
        case .forbiddenChange: .forbidden
        case .invalidRequest: .badRequest
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .storeUnavailable: .serviceUnavailable
        case .gateway(let error): error.status
        }
    }

    var errorType: String {
        switch self {
        case .notSignedIn: "not_signed_in"
        case .wrongKey: "wrong_admin_key"
        case .tooManyFailedLogins: "too_many_failed_logins"
        case .forbiddenChange: "csrf_check_failed"
        case .invalidRequest: "invalid_request"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .storeUnavailable: "store_unavailable"
        case .gateway(let error): error.errorType
        }
    }

    var message: String {
        switch self {
        case .notSignedIn: "sign in with an admin key (magpie keys create --admin)"
        case .wrongKey: "that is not an active admin key; API keys cannot open the console"
        case .tooManyFailedLogins(let seconds): "too many wrong keys from this address; try again in \(seconds) s"
        case .forbiddenChange(let reason): reason
        case .invalidRequest(let reason): reason
        case .notFound(let path): "no console page or call at \(path)"
        case .methodNotAllowed(let allowed): "use \(allowed.map(\.rawValue).joined(separator: ", "))"
        case .storeUnavailable: "the key store cannot be reached; try again shortly"
        case .gateway(let error): error.message
        }
    }

    var response: GatewayResponse {
        if case .gateway(let error) = self { return error.response }
        var headers: HTTPFields = [.contentType: "application/json"]
        if case .tooManyFailedLogins(let seconds) = self { headers[.retryAfter] = String(seconds) }
        if case .methodNotAllowed(let allowed) = self { headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ") }
        if case .storeUnavailable = self { headers[.retryAfter] = "1" }
        return GatewayResponse(
            status: status, headers: headers, body: ["error_type": errorType, "message": message].jsonBytes)
    }

    /// A store failure, for the operator: an outage, or the store's own reason.
    static func storage(_ error: StorageError) -> ConsoleError {
        switch error {
        case .unavailable: .storeUnavailable
        case .unknownKey(let id): .notFound("key \(id)")
        default: .invalidRequest(error.description)
        }
    }
}

/// The console API's JSON, written as the API's is: snake_case keys, sorted, dates in ISO 8601.
enum ConsoleJSON {
    static func response(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> GatewayResponse {
        GatewayResponse(status: status, headers: [.contentType: "application/json"], body: value.jsonBytes)
    }
}
