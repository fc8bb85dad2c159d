import HTTPTypes

/// An HTTP request as the pipeline sees it, whoever received it: the Hummingbird server or an
/// API Gateway event handed to the Lambda runtime.
public struct GatewayRequest: Sendable {
    public var method: HTTPRequest.Method
    /// The path without the query string, e.g. `/v1/infer/hate-speech`.
    public var path: String
    public var headers: HTTPFields
    /// Nil when the request had no body at all, as opposed to an empty one.
    public var body: [UInt8]?
    /// The body's length as the client declared it (`Content-Length`), when the host did not
    /// read a body over the limit: the request is refused with 413 before anything else.
    public var declaredBodyLength: Int?
    /// The host and port the client addressed (`Host`, or HTTP/2's `:authority`), for
    /// same-origin checks.
    public var authority: String?
    /// The peer's IP address, for limits per client (failed key checks); nil when unknown.
    public var clientAddress: String?
    /// Set by the host when the request's head arrived after shutdown began: it is answered
    /// 503 `shutting_down` at once, so a client retries it elsewhere.
    public var arrivedDuringShutdown: Bool

    public init(
        method: HTTPRequest.Method, path: String, headers: HTTPFields = [:], body: [UInt8]? = nil,
        declaredBodyLength: Int? = nil, authority: String? = nil, clientAddress: String? = nil,
        arrivedDuringShutdown: Bool = false
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.declaredBodyLength = declaredBodyLength
        self.authority = authority
        self.clientAddress = clientAddress
        self.arrivedDuringShutdown = arrivedDuringShutdown
    }
}

extension GatewayRequest {
    /// The versioned API's prefix; API Gateway's stage of the same name stands for it.
    public static let apiPrefix = "/v1"
    /// Paths answered outside the versioned API: health, readiness, metrics, OpenAPI.
    public static let unversionedPaths: Set<String> = ["/health", "/ready", "/metrics", "/openapi.json"]
}

/// The pipeline's answer, for the host to send.
public struct GatewayResponse: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: [UInt8]

    public init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
