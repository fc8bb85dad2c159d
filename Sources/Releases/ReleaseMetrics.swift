import CoreMetrics
import Metrics
import Storage
import Synchronization

/// Per-version metrics beside the gateway's, through the swift-metrics facade: requests and
/// errors, latency, predicted labels and top scores by version, the canary's weight, and
/// decisions taken.
public final class ReleaseMetrics: Sendable {
    private let factory: any MetricsFactory

    private struct Collectors {
        var answered: Counter
        var errors: Counter
        var latency: Metrics.Timer
        var scores: Recorder
        var labels: [String: Counter] = [:]
    }

    private let collectors = Mutex<[String: Collectors]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func recordAnswer(model: String, version: Int, labels: [String], scores: [Float], latency: Duration) {
        let key = "\(model)@\(version)"
        var made = collectors.withLock { $0[key] } ?? make(model: model, version: version)
        made.answered.increment()
        made.latency.record(duration: latency)
        for score in scores { made.scores.record(Double(score)) }
        var added = false
        for label in labels {
            if made.labels[label] == nil {
                made.labels[label] = Counter(
                    label: "magpie_model_version_predictions_total",
                    dimensions: [("model", model), ("version", String(version)), ("label", label)], factory: factory)
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
        Counter(
            label: "magpie_model_version_feedback_total",
            dimensions: [("model", model), ("version", String(version)), ("outcome", correct ? "correct" : "wrong")],
            factory: factory
        ).increment()
    }

    func recordPairs(model: String, version: Int, agreed: Int, of compared: Int) {
        let dimensions = [("model", model), ("version", String(version))]
        let label = "magpie_model_version_paired_texts_total"
        Counter(label: label, dimensions: dimensions + [("outcome", "agreed")], factory: factory).increment(by: agreed)
        Counter(label: label, dimensions: dimensions + [("outcome", "differed")], factory: factory)
            .increment(by: compared - agreed)
    }

    func recordDecision(model: String, action: String) {
        Counter(
            label: "magpie_release_decisions_total", dimensions: [("model", model), ("action", action)], factory: factory
        ).increment()
    }

    func recordRelease(_ release: ModelRelease) {
        Gauge(label: "magpie_canary_weight", dimensions: [("model", release.model)], factory: factory)
            .record(Double(release.canary?.weight ?? 0))
        Gauge(label: "magpie_stable_version", dimensions: [("model", release.model)], factory: factory)
            .record(Double(release.stable))
    }

    private func make(model: String, version: Int) -> Collectors {
        let dimensions = [("model", model), ("version", String(version))]
        let requests = "magpie_model_version_requests_total"
        return Collectors(
            answered: Counter(label: requests, dimensions: dimensions + [("outcome", "answered")], factory: factory),
            errors: Counter(label: requests, dimensions: dimensions + [("outcome", "error")], factory: factory),
            latency: Metrics.Timer(label: "magpie_model_version_duration_seconds", dimensions: dimensions, factory: factory),
            scores: Recorder(
                label: "magpie_model_version_top_score", dimensions: dimensions, aggregate: true, factory: factory))
    }
}
