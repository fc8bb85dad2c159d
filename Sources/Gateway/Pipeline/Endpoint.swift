import HTTPTypes

/// What a request asks for, decided from its method and path alone.
enum Endpoint: Equatable {
    case health
    case ready
    case metrics
    case openAPI
    case listModels
    /// `POST /v1/models/{model}/classify`: Magpie's own payload.
    case classify(model: String)
    /// `POST /v1/models/{model}/invocations`: the Hugging Face / SageMaker payload.
    case invocations(model: String)
    /// `POST /v1/infer/{model}`: the reference Lambda's payload.
    case infer(model: String)
    /// `POST /v1/routes/{route}`: a configured route choosing the model per request.
    case routed(route: String)
    /// `OPTIONS` on any `/v1/` path: a CORS preflight.
    case preflight

    /// Whether the request must carry an API key.
    var isKeyed: Bool {
        switch self {
        case .health, .ready, .metrics, .openAPI, .preflight: false
        case .listModels, .classify, .invocations, .infer, .routed: true
        }
    }

    /// The route's name in metrics: bounded, without model names from the path.
    var metricName: String {
        switch self {
        case .health: "health"
        case .ready: "ready"
        case .metrics: "metrics"
        case .openAPI: "openapi"
        case .listModels: "models"
        case .classify: "classify"
        case .invocations: "invocations"
        case .infer: "infer"
        case .routed: "routed"
        case .preflight: "preflight"
        }
    }

    static func match(method: HTTPRequest.Method, path: String) throws(GatewayError) -> Endpoint {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let (endpoint, allowed) = resolve(segments)
        guard let endpoint else { throw .routeNotFound(path: path) }
        if method == .options, segments.first == "v1" { return .preflight }
        guard allowed.contains(method) || (method == .head && allowed.contains(.get)) else {
            throw .methodNotAllowed(allowed: allowed)
        }
        return endpoint
    }

    private static func resolve(_ segments: [String]) -> (Endpoint?, [HTTPRequest.Method]) {
        switch segments.count {
        case 1 where segments[0] == "health": return (.health, [.get])
        case 1 where segments[0] == "ready": return (.ready, [.get])
        case 1 where segments[0] == "metrics": return (.metrics, [.get])
        case 1 where segments[0] == "openapi.json": return (.openAPI, [.get])
        case 2 where segments == ["v1", "models"]: return (.listModels, [.get, .options])
        case 3 where segments[0] == "v1" && segments[1] == "infer": return (.infer(model: segments[2]), [.post, .options])
        case 3 where segments[0] == "v1" && segments[1] == "routes": return (.routed(route: segments[2]), [.post, .options])
        case 4 where segments[0] == "v1" && segments[1] == "models" && segments[3] == "classify":
            return (.classify(model: segments[2]), [.post, .options])
        case 4 where segments[0] == "v1" && segments[1] == "models" && segments[3] == "invocations":
            return (.invocations(model: segments[2]), [.post, .options])
        default: return (nil, [])
        }
    }
}
