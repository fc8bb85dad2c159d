import Clocks
import CoreMetrics
import HTTPTypes
import Logging
import ModelRuntime
import Releases
import Storage
import Synchronization

/// The request pipeline, a chain of small stages: the envelope (request id, body limit, CORS,
/// metrics, the log line), the router, admission (key, throttle, quota), the codecs, and the
/// model service (release, canary, fallback, the registry). It takes a `GatewayRequest` and
/// returns a `GatewayResponse`, so the HTTP server and the Lambda runtime serve exactly the
/// same API; a handler mounted under a prefix (the console) answers inside the same envelope.
public final class Gateway: Sendable {
    public let registry: ModelRegistry
    /// Which version of each versioned model serves a request; nil serves every model under
    /// its own name, unversioned.
    public let releases: ReleaseController?
    public let limits: GatewayLimits
    package let clock: AnyClock<Duration>
    /// Recent requests per model, for the console's Traffic page.
    package let traffic: TrafficHistory
    let models: [String: ServedModel]
    let routes: [String: ModelRoute]
    let metrics: GatewayMetrics
    let envelope: Envelope
    let router: RouteTable<Endpoint>
    let admission: Admission
    let service: ModelService
    let feedback: Feedback
    let cors: CORSPolicy
    /// SageMaker's `/ping` and `/invocations`, when the process is a SageMaker model container.
    let sageMaker: SageMakerContract?
    private let readiness = Readiness()
    /// `/openapi.json`, generated from the routes, limits and error table on its first request:
    /// at start it would cost every cold start ICU's collator (JSONSerialization's sorted keys).
    private let openAPICache = Mutex<[UInt8]?>(nil)

    /// - Parameters:
    ///   - models: the served models, described at start, for `GET /v1/models` and fallbacks.
    ///   - store: keys, plans and quotas; nil serves without keys (for local experiments only).
    ///   - routes: configured routes that choose the model per request.
    ///   - failOpen: while the store is unavailable, admit keys this process already knows
    ///     and count them later, instead of answering 503 (see `AccessControl`).
    ///   - releases: chooses versions; the registry then serves each version under its key.
    ///   - sageMaker: also serve SageMaker's hosting contract, without keys.
    ///   - clock: what token buckets, cached keys and the console's sessions age by; tests
    ///     pass one they advance.
    public init(
        registry: ModelRegistry, models: [ServedModel], store: (any KeyStore)?, releases: ReleaseController? = nil,
        routes: [ModelRoute] = [], limits: GatewayLimits = GatewayLimits(), cors: CORSPolicy = CORSPolicy(),
        logger: Logger = Logger(label: "magpie.gateway"),
        metrics: GatewayMetrics = GatewayMetrics(factory: NOOPMetricsHandler.instance), failOpen: Bool = false,
        sageMaker: SageMakerContract? = nil, clock: AnyClock<Duration> = AnyClock(ContinuousClock())
    ) {
        let models = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.registry = registry
        self.releases = releases
        self.limits = limits
        self.clock = clock
        self.traffic = TrafficHistory(models: models.keys.sorted())
        self.models = models
        self.routes = Dictionary(routes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.metrics = metrics
        self.envelope = Envelope(limits: limits, cors: cors, metrics: metrics, traffic: traffic, logger: logger)
        self.router = sageMaker == nil ? Endpoint.routes : Endpoint.routes + SageMakerContract.routes
        self.admission = Admission(
            access: store.map { AccessControl(store: $0, failOpen: failOpen, limits: limits, logger: logger, clock: clock) })
        self.service = ModelService(registry: registry, releases: releases, models: models, logger: logger)
        self.feedback = Feedback(
            answers: AnswerLog(capacity: limits.rememberedAnswers), releases: releases, models: models)
        self.cors = cors
        self.sageMaker = sageMaker
    }

    public func handle(_ request: GatewayRequest) async -> GatewayResponse {
        await envelope.respond(to: request, match: route) { endpoint, request, record in
            try await respond(to: endpoint, request, record: &record)
        }
    }

    private func route(_ request: GatewayRequest) throws(GatewayError) -> (Endpoint, metricName: String) {
        let endpoint = try Endpoint.match(method: request.method, path: request.path, in: router)
        return (endpoint, endpoint.metricName)
    }

    /// Answers `request` inside the envelope, by `mounted` when its path is under the mount's
    /// prefix and by the API otherwise.
    package func handle(_ request: GatewayRequest, mounted: some MountedHandler) async -> GatewayResponse {
        guard mounted.serves(request.path) else { return await handle(request) }
        let match: (GatewayRequest) throws(GatewayError) -> ((), metricName: String) = { _ in ((), mounted.metricName) }
        var response = await envelope.respond(to: request, match: match) { _, request, _ in
            try await mounted.respond(to: request)
        }
        mounted.finish(&response)
        return response
    }

    private func respond(to endpoint: Endpoint, _ request: GatewayRequest, record: inout RequestRecord) async throws
        -> GatewayResponse
    {
        record.model = endpoint.model
        switch endpoint {
        case .health:
            return ResponseEncoding.json(["status": "ok"])
        case .ready, .ping:
            guard readiness.isReady else { throw GatewayError.notReady }
            return ResponseEncoding.json(["status": "ready"])
        case .metrics:
            return GatewayResponse(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: metrics.exposition())
        case .openAPI:
            return GatewayResponse(status: .ok, headers: [.contentType: "application/json"], body: openAPIDocument)
        case .preflight:
            return cors.preflight(origin: request.headers[.origin])
        case .listModels:
            _ = try await admission.admit(request) {}
            return ResponseEncoding.json(listModels())
        case .feedback(let model):
            _ = try await admission.admit(request) { () throws(GatewayError) in try known(model) }
            return ResponseEncoding.json(try feedback.record(model: model, try RequestBody.object(request)))
        case .explain(let model):
            return try await explain(model: model, request, record: record)
        case .classify, .invocations, .infer, .routed, .sageMakerInvocations:
            return try await classify(endpoint, request, record: &record)
        }
    }

    var openAPIDocument: [UInt8] {
        openAPICache.withLock { cached in
            if let cached { return cached }
            let document = OpenAPIDocument.json(limits: limits, routes: router)
            cached = document
            return document
        }
    }

    /// The served models, by name, as described at start.
    package var servedModels: [ServedModel] { models.values.sorted { $0.name < $1.name } }

    /// Marks the gateway ready (`GET /ready` → 200) once provisioned models are loaded.
    public func markReady() {
        readiness.markReady()
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
