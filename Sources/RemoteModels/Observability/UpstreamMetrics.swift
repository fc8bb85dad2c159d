import ModelRuntime
import Prometheus

/// One remote model's Prometheus series, in the gateway's registry so `GET /metrics` shows
/// them beside the request metrics: call latency, attempts, retries, errors by code, breaker
/// state (0 closed, 1 half-open, 2 open) and calls in flight.
struct UpstreamMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let model: String
    let duration: DurationHistogram
    let attempts: Counter
    let retries: Counter
    let breakerState: Gauge
    let inFlight: Gauge

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    init(registry: PrometheusCollectorRegistry, model: String) {
        self.registry = registry
        self.model = model
        let labels = [("model", model)]
        duration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_upstream_request_duration", unitName: "seconds",
                helpText: "Time a remote model took to answer a call, retries included."),
            labels: labels, buckets: Self.buckets)
        attempts = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_upstream_attempts", unitName: "total", helpText: "Requests sent to remote models."),
            labels: labels)
        retries = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_upstream_retries", unitName: "total", helpText: "Requests to remote models sent again."),
            labels: labels)
        breakerState = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_upstream_breaker_state",
                helpText: "Circuit breaker of a remote model: 0 closed, 1 half-open, 2 open."), labels: labels)
        inFlight = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_upstream_in_flight", helpText: "Calls to a remote model waiting for an answer."),
            labels: labels)
    }

    func recordError(code: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "magpie_upstream_errors", unitName: "total", helpText: "Failed calls to remote models, by code."),
            labels: [("model", model), ("code", code)]
        ).increment()
    }

    func recordBreaker(_ breaker: RemoteHealth.Breaker) {
        switch breaker {
        case .closed: breakerState.set(Int64(0))
        case .halfOpen: breakerState.set(Int64(1))
        case .open: breakerState.set(Int64(2))
        }
    }
}
