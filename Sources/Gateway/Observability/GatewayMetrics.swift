import CoreMetrics
import Metrics
import ModelRuntime
import Synchronization

/// Request and model metrics, through the swift-metrics facade: any backend's factory can be
/// given, and `GET /metrics` answers with what the backend's `exposition` renders (Prometheus's
/// text format in `magpie serve`). Each gateway takes its own factory instead of bootstrapping
/// the process-wide `MetricsSystem`, so tests can run several servers in one process and each
/// reports only its own requests.
public final class GatewayMetrics: Sendable {
    public let factory: any MetricsFactory
    private let render: @Sendable () -> [UInt8]

    /// The collectors of each route and status seen, so a request costs one dictionary lookup
    /// rather than the backend's name and label matching for two collectors.
    private let requestCollectors = Mutex<[RouteStatus: (requests: Counter, duration: Metrics.Timer)]>([:])

    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }

    /// - Parameter exposition: the page `GET /metrics` answers with, for a backend that is
    ///   scraped; empty for one that pushes.
    public init(factory: any MetricsFactory, exposition: @escaping @Sendable () -> [UInt8] = { [] }) {
        self.factory = factory
        self.render = exposition
    }

    func record(route: String, status: Int, duration: Duration) {
        let key = RouteStatus(route: route, status: status)
        let collectors =
            requestCollectors.withLock { $0[key] }
            ?? {
                let made = (
                    requests: Counter(
                        label: "magpie_requests_total", dimensions: [("route", route), ("status", String(status))],
                        factory: factory),
                    duration: Metrics.Timer(
                        label: "magpie_request_duration_seconds", dimensions: [("route", route)], factory: factory)
                )
                requestCollectors.withLock { $0[key] = made }
                return made
            }()
        collectors.requests.increment()
        collectors.duration.record(duration: duration)
    }

    func recordColdStart(model: String, load: Duration) {
        Counter(label: "magpie_model_cold_starts_total", dimensions: [("model", model)], factory: factory).increment()
        Metrics.Timer(label: "magpie_model_load_duration_seconds", dimensions: [("model", model)], factory: factory)
            .record(duration: load)
    }

    /// One batch of a model that batches requests: its texts and estimated tokens, as
    /// histograms (`magpie_batch_texts`, `magpie_batch_tokens`), and its requests as a count.
    /// `queue` is the batching model's `NAME@VERSION`, or `encoder-…` (its weights' SHA-256)
    /// for the queue of the models sharing an encoder.
    package func recordBatch(_ batch: BatchStatistics, queue: String) {
        let dimensions = [("queue", queue)]
        Recorder(label: "magpie_batch_texts", dimensions: dimensions, factory: factory).record(batch.texts)
        Recorder(label: "magpie_batch_tokens", dimensions: dimensions, factory: factory).record(batch.tokens)
        Counter(label: "magpie_batched_requests_total", dimensions: dimensions, factory: factory).increment(by: batch.requests)
    }

    func exposition() -> [UInt8] {
        render()
    }
}
