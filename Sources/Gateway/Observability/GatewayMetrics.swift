import Prometheus
import Synchronization

/// Request and model metrics in Prometheus's text format at `GET /metrics`. Each gateway owns
/// its registry instead of bootstrapping the process-wide `MetricsSystem`, so tests can run
/// several servers in one process and each reports only its own requests.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// The collectors of each route and status seen, so a request costs one dictionary lookup
    /// rather than the registry's name and label matching for two collectors.
    private let requestCollectors = Mutex<[RouteStatus: (requests: Counter, duration: DurationHistogram)]>([:])

    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func record(route: String, status: Int, duration: Duration) {
        let key = RouteStatus(route: route, status: status)
        let collectors =
            requestCollectors.withLock { $0[key] }
            ?? {
                let made = (
                    requests: registry.makeCounter(
                        descriptor: MetricNameDescriptor(
                            metricName: "magpie_requests", unitName: "total", helpText: "Requests by route and status."),
                        labels: [("route", route), ("status", String(status))]),
                    duration: registry.makeDurationHistogram(
                        descriptor: MetricNameDescriptor(
                            metricName: "magpie_request_duration", unitName: "seconds",
                            helpText: "Time from request to response, by route."),
                        labels: [("route", route)], buckets: Self.durationBuckets)
                )
                requestCollectors.withLock { $0[key] = made }
                return made
            }()
        collectors.requests.increment()
        collectors.duration.record(duration)
    }

    func recordColdStart(model: String, load: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_model_cold_starts", unitName: "total", helpText: "Model loads caused by requests."),
            labels: [("model", model)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_model_load_duration", unitName: "seconds", helpText: "Time to load a model."),
            labels: [("model", model)], buckets: Self.durationBuckets
        ).record(load)
    }

    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
