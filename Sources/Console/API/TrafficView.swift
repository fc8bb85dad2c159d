import Foundation
import Gateway

/// The Traffic page's series: per model and slice, requests per second, failures, and the
/// p50 and p99 latency of the slice's requests.
struct TrafficView: Encodable {
    struct Series: Encodable {
        var model: String
        var requestsPerSecond: [Double]
        var serverErrors: [Int]
        var clientErrors: [Int]
        var p50Ms: [Double?]
        var p99Ms: [Double?]
    }

    var start: Date
    var sliceSeconds: Int
    var series: [Series]

    init(_ history: [TrafficHistory.Series]) {
        start = history.first?.start ?? Date()
        sliceSeconds = TrafficHistory.sliceSeconds
        series = history.map { model in
            Series(
                model: model.model,
                requestsPerSecond: model.slices.map { Double($0.requests) / Double(TrafficHistory.sliceSeconds) },
                serverErrors: model.slices.map(\.serverErrors), clientErrors: model.slices.map(\.clientErrors),
                p50Ms: model.slices.map { $0.latency.percentile(0.5).map(TrialView.milliseconds) },
                p99Ms: model.slices.map { $0.latency.percentile(0.99).map(TrialView.milliseconds) })
        }
    }
}
