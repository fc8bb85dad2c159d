import Foundation
import Testing

@testable import Gateway

/// The recent traffic the console draws: slices of a few seconds per served model.
@Suite struct TrafficHistoryTests {
    @Test func requestsFallIntoTheirSlicesAndOldOnesLeaveTheWindow() throws {
        let history = TrafficHistory(models: ["b", "a"])
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        history.record(model: "a", status: 200, duration: .milliseconds(2), at: start)
        history.record(model: "a", status: 200, duration: .milliseconds(4), at: start.addingTimeInterval(1))
        history.record(model: "a", status: 503, duration: .milliseconds(1), at: start.addingTimeInterval(2))
        history.record(model: "a", status: 403, duration: .milliseconds(1), at: start.addingTimeInterval(6))
        history.record(model: "unknown", status: 200, duration: .milliseconds(1), at: start)

        let series = history.series(at: start.addingTimeInterval(7))
        #expect(series.map(\.model) == ["a", "b"], "served models only, in order")
        let a = series[0].slices
        #expect(a.count == TrafficHistory.slices && series[1].slices.allSatisfy { $0.requests == 0 })
        #expect(a[a.count - 2].requests == 3 && a[a.count - 2].serverErrors == 1 && a[a.count - 2].clientErrors == 0)
        #expect(a[a.count - 1].requests == 1 && a[a.count - 1].clientErrors == 1)
        let p99 = try #require(a[a.count - 2].latency.percentile(0.99))
        #expect(p99 >= .milliseconds(4) && p99 < .milliseconds(4.5))
        let end = series[0].start.addingTimeInterval(Double(TrafficHistory.slices * TrafficHistory.sliceSeconds))
        #expect(end > start.addingTimeInterval(7) && end <= start.addingTimeInterval(7 + Double(TrafficHistory.sliceSeconds)))

        let later = start.addingTimeInterval(Double(TrafficHistory.slices * TrafficHistory.sliceSeconds) + 10)
        history.record(model: "a", status: 200, duration: .milliseconds(1), at: later)
        let moved = history.series(at: later)[0].slices
        #expect(moved.map(\.requests).reduce(0, +) == 1, "slices older than the window are gone")
    }

    @Test func aSliceKeepsTheMeanBatchSizeOfItsBatchedRequests() {
        let history = TrafficHistory(models: ["encoder", "ngram"])
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for batchTexts in [1, 8, 12] {
            history.record(model: "encoder", status: 200, duration: .milliseconds(9), batchTexts: batchTexts, at: start)
        }
        history.record(model: "ngram", status: 200, duration: .milliseconds(1), at: start)
        let series = history.series(at: start)
        #expect(series[0].slices.last?.meanBatchTexts == 7)
        #expect(series[1].slices.last?.meanBatchTexts == nil, "a model that does not batch has no batch size")
        #expect(series[0].slices.dropLast().allSatisfy { $0.meanBatchTexts == nil })
    }
}
