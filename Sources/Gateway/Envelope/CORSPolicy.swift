import HTTPTypes

/// Which browser origins may call the API, and the preflight answer the reference Lambda
/// gives: `Content-Type,x-api-key` headers, `OPTIONS,POST` methods.
public struct CORSPolicy: Sendable, Equatable {
    /// `*` allows every origin.
    public var allowedOrigins: [String]

    public init(allowedOrigins: [String] = ["*"]) {
        self.allowedOrigins = allowedOrigins
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, or nil.
    func allowOrigin(for origin: String?) -> String? {
        if allowedOrigins.contains("*") { return "*" }
        guard let origin, allowedOrigins.contains(origin) else { return nil }
        return origin
    }

    func apply(to headers: inout HTTPFields, origin: String?) {
        guard let allowed = allowOrigin(for: origin) else { return }
        headers[.accessControlAllowOrigin] = allowed
        if allowed != "*" { headers[.vary] = "Origin" }
    }

    func preflight(origin: String?) -> GatewayResponse {
        var headers: HTTPFields = [
            .accessControlAllowHeaders: "Content-Type,x-api-key",
            .accessControlAllowMethods: "OPTIONS,POST",
            .accessControlMaxAge: "600",
        ]
        apply(to: &headers, origin: origin)
        return GatewayResponse(status: .ok, headers: headers)
    }
}
