import Classifiers
import Foundation
import HTTPTypes
import JSONValues
import Logging
import ModelRuntime
import Releases
import Storage
import Synchronization

/// The request pipeline: routing, API keys, throttling, quotas, payload formats, validation,
/// errors, CORS. It takes a `GatewayRequest` and returns a `GatewayResponse`, so the HTTP
/// server and the Lambda runtime serve exactly the same API.
public final class Gateway: Sendable {
    public let registry: ModelRegistry
    /// Which version of each versioned model serves a request; nil serves every model under
    /// its own name, unversioned.
    public let releases: ReleaseController?
    let access: AccessControl?
    let models: [String: ServedModel]
    let routes: [String: ModelRoute]
    public let limits: GatewayLimits
    let cors: CORSPolicy
    let logger: Logger
    let metrics: GatewayMetrics
    /// Recent requests per model, for the console's Traffic page.
    package let traffic: TrafficHistory
    /// `/openapi.json`, generated once from the routes, limits and error table.
    let openAPIDocument: [UInt8]
    /// SageMaker's `/ping` and `/invocations`, when the process is a SageMaker model container.
    let sageMaker: SageMakerContract?
    /// The public API's routes, and SageMaker's when its contract is on.
    let servedRoutes: [Endpoint.Route]
    private let readiness = Readiness()
    private let requestIDs = RequestIDGenerator()
    private let answers = AnswerLog()

