import HTTPTypes

/// What a request asks for, decided from its method and path alone.
package enum Endpoint: Equatable {
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
    /// `POST /v1/models/{model}/feedback`: the true label of an earlier answer.
    case feedback(model: String)
    /// `POST /v1/models/{model}/explain`: each token's share of a label's score.
    case explain(model: String)
    /// `OPTIONS` on any `/v1/` path: a CORS preflight.
    case preflight
    /// `GET /ping`: SageMaker's health check (`SageMakerContract`).
    case ping
    /// `POST /invocations`: SageMaker's inference request, with the Hugging Face payload.
    case sageMakerInvocations

    /// Whether the request must carry an API key.
    package var isKeyed: Bool {
        switch self {
        case .health, .ready, .metrics, .openAPI, .preflight, .ping, .sageMakerInvocations: false
        case .listModels, .classify, .invocations, .infer, .routed, .feedback, .explain: true
        }
    }

    /// The model named in the path, if any.
    package var model: String? {
        switch self {
        case .classify(let model), .invocations(let model), .infer(let model), .feedback(let model), .explain(let model):
            model
        default: nil
        }
    }

    /// The route's name in metrics: bounded, without model names from the path.
    package var metricName: String {
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
        case .feedback: "feedback"
        case .explain: "explain"
        case .preflight: "preflight"
        case .ping: "ping"
        case .sageMakerInvocations: "sagemaker_invocations"
        }
    }

    /// The paths the gateway serves, in OpenAPI's form. Routing and `/openapi.json` both read
    /// this table, so the document lists exactly what is served.
    package static let routes = RouteTable<Endpoint>(
        [
            .init("/health", [.get]) { _ in .health },
            .init("/ready", [.get]) { _ in .ready },
            .init("/metrics", [.get]) { _ in .metrics },
            .init("/openapi.json", [.get]) { _ in .openAPI },
            .init("/v1/models", [.get]) { _ in .listModels },
            .init("/v1/models/{model}/classify", [.post]) { .classify(model: $0[0]) },
            .init("/v1/models/{model}/invocations", [.post]) { .invocations(model: $0[0]) },
            .init("/v1/models/{model}/feedback", [.post]) { .feedback(model: $0[0]) },
            .init("/v1/models/{model}/explain", [.post]) { .explain(model: $0[0]) },
            .init("/v1/infer/{model}", [.post]) { .infer(model: $0[0]) },
            .init("/v1/routes/{route}", [.post]) { .routed(route: $0[0]) },
        ], preflight: .preflight)

    /// The endpoint `routes` give a request, or the API's 404 or 405.
    package static func match(method: HTTPRequest.Method, path: String, in routes: RouteTable<Endpoint> = routes)
        throws(GatewayError) -> Endpoint
    {
        do {
            return try routes.match(method: method, path: path)
        } catch {
            switch error {
            case .notFound: throw .routeNotFound(path: path)
            case .methodNotAllowed(let allowed): throw .methodNotAllowed(allowed: allowed)
            }
        }
    }

    /// Whether the endpoint classifies texts, and so answers with the model's headers
    /// (`X-Magpie-Model-Version`, `X-Magpie-Cold-Start`, `Server-Timing`).
    package var classifies: Bool {
        switch self {
        case .classify, .invocations, .infer, .routed, .sageMakerInvocations: true
        default: false
        }
    }

    /// The failures a request to this endpoint can meet, for its description: every row of the
    /// error table that the pipeline can produce on the way to its answer. (A 405 belongs to
    /// the methods a path does not answer, which the description does not list.)
    package var possibleFailures: [GatewayError.Kind] {
        var kinds: [GatewayError.Kind] = [.shuttingDown, .internalError]
        if isKeyed { kinds += [.forbidden, .tooManyFailedKeys, .throttled, .quotaExceeded, .storeUnavailable] }
        switch self {
        case .ready, .ping: kinds.append(.notReady)
        case .classify, .invocations, .infer, .routed, .sageMakerInvocations:
            kinds += [
                .unsupportedMediaType, .bodyTooLarge, .malformedJSON, .invalidUTF8, .invalidRequest, .unknownModel,
                .unknownVersion,
            ]
            kinds += [
                .modelOverloaded, .queueTimeout, .modelUnavailable, .upstreamError, .upstreamInvalidResponse,
                .upstreamUnavailable,
                .upstreamTimeout, .circuitOpen,
            ]
            if case .routed = self { kinds += [.unknownRoute, .unknownChoice] }
        case .feedback:
            kinds += [
                .unsupportedMediaType, .bodyTooLarge, .malformedJSON, .invalidUTF8, .invalidRequest, .unknownModel,
                .unknownRequest,
            ]
        case .explain:
            kinds += [
                .unsupportedMediaType, .bodyTooLarge, .malformedJSON, .invalidUTF8, .invalidRequest, .unknownModel,
                .unknownVersion, .unknownLabel, .explanationUnavailable, .modelOverloaded, .modelUnavailable,
            ]
        default: break
        }
        return kinds
    }
}
