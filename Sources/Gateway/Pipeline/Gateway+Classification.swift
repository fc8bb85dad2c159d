import HTTPTypes
import JSONValues
import ModelRuntime

extension Gateway {
    static let coldStartHeader = HTTPField.Name("X-Magpie-Cold-Start")!
    static let servedByHeader = HTTPField.Name("X-Magpie-Served-By")!
    /// Pins a version in a request; names the version that answered in a response.
    static let modelVersionHeader = HTTPField.Name("X-Magpie-Model-Version")!

    /// A classification endpoint: admitted, parsed, answered by the model service, and
    /// written in the endpoint's payload with the model's headers.
    func classify(_ endpoint: Endpoint, _ request: GatewayRequest, record: inout RequestRecord) async throws(GatewayError)
        -> GatewayResponse
    {
        let (admitted, model, input) = try await admitAndParse(endpoint, request)
        record.model = model
        let attributes =
            endpoint == .sageMakerInvocations
            ? SageMakerContract.Attributes(header: request.headers[SageMakerContract.customAttributesHeader]) : nil
        let caller = ModelService.Caller(
            stickyKey: admitted.keyID, pinned: attributes?.version ?? request.headers[Self.modelVersionHeader])
        let context = InvocationContext(
            requestID: record.requestID, traceparent: record.trace?.traceparent, amazonTraceID: record.trace?.amazonTraceID)
        let served = try await service.answer(input.texts, model: model, caller: caller, context: context)
        record.served = served
        feedback.remember(requestID: record.requestID, served)
        if served.usage.startedLoad, let load = served.usage.loadDuration {
            metrics.recordColdStart(model: served.model, load: load)
        }
        var response = ResponseEncoding.classification(
            endpoint, input, served.answer.predictions, model: served.model, version: served.version)
        response.headers.append(contentsOf: admitted.rateLimitHeaders)
        response.headers[Self.coldStartHeader] = served.usage.coldStart ? "true" : "false"
        response.headers[Self.modelVersionHeader] = served.version
        if served.fallbackFor != nil { response.headers[Self.servedByHeader] = served.model }
        if attributes != nil {
            response.headers[SageMakerContract.customAttributesHeader] = SageMakerContract.Attributes.answer(
                model: served.model, version: served.version)
        }
        return response
    }

    /// The admission, model and input of a classification request, in order: key, route or
    /// model, throttle and quota, body. SageMaker's contract takes no key: IAM admitted it.
    private func admitAndParse(_ endpoint: Endpoint, _ request: GatewayRequest) async throws(GatewayError) -> (
        Admission.Admitted, model: String, input: ClassificationInput
    ) {
        switch endpoint {
        case .classify(let model), .invocations(let model), .infer(let model):
            let (admitted, _) = try await admission.admit(request) { () throws(GatewayError) in try known(model) }
            return (admitted, model, try RequestBody.classification(endpoint, request, limits: limits))
        case .sageMakerInvocations:
            let attributes = SageMakerContract.Attributes(header: request.headers[SageMakerContract.customAttributesHeader])
            guard let model = attributes.model ?? sageMaker?.defaultModel else {
                throw .invalidRequest(
                    "this container serves \(models.keys.sorted().joined(separator: ", ")); name one in X-Amzn-SageMaker-Custom-Attributes: model=NAME"
                )
            }
            try known(model)
            return (Admission.Admitted(), model, try RequestBody.classification(endpoint, request, limits: limits))
        case .routed(let name):
            let (admitted, route) = try await admission.admit(request) { () throws(GatewayError) in
                guard let route = routes[name] else { throw .unknownRoute(name, known: routes.keys.sorted()) }
                return route
            }
            let (model, input) = try routedModel(route, endpoint, request)
            try known(model)
            return (admitted, model, input)
        default:
            throw .internalError
        }
    }

    /// The model a configured route chooses for this request, from a header or a body field,
    /// and the texts (the body less the field).
    private func routedModel(_ route: ModelRoute, _ endpoint: Endpoint, _ request: GatewayRequest) throws(GatewayError)
        -> (String, ClassificationInput)
    {
        switch route.selector {
        case .header(let header):
            let choice = HTTPField.Name(header).flatMap { request.headers[$0] }
            return (try route.model(for: choice), try RequestBody.classification(endpoint, request, limits: limits))
        case .jsonField(let field):
            var object = try RequestBody.object(request)
            let choice: String?
            switch object[field] {
            case nil: choice = nil
            case .string(let value)?: choice = value
            case let other?: throw .invalidRequest("\(field) must be a string, not \(other.typeName)")
            }
            object[field] = nil
            return (try route.model(for: choice), try ClassificationInput.native(object, limits: limits))
        }
    }

    /// Refuses a model this gateway does not serve.
    func known(_ model: String) throws(GatewayError) {
        if models[model] == nil { throw .unknownModel(model, known: models.keys.sorted()) }
    }
}
