import Prometheus
import Storage
import Synchronization

/// Per-version metrics beside the gateway's: requests and errors, latency, predicted labels
/// and top scores by version, the canary's weight, and decisions taken.
public final class ReleaseMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5),
    ]
    static let scoreBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]

    private struct Collectors {
        var answered: Counter
        var errors: Counter
        var latency: DurationHistogram
        var scores: ValueHistogram
        var labels: [String: Counter] = [:]
    }

    private let collectors = Mutex<[String: Collectors]>([:])

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func recordAnswer(model: String, version: Int, labels: [String], scores: [Float], latency: Duration) {
        let key = "\(model)@\(version)"
        var made = collectors.withLock { $0[key] } ?? make(model: model, version: version)
        made.answered.increment()
        made.latency.record(latency)
        for score in scores { made.scores.record(Double(score)) }
        var added = false
        for label in labels {
            if made.labels[label] == nil {
                made.labels[label] = registry.makeCounter(
                    descriptor: .init(
                        metricName: "magpie_model_version_predictions", unitName: "total",
                        helpText: "Texts by predicted label, per model version."),
                    labels: [("model", model), ("version", String(version)), ("label", label)])
                added = true
            }
            made.labels[label]!.increment()
        }
        if added || collectors.withLock({ $0[key] == nil }) { collectors.withLock { $0[key] = made } }
    }

    func recordError(model: String, version: Int) {
        let key = "\(model)@\(version)"
        let made = collectors.withLock { $0[key] } ?? make(model: model, version: version)
        made.errors.increment()
        collectors.withLock { $0[key] = $0[key] ?? made }
    }

    func recordFeedback(model: String, version: Int, correct: Bool) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "magpie_model_version_feedback", unitName: "total",
                helpText: "Labelled feedback per model version, by whether the answer was correct."),
            labels: [("model", model), ("version", String(version)), ("outcome", correct ? "correct" : "wrong")]
        ).increment()
    }

    func recordDecision(model: String, action: String) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "magpie_release_decisions", unitName: "total",
                helpText: "Release decisions taken by this process's canary analysis, by action."),
            labels: [("model", model), ("action", action)]
        ).increment()
    }

    func recordRelease(_ release: ModelRelease) {
        registry.makeGauge(
            descriptor: .init(
                metricName: "magpie_canary_weight", helpText: "The running canary's share of requests in percent, 0 without one."),
            labels: [("model", release.model)]
        ).set(Double(release.canary?.weight ?? 0))
        registry.makeGauge(
            descriptor: .init(metricName: "magpie_stable_version", helpText: "The stable version of each model."),
            labels: [("model", release.model)]
        ).set(Double(release.stable))
    }

    private func make(model: String, version: Int) -> Collectors {
        let labels = [("model", model), ("version", String(version))]
        let requests = MetricNameDescriptor(
            metricName: "magpie_model_version_requests", unitName: "total",
            helpText: "Requests per model version, by outcome (answered or error).")
        return Collectors(
            answered: registry.makeCounter(descriptor: requests, labels: labels + [("outcome", "answered")]),
            errors: registry.makeCounter(descriptor: requests, labels: labels + [("outcome", "error")]),
            latency: registry.makeDurationHistogram(
                descriptor: .init(
                    metricName: "magpie_model_version_duration", unitName: "seconds",
                    helpText: "Time to answer, per model version."),
                labels: labels, buckets: Self.latencyBuckets),
            scores: registry.makeValueHistogram(
                descriptor: .init(
                    metricName: "magpie_model_version_top_score", helpText: "Top class score per text, per model version."),
                labels: labels, buckets: Self.scoreBuckets))
    }
}
