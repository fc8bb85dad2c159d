import HTTPTypes

extension GatewayError {
    /// The error table: one row per `error_type`, with its status and what it means. The
    /// mapping from `GatewayError` is an exhaustive switch, so a new failure cannot be added
    /// without a row, and `/openapi.json` lists every row on the routes it can occur on.
    public enum Kind: String, CaseIterable, Sendable {
        case routeNotFound = "route_not_found"
        case methodNotAllowed = "method_not_allowed"
        case unknownModel = "unknown_model"
        case unknownVersion = "unknown_version"
        case unknownRequest = "unknown_request"
        case unknownRoute = "unknown_route"
        case unsupportedMediaType = "unsupported_media_type"
        case bodyTooLarge = "body_too_large"
        case malformedJSON = "malformed_json"
        case invalidUTF8 = "invalid_utf8"
        case invalidRequest = "invalid_request"
        case unknownChoice = "unknown_choice"
        case unknownLabel = "unknown_label"
        case explanationUnavailable = "explanation_unavailable"
        case forbidden
        case tooManyFailedKeys = "too_many_failed_keys"
        case throttled
        case quotaExceeded = "quota_exceeded"
        case modelOverloaded = "model_overloaded"
        case queueTimeout = "queue_timeout"
        case notReady = "not_ready"
        case shuttingDown = "shutting_down"
        case modelUnavailable = "model_unavailable"
        case upstreamError = "upstream_error"
        case upstreamInvalidResponse = "upstream_invalid_response"
        case upstreamUnavailable = "upstream_unavailable"
        case upstreamTimeout = "upstream_timeout"
        case circuitOpen = "circuit_open"
        case storeUnavailable = "store_unavailable"
        case internalError = "internal_error"

        public var status: HTTPResponse.Status {
            switch self {
            case .routeNotFound, .unknownModel, .unknownVersion, .unknownRequest, .unknownRoute, .unknownLabel: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .unsupportedMediaType: .unsupportedMediaType
            case .bodyTooLarge: .contentTooLarge
            case .malformedJSON, .invalidUTF8: .badRequest
            case .invalidRequest, .unknownChoice, .explanationUnavailable: .unprocessableContent
            case .forbidden: .forbidden
            case .throttled, .quotaExceeded, .tooManyFailedKeys: .tooManyRequests
            case .modelOverloaded, .notReady, .shuttingDown, .modelUnavailable, .upstreamUnavailable, .circuitOpen,
                .storeUnavailable:
                .serviceUnavailable
            case .upstreamError, .upstreamInvalidResponse: .badGateway
            case .upstreamTimeout, .queueTimeout: .gatewayTimeout
            case .internalError: .internalServerError
            }
        }

        /// When a client meets it, in the API description.
        public var meaning: String {
            switch self {
            case .routeNotFound: "no such path"
            case .methodNotAllowed: "the path does not answer this method (see Allow)"
            case .unknownModel: "no model of that name is served"
            case .unknownVersion: "X-Magpie-Model-Version names no version of the model"
            case .unknownRequest: "the feedback's request_id is not an answer of this model the server remembers"
            case .unknownRoute: "no route of that name is configured"
            case .unsupportedMediaType: "the body is not application/json"
            case .bodyTooLarge: "the body is over the configured limit"
            case .malformedJSON: "the body is not JSON"
            case .invalidUTF8: "the body is not UTF-8"
            case .invalidRequest: "the JSON is well-formed but its content is not acceptable"
            case .unknownChoice: "the route's field or header names no configured choice"
            case .unknownLabel: "the explanation asks for a label the model does not predict"
            case .explanationUnavailable: "the model runs on another server, whose answers Magpie cannot explain"
            case .forbidden: "missing, unknown or revoked API key"
            case .tooManyFailedKeys: "too many wrong API keys from the client's address; its keys are not looked up"
            case .throttled: "the key's token bucket is empty (Too Many Requests)"
            case .quotaExceeded: "the key's quota for this period is used up (Limit Exceeded)"
            case .modelOverloaded: "the model's concurrency and queue are full"
            case .queueTimeout: "the request waited its model's batching max_queue_time for a batch; it was not computed"
            case .notReady: "provisioned models are still loading"
            case .shuttingDown: "the server is shutting down after SIGTERM; requests it had begun still finish"
            case .modelUnavailable: "the model failed to load or is misconfigured"
            case .upstreamError: "the remote model failed on the request; the message is its own"
            case .upstreamInvalidResponse: "the remote model answered in a form its payload format does not allow"
            case .upstreamUnavailable: "the remote model stayed busy, cold or unreachable through its retries"
            case .upstreamTimeout: "the remote model did not answer within its timeout (Endpoint request timed out)"
            case .circuitOpen: "the remote model's circuit breaker is open; no call was made"
            case .storeUnavailable: "the database with keys and quotas cannot be reached or is restarting"
            case .internalError: "a fault in Magpie itself, logged with the request id"
            }
        }

        /// Whether the answer carries `Retry-After`.
        public var retries: Bool {
            switch self {
            case .throttled, .quotaExceeded, .tooManyFailedKeys, .modelOverloaded, .notReady, .shuttingDown,
                .upstreamUnavailable,
                .circuitOpen, .storeUnavailable:
                true
            default: false
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .routeNotFound: .routeNotFound
        case .methodNotAllowed: .methodNotAllowed
        case .unknownModel: .unknownModel
        case .unknownVersion: .unknownVersion
        case .unknownRequest: .unknownRequest
        case .unknownRoute: .unknownRoute
        case .unsupportedMediaType: .unsupportedMediaType
        case .bodyTooLarge: .bodyTooLarge
        case .malformedJSON: .malformedJSON
        case .invalidUTF8: .invalidUTF8
        case .invalidRequest, .issue: .invalidRequest
        case .unknownChoice: .unknownChoice
        case .unknownLabel: .unknownLabel
        case .explanationUnavailable: .explanationUnavailable
        case .forbidden: .forbidden
        case .tooManyFailedKeys: .tooManyFailedKeys
        case .throttled: .throttled
        case .quotaExceeded: .quotaExceeded
        case .overloaded: .modelOverloaded
        case .queueTimeout: .queueTimeout
        case .notReady: .notReady
        case .shuttingDown: .shuttingDown
        case .modelUnavailable: .modelUnavailable
        case .upstreamFailed: .upstreamError
        case .upstreamInvalidResponse: .upstreamInvalidResponse
        case .upstreamUnavailable: .upstreamUnavailable
        case .upstreamTimeout: .upstreamTimeout
        case .circuitOpen: .circuitOpen
        case .storeUnavailable: .storeUnavailable
        case .internalError: .internalError
        }
    }
}
