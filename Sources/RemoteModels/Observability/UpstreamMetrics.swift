import CoreMetrics
import Metrics
import ModelRuntime

/// One remote model's series, through the swift-metrics facade beside the gateway's request
/// metrics: call latency, attempts, retries, errors by code, breaker state (0 closed, 1
/// half-open, 2 open) and calls in flight.
struct UpstreamMetrics: Sendable {
    let factory: any MetricsFactory
    let model: String
    let duration: Metrics.Timer
    let attempts: Counter
    let retries: Counter
    let breakerState: Gauge
    let inFlight: Meter

    init(factory: any MetricsFactory, model: String) {
        self.factory = factory
        self.model = model
        let dimensions = [("model", model)]
        duration = Metrics.Timer(label: "magpie_upstream_request_duration_seconds", dimensions: dimensions, factory: factory)
        attempts = Counter(label: "magpie_upstream_attempts_total", dimensions: dimensions, factory: factory)
        retries = Counter(label: "magpie_upstream_retries_total", dimensions: dimensions, factory: factory)
        breakerState = Gauge(label: "magpie_upstream_breaker_state", dimensions: dimensions, factory: factory)
        inFlight = Meter(label: "magpie_upstream_in_flight", dimensions: dimensions, factory: factory)
    }

    func recordError(code: String) {
        Counter(label: "magpie_upstream_errors_total", dimensions: [("model", model), ("code", code)], factory: factory)
            .increment()
    }

    func recordBreaker(_ breaker: RemoteHealth.Breaker) {
        switch breaker {
        case .closed: breakerState.record(0)
        case .halfOpen: breakerState.record(1)
        case .open: breakerState.record(2)
        }
    }
}
