import AWSClient
import Classifiers
import Clocks
import CoreMetrics
import Foundation
import ModelRuntime

/// A model served by another server, behind Magpie's keys, quotas and routes: each call gets
/// the model's timeout (retries included), a circuit breaker that stops calling an upstream
/// that keeps failing, metrics, and the request's trace context.
public final class RemoteModel: ServableModel {
    public let name: String
    public let endpoint: RemoteEndpoint
    let upstream: any Upstream
    let format: any PayloadFormat
    let breaker: CircuitBreaker
    let metrics: UpstreamMetrics

    init(
        name: String, endpoint: RemoteEndpoint, upstream: any Upstream, format: any PayloadFormat, metrics: UpstreamMetrics,
        clock: AnyClock<Duration>
    ) {
        self.name = name
        self.endpoint = endpoint
        self.upstream = upstream
        self.format = format
        self.breaker = CircuitBreaker(
            failureThreshold: endpoint.breakerFailures, cooldown: endpoint.breakerCooldown, clock: clock)
        self.metrics = metrics
        metrics.recordBreaker(.closed)
    }

    /// The client for `endpoint`, with credentials, region and endpoint overrides from
    /// `environment` for SageMaker, and header values from it for HTTP servers. Fails at start
    /// (naming the model) on what would fail every call: no region, a header variable unset.
    /// The breaker's cooldown runs on `clock`; a call's timeout is real time, always.
    public convenience init(
        name: String, endpoint: RemoteEndpoint, environment: [String: String], metrics factory: any MetricsFactory,
        transport: HTTPTransport = HTTPTransport(), clock: AnyClock<Duration> = AnyClock(ContinuousClock())
    ) throws(RemoteModelError) {
        let upstream: any Upstream
        let format: any PayloadFormat
        switch endpoint.target {
        case .sageMaker(let endpointName, let region):
            let policy = RetryPolicy(
                maxAttempts: endpoint.maxAttempts, extraRetryableCodes: [SageMakerRuntime.modelNotReady],
                answerMargin: endpoint.answerMargin, isPatient: RetryPolicy.patient(codes: [SageMakerRuntime.modelNotReady]))
            do {
                let client = try AWSClient(
                    service: .sageMakerRuntime, region: region, environment: environment, transport: transport,
                    retryPolicy: policy)
                upstream = SageMakerUpstream(runtime: SageMakerRuntime(client: client), endpointName: endpointName)
            } catch {
                throw .misconfigured("model '\(name)': \(error)")
            }
            format = HuggingFaceFormat()
        case .http(let url, let payloadFormat):
            var headers: [(name: String, value: String)] = []
            for (header, variable) in endpoint.headersFromEnvironment.sorted(by: { $0.key < $1.key }) {
                guard let value = environment[variable], !value.isEmpty else {
                    throw .misconfigured("model '\(name)': header \(header) comes from \(variable), which is not set")
                }
                headers.append((header, value))
            }
            let policy = RetryPolicy(
                maxAttempts: endpoint.maxAttempts, answerMargin: endpoint.answerMargin,
                isPatient: RetryPolicy.patientWhenThrottled)
            upstream = HTTPUpstream(transport: transport, url: url, headers: headers, retryPolicy: policy)
            format =
                switch payloadFormat {
                case .huggingFace: HuggingFaceFormat()
                case .kserveV2: KServeV2Format()
                case .magpie: MagpieFormat()
                }
        }
        self.init(
            name: name, endpoint: endpoint, upstream: upstream, format: format,
            metrics: UpstreamMetrics(factory: factory, model: name), clock: clock)
    }

    public var profile: ModelProfile { ModelProfile(remote: endpoint) }

    public var upstreamHealth: RemoteHealth? { breaker.health }

    public func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
        try await call(texts, context: context)
    }

    /// An upstream answers labels and scores only; there is nothing to explain them from.
    public func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? {
        nil
    }

    /// One upstream call for all `texts` where the format allows it, within the breaker and
    /// the timeout.
    func call(_ texts: [String], context: InvocationContext) async throws(RemoteModelError) -> ModelAnswer {
        let admission = breaker.admit()
        if case .refused(let seconds) = admission {
            metrics.recordError(code: "circuit_open")
            throw .circuitOpen(retryAfterSeconds: seconds)
        }
        if admission == .probe { metrics.recordBreaker(.halfOpen) }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: endpoint.timeout)
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        do {
            var predictions: [Prediction] = []
            let batches = format.acceptsBatches ? [texts] : texts.map { [$0] }
            for batch in batches {
                let (answer, made) = try await upstream.send(
                    format.requestBody(for: batch), context: context, deadline: deadline
                ) { _ in self.metrics.retries.increment() }
                metrics.attempts.increment(by: made)
                predictions += try format.predictions(from: answer.body, count: batch.count)
            }
            let elapsed = start.duration(to: clock.now)
            metrics.duration.record(duration: elapsed)
            breaker.recordSuccess()
            metrics.recordBreaker(.closed)
            return ModelAnswer(predictions: predictions, upstream: elapsed)
        } catch {
            metrics.duration.record(duration: start.duration(to: clock.now))
            let failure = Self.remoteError(error)
            metrics.recordError(code: Self.metricCode(error))
            if Self.countsAgainstHealth(failure) {
                breaker.recordFailure(failure.description)
                metrics.recordBreaker(breaker.health.breaker)
            } else if admission == .probe {
                breaker.recordSuccess()
                metrics.recordBreaker(.closed)
            }
            throw failure
        }
    }

    /// An input the model itself rejects says nothing about the endpoint's health.
    static func countsAgainstHealth(_ error: RemoteModelError) -> Bool {
        if case .upstreamFailed(_, let code) = error, code == SageMakerRuntime.modelError { return false }
        return true
    }

    static func remoteError(_ error: any Error) -> RemoteModelError {
        if let error = error as? RemoteModelError { return error }
        guard let error = error as? AWSClientError else { return .invalidResponse("\(error)") }
        switch error {
        case .timeout:
            return .timeout
        case .connection(let reason):
            return .upstreamUnavailable(message: "connection failed: \(reason)", retryAfterSeconds: 1)
        case .credentials(let reason), .configuration(let reason):
            return .misconfigured(reason)
        case .invalidResponse(let reason):
            return .invalidResponse(reason)
        case .service(let answer):
            if answer.code == SageMakerRuntime.modelError {
                return .upstreamFailed(message: answer.details["OriginalMessage"] ?? answer.message, code: answer.code)
            }
            let message = answer.message.isEmpty ? answer.description : answer.message
            // Still cold, throttled or shedding load: worth retrying later (503). A server
            // error stays the upstream's failure (502).
            let isBusy =
                answer.code == SageMakerRuntime.modelNotReady || RetryPolicy.throttlingCodes.contains(answer.code)
                || answer.statusCode == 503 || answer.statusCode == 429
            if isBusy { return .upstreamUnavailable(message: message, retryAfterSeconds: 1) }
            return .upstreamFailed(message: message, code: answer.code.isEmpty ? "HTTP \(answer.statusCode)" : answer.code)
        }
    }

    /// The `code` label of the errors counter: the service's code, else the status or kind.
    static func metricCode(_ error: any Error) -> String {
        switch error as? AWSClientError {
        case .service(let answer)?: answer.code.isEmpty ? String(answer.statusCode) : answer.code
        case .timeout?: "timeout"
        case .connection?: "connection"
        case .credentials?, .configuration?: "configuration"
        case .invalidResponse?, nil: "invalid_response"
        }
    }
}
