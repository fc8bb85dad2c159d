import Foundation
import Gateway
import JSONValues

/// The Traffic page's series: per model and slice, requests per second, failures, the p50 and
/// p99 latency of the slice's requests and, for a model that batches, the mean batch size they
/// were computed in.
struct TrafficView: JSONWritable {
    struct Series: JSONWritable {
        var model: String
        var requestsPerSecond: [Double]
        var serverErrors: [Int]
        var clientErrors: [Int]
        var p50Ms: [Double?]
        var p99Ms: [Double?]
        var batchTexts: [Double?]

        func write(to writer: inout JSONWriter) {
            func optionals(_ values: [Double?], to writer: inout JSONWriter) {
                writer.array(values) { writer, value in
                    if let value { writer.number(value) } else { writer.null() }
                }
            }
            writer.object { members in
                members.member("batch_texts") { optionals(batchTexts, to: &$0) }
                members.member("client_errors") { $0.array(clientErrors) { $0.number($1) } }
                members.member("model") { $0.string(model) }
                members.member("p50_ms") { optionals(p50Ms, to: &$0) }
                members.member("p99_ms") { optionals(p99Ms, to: &$0) }
                members.member("requests_per_second") { $0.array(requestsPerSecond) { $0.number($1) } }
                members.member("server_errors") { $0.array(serverErrors) { $0.number($1) } }
            }
        }
    }

    var start: Date
    var sliceSeconds: Int
    var series: [Series]

    func write(to writer: inout JSONWriter) {
        writer.object { members in
            members.member("series") { series.write(to: &$0) }
            members.member("slice_seconds") { $0.number(sliceSeconds) }
            members.member("start") { $0.string(start.formatted(.iso8601)) }
        }
    }

    init(_ history: [TrafficHistory.Series]) {
        start = history.first?.start ?? Date()
        sliceSeconds = TrafficHistory.sliceSeconds
        series = history.map { model in
            Series(
                model: model.model,
                requestsPerSecond: model.slices.map { Double($0.requests) / Double(TrafficHistory.sliceSeconds) },
                serverErrors: model.slices.map(\.serverErrors), clientErrors: model.slices.map(\.clientErrors),
                p50Ms: model.slices.map { $0.latency.percentile(0.5).map(TrialView.milliseconds) },
                p99Ms: model.slices.map { $0.latency.percentile(0.99).map(TrialView.milliseconds) },
                batchTexts: model.slices.map(\.meanBatchTexts))
        }
    }
}
