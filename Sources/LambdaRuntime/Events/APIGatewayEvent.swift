/// An API Gateway proxy event in either of its payload formats, read from the fields both
/// formats' documentation names: 1.0 (REST APIs, and HTTP APIs set to 1.0) and 2.0 (HTTP APIs,
/// Function URLs).
enum APIGatewayEvent: Equatable {
    case v1(RESTEvent)
    case v2(HTTPEvent)

    /// Payload format 1.0.
    struct RESTEvent: Decodable, Equatable {
        var httpMethod: String
        /// The resource path without the stage (`/infer/hate-speech` on stage `v1`).
        var path: String
        var headers: [String: String]?
        var multiValueHeaders: [String: [String]]?
        var body: String?
        var isBase64Encoded: Bool?
        var requestContext: RequestContext?

        struct RequestContext: Decodable, Equatable {
            struct Identity: Decodable, Equatable {
                /// The client's address as API Gateway saw it.
                var sourceIp: String?
            }
            var identity: Identity?
        }
    }

    /// Payload format 2.0.
    struct HTTPEvent: Decodable, Equatable {
        struct RequestContext: Decodable, Equatable {
            struct HTTP: Decodable, Equatable {
                var method: String
                /// The client's address as API Gateway saw it.
                var sourceIp: String?
            }
            var http: HTTP
        }
        var version: String
        var rawPath: String
        /// Repeated headers arrive joined with commas, as 2.0 defines.
        var headers: [String: String]?
        var cookies: [String]?
        var requestContext: RequestContext
        var body: String?
        var isBase64Encoded: Bool?
    }

    var format: PayloadFormat {
        switch self {
        case .v1: .v1
        case .v2: .v2
        }
    }
}

/// Which response shape an event must be answered in.
enum PayloadFormat: Equatable {
    case v1
    case v2
}
