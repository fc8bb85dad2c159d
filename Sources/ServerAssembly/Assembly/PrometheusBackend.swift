import Gateway
import Prometheus

/// The metrics backend `magpie serve` and `magpie lambda` plug in: swift-prometheus behind the
/// swift-metrics facade, scraped at `GET /metrics` in Prometheus's text format. Another
/// backend is another `GatewayMetrics(factory:exposition:)`; Gateway, Releases and
/// RemoteModels only see the facade.
extension GatewayMetrics {
    package static func prometheus(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) -> GatewayMetrics {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "magpie_request_duration_seconds": requestBuckets, "magpie_model_load_duration_seconds": requestBuckets,
            "magpie_model_version_duration_seconds": requestBuckets, "magpie_upstream_request_duration_seconds": upstreamBuckets,
        ]
        factory.valueHistogramBuckets = [
            "magpie_model_version_top_score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
            "magpie_batch_texts": [1, 2, 4, 8, 16, 32, 64, 128, 256],
            "magpie_batch_tokens": [16, 64, 256, 1024, 4096, 8192, 16384, 65536],
        ]
        return GatewayMetrics(factory: factory) { registry.emitToBuffer() }
    }

    /// From a cached n-gram answer (100 µs) to a cold encoder's load (5 s).
    static let requestBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5),
    ]

    /// From a server beside this one (1 ms) to a cold serverless endpoint (60 s).
    static let upstreamBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]
}
