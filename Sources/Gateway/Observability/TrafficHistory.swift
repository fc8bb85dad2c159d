import Foundation
import Releases
import Synchronization

/// Requests, failures and latency per model over the last minutes, in slices of a few
/// seconds: what the console's Traffic page draws. Prometheus keeps totals since start, which
/// a page cannot turn into a recent rate without keeping history itself; this keeps it here,
/// bounded by the served models (unknown names are never recorded) and the window.
package final class TrafficHistory: Sendable {
    package static let sliceSeconds = 5
    package static let slices = 72

    /// One slice of one model's traffic.
    package struct Slice: Sendable {
        package var requests = 0
        /// Answers with a 5xx status: the service failed.
        package var serverErrors = 0
        /// Answers with a 4xx status: the client was refused.
        package var clientErrors = 0
        package var latency = LatencyHistogram()
        /// Requests computed in a batch, and the texts of their batches summed: the mean batch
        /// size a request of the slice saw.
        package var batchedRequests = 0
        package var batchTexts = 0

        package var meanBatchTexts: Double? {
            batchedRequests == 0 ? nil : Double(batchTexts) / Double(batchedRequests)
        }
    }

    /// A model's slices, oldest first, ending with the current one; `start` is the first
    /// slice's beginning.
    package struct Series: Sendable {
        package var model: String
        package var start: Date
        package var slices: [Slice]
    }

    private let models: [String]
    private let recorded = Mutex<[String: [Int: Slice]]>([:])

    package init(models: [String]) {
        self.models = models.sorted()
    }

    /// - Parameter batchTexts: the texts of the forward pass that answered, for a model that
    ///   batches requests.
    package func record(model: String, status: Int, duration: Duration, batchTexts: Int? = nil, at now: Date = Date()) {
        guard models.contains(model) else { return }
        let index = Self.sliceIndex(now)
        recorded.withLock { recorded in
            var slices = recorded[model, default: [:]]
            var slice = slices[index, default: Slice()]
            slice.requests += 1
            if status >= 500 { slice.serverErrors += 1 } else if status >= 400 { slice.clientErrors += 1 }
            slice.latency.record(duration)
            if let batchTexts {
                slice.batchedRequests += 1
                slice.batchTexts += batchTexts
            }
            slices[index] = slice
            if slices.count > Self.slices { slices = slices.filter { $0.key > index - Self.slices } }
            recorded[model] = slices
        }
    }

    /// Every served model's last `slices` slices, empty ones included, so series line up.
    package func series(at now: Date = Date()) -> [Series] {
        let last = Self.sliceIndex(now)
        let first = last - Self.slices + 1
        let start = Date(timeIntervalSince1970: Double(first * Self.sliceSeconds))
        let recorded = recorded.withLock { $0 }
        return models.map { model in
            let slices = recorded[model] ?? [:]
            return Series(model: model, start: start, slices: (first...last).map { slices[$0] ?? Slice() })
        }
    }

    private static func sliceIndex(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970) / sliceSeconds
    }
}