    /// - Parameters:
    ///   - models: the served models, described at start, for `GET /v1/models` and fallbacks.
    ///   - store: keys, plans and quotas; nil serves without keys (for local experiments only).
    ///   - routes: configured routes that choose the model per request.
    ///   - failOpen: while the store is unavailable, admit keys this process already knows
    ///     and count them later, instead of answering 503 (see `AccessControl`).
    ///   - releases: chooses versions; the registry then serves each version as `NAME@VERSION`.
    ///   - sageMaker: also serve SageMaker's hosting contract, without keys.
    public init(
        registry: ModelRegistry, models: [ServedModel], store: (any KeyStore)?, releases: ReleaseController? = nil,
        routes: [ModelRoute] = [],
        limits: GatewayLimits = GatewayLimits(),
        cors: CORSPolicy = CORSPolicy(), logger: Logger = Logger(label: "magpie.gateway"),
        metrics: GatewayMetrics = GatewayMetrics(), failOpen: Bool = false, sageMaker: SageMakerContract? = nil
    ) {
        self.registry = registry
        self.releases = releases
        self.models = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.routes = Dictionary(routes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.access = store.map {
            AccessControl(
                store: $0, failOpen: failOpen,
                failedKeys: FailedKeyLimiter(burst: limits.failedKeyBurst, perMinute: limits.failedKeysPerMinute), logger: logger)
        }
        self.limits = limits
        self.cors = cors
        self.logger = logger
        self.metrics = metrics
        self.traffic = TrafficHistory(models: models.map(\.name))
        self.sageMaker = sageMaker
        self.servedRoutes = Endpoint.routes + (sageMaker == nil ? [] : SageMakerContract.routes)
        self.openAPIDocument = OpenAPIDocument.json(limits: limits, routes: servedRoutes)
    }

    /// The served models, by name, as described at start.
    package var servedModels: [ServedModel] { models.values.sorted { $0.name < $1.name } }

    /// Marks the gateway ready (`GET /ready` → 200) once provisioned models are loaded.
    public func markReady() {
        readiness.markReady()
    }

    public func handle(_ request: GatewayRequest) async -> GatewayResponse {
        let clock = ContinuousClock()
        let start = clock.now
        let requestID = request.headers[Self.requestIDHeader].flatMap { Self.isSafeRequestID($0) ? $0 : nil } ?? requestIDs.next()
        var endpoint: Endpoint?
        var outcome = Outcome()
        var response: GatewayResponse
        do {
            let matched = try Endpoint.match(method: request.method, path: request.path, routes: servedRoutes)
            endpoint = matched
            if request.arrivedDuringShutdown { throw GatewayError.shuttingDown }
            if let declared = request.declaredBodyLength, declared > limits.maxBodyBytes {
                throw GatewayError.bodyTooLarge(limit: limits.maxBodyBytes)
            }
            outcome.trace = TraceContext(request.headers)
            response = try await respond(to: matched, request, requestID: requestID, outcome: &outcome)
        } catch let error as GatewayError {
            response = error.response
        } catch {
            logger.error("unexpected error", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
            response = GatewayError.internalError.response
        }
        if request.path.hasPrefix("/v1/") { cors.apply(to: &response.headers, origin: request.headers[.origin]) }
        response.headers[Self.requestIDHeader] = requestID
        let duration = start.duration(to: clock.now)
        if let upstream = outcome.upstream {
            // Magpie's own share: everything but the wait on the remote model.
            let own = "gateway;dur=\(Self.milliseconds(duration - upstream))"
            let timings = response.headers[Self.serverTimingHeader].map { $0 + ", " + own } ?? own
            response.headers[Self.serverTimingHeader] = timings
        }
        metrics.record(route: endpoint?.metricName ?? "unmatched", status: response.status.code, duration: duration)
        if let model = outcome.model ?? endpoint?.model {
            traffic.record(model: model, status: response.status.code, duration: duration)
        }
        var metadata: Logger.Metadata = [
            "request_id": .string(requestID), "method": .string(request.method.rawValue),
            "route": .string(endpoint?.metricName ?? "unmatched"),
            "status": .string(String(response.status.code)), "duration_ms": .string(Self.milliseconds(duration)),
        ]
        if let model = outcome.model { metadata["model"] = .string(model) }
        if let servedBy = outcome.servedBy { metadata["served_by"] = .string(servedBy) }
        if let version = outcome.version { metadata["version"] = .string(version) }
        if let usage = outcome.usage { metadata["cold_start"] = .string(usage.coldStart ? "true" : "false") }
        if let upstream = outcome.upstream { metadata["upstream_ms"] = .string(Self.milliseconds(upstream)) }
        if let traceID = outcome.trace?.traceID { metadata["trace_id"] = .string(traceID) }
        logger.info("request", metadata: metadata)
        return response
    }

    /// What a request did beyond its status, for logs.
    struct Outcome {
        var model: String?
        var usage: ModelRegistry.Usage?
        /// The fallback model that answered instead of `model`.
        var servedBy: String?
        /// Time spent waiting on a remote model.
        var upstream: Duration?
        var trace: TraceContext?
        var version: String?
    }

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let coldStartHeader = HTTPField.Name("X-Magpie-Cold-Start")!
    static let serverTimingHeader = HTTPField.Name("Server-Timing")!
    static let servedByHeader = HTTPField.Name("X-Magpie-Served-By")!
    /// Pins a version in a request; names the version that answered in a response.
    static let modelVersionHeader = HTTPField.Name("X-Magpie-Model-Version")!

    /// Request ids are echoed into headers and logs, so only short, plain ones are kept.
    package static func isSafeRequestID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128
            && id.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    private func respond(to endpoint: Endpoint, _ request: GatewayRequest, requestID: String, outcome: inout Outcome) async throws
        -> GatewayResponse
    {
        switch endpoint {
        case .health:
            return Self.json(["status": "ok"])
        case .ready, .ping:
            guard readiness.isReady else { throw GatewayError.notReady }
            return Self.json(["status": "ready"])
        case .metrics:
            return GatewayResponse(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: metrics.exposition())
        case .openAPI:
            return GatewayResponse(
                status: .ok, headers: [.contentType: "application/json"], body: openAPIDocument)
        case .preflight:
            return cors.preflight(origin: request.headers[.origin])
        case .listModels:
            _ = try await admit(request, model: nil)
            return try await listModels()
        case .feedback(let model):
            _ = try await admit(request, model: model)
            return try recordFeedback(model: model, try parseJSONObject(request))
        case .classify, .invocations, .infer, .routed, .sageMakerInvocations:
            let (model, admission, input) = try await admitAndParse(endpoint, request)
            outcome.model = model
            let context = InvocationContext(
                requestID: requestID, traceparent: outcome.trace?.traceparent, amazonTraceID: outcome.trace?.amazonTraceID)
            let attributes =
                endpoint == .sageMakerInvocations
                ? SageMakerContract.Attributes(header: request.headers[SageMakerContract.customAttributesHeader]) : nil
            let pinned = attributes?.version ?? request.headers[Self.modelVersionHeader]
            var served: Served
            do {
                served = try await serveVersion(model, input.texts, context: context, keyID: admission.keyID, pinned: pinned)
            } catch let error as GatewayError where error.allowsFallback {
                guard let fallback = models[model]?.fallback else { throw error }
                logger.warning(
                    "model failed; fallback answers",
                    metadata: ["model": "\(model)", "fallback": "\(fallback)", "error": "\(error.errorType)"])
                served = try await serveVersion(fallback, input.texts, context: context, keyID: admission.keyID, pinned: nil)
                outcome.servedBy = fallback
            }
            outcome.version = served.version
            outcome.usage = served.usage
            outcome.upstream = served.upstream
            answers.remember(
                requestID: requestID,
                .init(model: served.model, version: served.version, labels: served.predictions.map(\.label)))
            if served.usage.startedLoad, let load = served.usage.loadDuration {
                metrics.recordColdStart(model: served.model, load: load)
            }
            var response = Self.encode(endpoint, input, served.predictions, model: served.model, version: served.version)
            response.headers.append(contentsOf: admission.rateLimitHeaders)
            response.headers[Self.coldStartHeader] = served.usage.coldStart ? "true" : "false"
            response.headers[Self.modelVersionHeader] = served.version
            if let servedBy = outcome.servedBy { response.headers[Self.servedByHeader] = servedBy }
            if attributes != nil {
                response.headers[SageMakerContract.customAttributesHeader] = SageMakerContract.Attributes.answer(
                    model: served.model, version: served.version)
            }
            var timings: [String] = []
            if let load = served.usage.loadDuration { timings.append("load;dur=\(Self.milliseconds(load))") }
            if let inference = served.inference { timings.append("inference;dur=\(Self.milliseconds(inference))") }
            if let upstream = served.upstream { timings.append("upstream;dur=\(Self.milliseconds(upstream))") }
            response.headers[Self.serverTimingHeader] = timings.joined(separator: ", ")
            return response
        }
    }

    /// Scores `{"request_id", "label", "index"?}` against the remembered answer: accuracy per
    /// version, which the canary analysis compares.
    private func recordFeedback(model: String, _ object: [String: JSONValue]) throws(GatewayError) -> GatewayResponse {
        if let unknown = object.keys.sorted().first(where: { !["request_id", "label", "index"].contains($0) }) {
            throw .invalidRequest("unknown field '\(unknown)'; send request_id, label and, for a batch, index")
        }
        guard case .string(let requestID)? = object["request_id"], !requestID.isEmpty else {
            throw .invalidRequest("request_id must be the X-Request-Id of an earlier answer, as a string")
        }
        guard case .string(let label)? = object["label"], !label.isEmpty else {
            throw .invalidRequest("label must be the text's true label, as a string")
        }
        var index = 0
        switch object["index"] {
        case nil: break
        case .number(let value)? where value >= 0 && value == value.rounded() && value < 1_000_000: index = Int(value)
        case let other?: throw .invalidRequest("index must be the text's position in the batch, a whole number, not \(other)")
        }
        let labels = models[model]?.labels ?? []
        if !labels.isEmpty, !labels.contains(label) {
            throw .invalidRequest("label '\(label)' is not one of the model's labels: \(labels.joined(separator: ", "))")
        }
        let answer: AnswerLog.Answer
        switch answers.score(requestID: requestID, model: model, index: index) {
        case .unknown: throw .unknownRequest(model: model, requestID: requestID, remembered: answers.capacity)
        case .alreadyScored: throw .invalidRequest("feedback for request '\(requestID)' (text \(index)) was already recorded")
        case .found(let found): answer = found
        }
        let predicted = answer.labels[index]
        if let version = Int(answer.version) {
            releases?.recordFeedback(model: model, version: version, correct: predicted == label)
        }
        return Self.json(
            FeedbackResponse(
                requestID: requestID, model: model, version: answer.version, predicted: predicted, label: label,
                correct: predicted == label))
    }

    /// One model's answer to a request's texts.
    struct Served {
        var model: String
        var predictions: [Prediction]
        var version: String
        var usage: ModelRegistry.Usage
        /// Computing time of a local model.
        var inference: Duration?
        /// Waiting time on a remote one.
        var upstream: Duration?
    }

    /// Runs `texts` through the version of `model` its release chooses for this key (or the
    /// pinned one), recording what the version did. A canary that fails hands the request to
    /// stable, so a bad canary costs no client a request; its failure still counts against it.
    private func serveVersion(
        _ model: String, _ texts: [String], context: InvocationContext, keyID: String?, pinned: String?
    ) async throws -> Served {
        let choice: ReleaseController.Choice?
        do {
            choice = try releases?.choose(model: model, stickyKey: keyID, pinned: pinned)
        } catch .unknownVersion(_, let version, let known) {
            throw GatewayError.unknownVersion(model: model, version: version, known: known)
        } catch {
            throw GatewayError.internalError
        }
        guard let releases, let choice else {
            if let pinned, pinned != models[model]?.version {
                throw GatewayError.unknownVersion(model: model, version: pinned, known: [])
            }
            return try await serve(model, registryKey: model, texts, context: context)
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            var served = try await serve(model, registryKey: "\(model)@\(choice.version)", texts, context: context)
            served.version = String(choice.version)
            // A version's first request also loads it; that one-time cost is not its latency.
            let latency = start.duration(to: clock.now) - (served.usage.loadDuration ?? .zero)
            releases.recordAnswer(
                model: model, version: choice.version, labels: served.predictions.map(\.label),
                scores: served.predictions.map(\.score), latency: latency)
            return served
        } catch let error as GatewayError {
            if case .overloaded = error { throw error }
            releases.recordError(model: model, version: choice.version)
            guard choice.isCanary, pinned == nil else { throw error }
            logger.warning(
                "canary failed; stable answers",
                metadata: ["model": "\(model)", "canary": "\(choice.version)", "error": "\(error.errorType)"])
            var served = try await serve(model, registryKey: "\(model)@\(choice.stable)", texts, context: context)
            served.version = String(choice.stable)
            return served
        }
    }

    /// Runs `texts` through the registry's `registryKey`, locally or on its remote server,
    /// within its concurrency limit.
    func serve(
        _ model: String, registryKey: String, _ texts: [String], context: InvocationContext
    ) async throws -> Served {
        do {
            let (result, usage) = try await registry.withModel(registryKey) { loaded in
                try await Self.run(loaded, texts, context: context)
            }
            return Served(
                model: model, predictions: result.predictions, version: result.version, usage: usage,
                inference: result.inference, upstream: result.upstream)
        } catch let error as ModelRuntimeError {
            if case .loadFailed(_, let reason) = error {
                logger.error("model failed to load", metadata: ["model": "\(model)", "reason": "\(reason)"])
            }
            throw Self.gatewayError(error)
        } catch let error as RemoteModelError {
            logger.warning("remote model failed", metadata: ["model": "\(model)", "error": "\(error)"])
            throw Self.gatewayError(error, model: model)
        } catch {
            logger.error("model failed", metadata: ["model": "\(model)", "error": "\(error)"])
            throw GatewayError.modelUnavailable(model: model, reason: "it failed; see the server log")
        }
    }

    /// What a model computed for `texts`, and how long it computed or waited.
    struct Computed: Sendable {
        var predictions: [Prediction]
        var version: String
        var inference: Duration?
        var upstream: Duration?
    }

    private static func run(_ loaded: LoadedModel, _ texts: [String], context: InvocationContext) async throws -> Computed {
        if let remote = loaded.remote {
            let answer = try await remote.classify(texts, context: context)
            return Computed(
                predictions: answer.predictions, version: loaded.version, inference: nil, upstream: answer.upstreamDuration)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let predictions = try loaded.classify(texts).map(\.prediction)
        return Computed(
            predictions: predictions, version: loaded.version, inference: start.duration(to: clock.now), upstream: nil)
    }

    /// The model, rate-limit headers and input of a classification request, checked in order:
    /// key, route or model, throttle and quota, body.
    private func admitAndParse(_ endpoint: Endpoint, _ request: GatewayRequest) async throws(GatewayError) -> (
        model: String, admission: Admission, input: ClassificationInput
    ) {
        switch endpoint {
        case .classify(let model), .invocations(let model), .infer(let model):
            let admission = try await admit(request, model: model)
            return (model, admission, try parse(endpoint, request))
        case .sageMakerInvocations:
            let attributes = SageMakerContract.Attributes(header: request.headers[SageMakerContract.customAttributesHeader])
            guard let model = attributes.model ?? sageMaker?.defaultModel else {
                throw .invalidRequest(
                    "this container serves \(models.keys.sorted().joined(separator: ", ")); name one in X-Amzn-SageMaker-Custom-Attributes: model=NAME"
                )
            }
            if models[model] == nil { throw .unknownModel(model, known: models.keys.sorted()) }
            return (model, Admission(keyID: nil, rateLimitHeaders: [:]), try parse(endpoint, request))
        case .routed(let name):
            _ = try await access?.authenticate(request.headers, from: request.clientAddress)
            guard let route = routes[name] else { throw .unknownRoute(name, known: routes.keys.sorted()) }
            let admission = try await admit(request, model: nil)
            var choice: String?
            let input: ClassificationInput
            switch route.selector {
            case .header(let header):
                choice = HTTPField.Name(header).flatMap { request.headers[$0] }
                input = try parse(endpoint, request)
            case .jsonField(let field):
                let object = try parseJSONObject(request)
                switch object[field] {
                case nil: choice = nil
                case .string(let value)?: choice = value
                case let other?: throw .invalidRequest("\(field) must be a string, not \(other.typeName)")
                }
                var rest = object
                rest[field] = nil
                input = try ClassificationInput.native(rest, limits: limits)
            }
            let model = try route.model(for: choice)
            guard models[model] != nil else { throw .unknownModel(model, known: models.keys.sorted()) }
            return (model, admission, input)
        default:
            throw .internalError
        }
    }

    /// An admitted request's key, which keeps it on one side of a canary, and its rate-limit headers.
    struct Admission {
        var keyID: String?
        var rateLimitHeaders: HTTPFields
    }

    /// Authenticates, checks the model exists, then throttles and counts: an unknown key learns
    /// nothing about models, and a request for an unknown model uses no quota.
    private func admit(_ request: GatewayRequest, model: String?) async throws(GatewayError) -> Admission {
        let credential = try await access?.authenticate(request.headers, from: request.clientAddress)
        if let model, models[model] == nil { throw .unknownModel(model, known: models.keys.sorted()) }
        guard let access, let credential else { return Admission(keyID: nil, rateLimitHeaders: [:]) }
        return Admission(keyID: credential.key.id, rateLimitHeaders: try await access.admit(credential))
    }

    /// The body, present, within the size limit and declared JSON.
    private func checkedBody(_ request: GatewayRequest, missing: GatewayError) throws(GatewayError) -> [UInt8] {
        guard let body = request.body, !body.isEmpty else { throw missing }
        guard body.count <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        let contentType = request.headers[.contentType]
        guard let contentType, Self.isJSON(contentType) else { throw .unsupportedMediaType(contentType) }
        return body
    }

    /// The body as a JSON object, with the API's checks and errors (missing, too large, not
    /// JSON, malformed); the console reads its bodies through it too.
    package func parseJSONObject(_ request: GatewayRequest) throws(GatewayError) -> [String: JSONValue] {
        try JSON.parseObject(try checkedBody(request, missing: .invalidRequest("request body is missing; send a JSON object")))
    }

    private func parse(_ endpoint: Endpoint, _ request: GatewayRequest) throws(GatewayError) -> ClassificationInput {
        let isInfer = if case .infer = endpoint { true } else { false }
        let body = try checkedBody(
            request,
            missing: isInfer
                ? .issue("Request payload is missing") : .invalidRequest("request body is missing; send a JSON object"))
        switch endpoint {
        case .infer:
            // The reference Lambda answers every unusable payload with the same 422 issue.
            let object: [String: JSONValue]
            do {
                object = try JSON.parseObject(body)
            } catch .invalidRequest {
                throw .issue("Please provide an input text")
            }
            guard case .string(let text)? = object["text"], !text.allSatisfy(\.isWhitespace) else {
                throw .issue("Please provide an input text")
            }
            guard text.unicodeScalars.count <= limits.maxTextLength else {
                throw .issue("Input text is longer than the limit of \(limits.maxTextLength) characters")
            }
            return .single(text)
        case .invocations, .sageMakerInvocations:
            return try ClassificationInput.invocations(try JSON.parseObject(body), limits: limits)
        default:
            return try ClassificationInput.native(try JSON.parseObject(body), limits: limits)
        }
    }

    /// `application/json` or any `application/*+json`, parameters and case ignored; compared
    /// on bytes because it runs on every request.
    package static func isJSON(_ contentType: String) -> Bool {
        var mediaType = Substring(contentType).utf8.prefix { $0 != UInt8(ascii: ";") }
        while let first = mediaType.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            mediaType = mediaType.dropFirst()
        }
        while let last = mediaType.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            mediaType = mediaType.dropLast()
        }
        let lowercased = mediaType.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        let application = Array("application/".utf8)
        let json = Array("json".utf8)
        let suffix = Array("+json".utf8)
        guard lowercased.starts(with: application) else { return false }
        let subtype = lowercased.dropFirst(application.count)
        return subtype.elementsEqual(json) || (subtype.count > suffix.count && subtype.suffix(suffix.count).elementsEqual(suffix))
    }

    private static func encode(
        _ endpoint: Endpoint, _ input: ClassificationInput, _ predictions: [Prediction], model: String, version: String
    ) -> GatewayResponse {
        switch (endpoint, input) {
        case (.infer, _):
            return json(InferResponse(category: predictions[0].label))
        case (.invocations, _), (.sageMakerInvocations, _):
            return json(predictions.map { LabelScore(label: $0.label, score: $0.score) })
        case (_, .single):
            let result = NativeResult(predictions[0])
            return json(
                NativeSingleResponse(
                    model: model, version: version, label: result.label, score: result.score, scores: result.scores))
        case (_, .batch):
            return json(NativeBatchResponse(model: model, version: version, results: predictions.map(NativeResult.init)))
        }
    }

    private func listModels() async throws -> GatewayResponse {
        var summaries: [ModelList.Summary] = []
        for (name, model) in models.sorted(by: { $0.key < $1.key }) {
            let release = releases?.summary(of: name)
            let registryKey = release.map { "\(name)@\($0.release.stable)" } ?? name
            let state = registry.state(of: registryKey) ?? .cold
            summaries.append(
                ModelList.Summary(
                    name: name, version: release.map { String($0.release.stable) } ?? model.version, labels: model.labels,
                    state: state.rawValue, location: model.location,
                    health: model.remote.map { ModelList.Summary.Health($0.health) }, fallback: model.fallback,
                    release: release.map(ReleaseSummary.init)))
        }
        return Self.json(ModelList(models: summaries))
    }

    /// A load failure's reason with the artifact's directory left out (`weights.bin: SHA-256 does
    /// not match …`): what went wrong, for the client, without the server's file layout.
    static func withoutDirectories(_ reason: String) -> String {
        guard let separator = reason.range(of: ": ") else { return reason }
        let subject = reason[..<separator.lowerBound]
        let file = subject.split(separator: "/").last.map(String.init) ?? String(subject)
        return file + reason[separator.lowerBound...]
    }

    static func gatewayError(_ error: ModelRuntimeError) -> GatewayError {
        switch error {
        case .unknownModel(let name, let known): .unknownModel(name, known: known)
        case .overloaded(let model, let seconds): .overloaded(model: model, retryAfterSeconds: seconds)
        case .loadFailed(let model, let reason):
            .modelUnavailable(model: model, reason: "it failed to load (\(withoutDirectories(reason))); see the server log")
        case .duplicateModel: .internalError
        }
    }

    static func gatewayError(_ error: RemoteModelError, model: String) -> GatewayError {
        switch error {
        case .upstreamFailed(let message, _): .upstreamFailed(model: model, message: message)
        case .upstreamUnavailable(let message, let seconds):
            .upstreamUnavailable(model: model, reason: message, retryAfterSeconds: seconds)
        case .timeout: .upstreamTimeout
        case .circuitOpen(let seconds): .circuitOpen(model: model, retryAfterSeconds: seconds)
        case .invalidResponse(let reason): .upstreamInvalidResponse(model: model, reason: reason)
        case .misconfigured(let reason): .modelUnavailable(model: model, reason: reason)
        }
    }

    static func json(_ value: some JSONWritable) -> GatewayResponse {
        GatewayResponse(status: .ok, headers: [.contentType: "application/json"], body: value.jsonBytes)
    }

    /// Milliseconds with three decimals, written without `String(format:)`, which goes
    /// through a locale on every call.
    package static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}

/// Whether provisioned models are loaded. A class of its own: Swift 6.3's optimizer crashes
/// ("Found outside of lifetime use") on `Gateway.init` when the gateway holds an `Atomic`
/// directly beside its other stored properties.
final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    func markReady() { ready.store(true, ordering: .releasing) }
    var isReady: Bool { ready.load(ordering: .acquiring) }
}
