import HTTPTypes
import Logging

/// What every request gets, once, whichever stage answers it: its request id, the refusal of
/// requests that arrive during shutdown, the body limit, errors as JSON, CORS on the
/// versioned API, `Server-Timing`, metrics, the Traffic page's counts and the log line.
package struct Envelope: Sendable {
    let limits: GatewayLimits
    let cors: CORSPolicy
    let metrics: GatewayMetrics
    let traffic: TrafficHistory
    let logger: Logger
    private let requestIDs = RequestIDGenerator()

    init(limits: GatewayLimits, cors: CORSPolicy, metrics: GatewayMetrics, traffic: TrafficHistory, logger: Logger) {
        self.limits = limits
        self.cors = cors
        self.metrics = metrics
        self.traffic = traffic
        self.logger = logger
    }

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let serverTimingHeader = HTTPField.Name("Server-Timing")!

    /// Routes the request with `match` (which names its route in metrics), then runs `stages`
    /// on what it matched, inside the envelope. Errors either throws become the error table's
    /// answers.
    func respond<Target>(
        to request: GatewayRequest, match: (GatewayRequest) throws(GatewayError) -> (Target, metricName: String),
        _ stages: (Target, GatewayRequest, inout RequestRecord) async throws -> GatewayResponse
    ) async -> GatewayResponse {
        let clock = ContinuousClock()
        let start = clock.now
        var record = RequestRecord(
            requestID: request.headers[Self.requestIDHeader].flatMap { Self.isSafeRequestID($0) ? $0 : nil }
                ?? requestIDs.next())
        var response: GatewayResponse
        do {
            let (target, metricName) = try match(request)
            record.route = metricName
            if request.arrivedDuringShutdown { throw GatewayError.shuttingDown }
            // The host reads at most one byte past the limit, or, when the declared length is
            // over it, nothing: either way the request is refused here, before any other check.
            if (request.declaredBodyLength ?? 0) > limits.maxBodyBytes || (request.body?.count ?? 0) > limits.maxBodyBytes {
                throw GatewayError.bodyTooLarge(limit: limits.maxBodyBytes)
            }
            record.trace = TraceContext(request.headers)
            response = try await stages(target, request, &record)
        } catch let error as GatewayError {
            response = error.response
        } catch {
            logger.error("unexpected error", metadata: ["request_id": "\(record.requestID)", "error": "\(error)"])
            response = GatewayError.internalError.response
        }
        if request.path.hasPrefix("/v1/") { cors.apply(to: &response.headers, origin: request.headers[.origin]) }
        response.headers[Self.requestIDHeader] = record.requestID
        let duration = start.duration(to: clock.now)
        if let served = record.served { response.headers[Self.serverTimingHeader] = Self.serverTiming(served, total: duration) }
        metrics.record(route: record.route, status: response.status.code, duration: duration)
        if let model = record.model {
            traffic.record(
                model: model, status: response.status.code, duration: duration, batchTexts: record.served?.answer.passTexts)
        }
        log(request, record, status: response.status.code, duration: duration)
        return response
    }

    /// `load`, `queue` (waiting for a batch), `inference` and `upstream` as the model reports them; for a remote model also
    /// `gateway`, Magpie's own share: everything but the wait on the upstream.
    static func serverTiming(_ served: ModelService.Served, total: Duration) -> String {
        var timings: [String] = []
        if let load = served.usage.loadDuration { timings.append("load;dur=\(milliseconds(load))") }
        if let queueing = served.answer.queueing { timings.append("queue;dur=\(milliseconds(queueing))") }
        if let computing = served.answer.computing { timings.append("inference;dur=\(milliseconds(computing))") }
        if let upstream = served.answer.upstream {
            timings.append("upstream;dur=\(milliseconds(upstream))")
            timings.append("gateway;dur=\(milliseconds(total - upstream))")
        }
        return timings.joined(separator: ", ")
    }

    private func log(_ request: GatewayRequest, _ record: RequestRecord, status: Int, duration: Duration) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "request_id": .string(record.requestID), "method": .string(request.method.rawValue),
            "route": .string(record.route), "status": .string(String(status)),
            "duration_ms": .string(Self.milliseconds(duration)),
        ]
        if let model = record.model { metadata["model"] = .string(model) }
        if let served = record.served {
            if served.fallbackFor != nil { metadata["served_by"] = .string(served.model) }
            metadata["version"] = .string(served.version)
            metadata["cold_start"] = .string(served.usage.coldStart ? "true" : "false")
            if let upstream = served.answer.upstream { metadata["upstream_ms"] = .string(Self.milliseconds(upstream)) }
        }
        if let traceID = record.trace?.traceID { metadata["trace_id"] = .string(traceID) }
        logger.info("request", metadata: metadata)
    }

    /// Request ids are echoed into headers and logs, so only short, plain ones are kept.
    package static func isSafeRequestID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128
            && id.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
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
