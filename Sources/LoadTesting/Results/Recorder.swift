import Histogram
import Synchronization

/// Everything a run measured, shared by its connections: an HDR histogram of latencies in
/// microseconds (three significant digits, up to an hour), answers by status, failures by
/// kind, and per-second counts. Requests finished during the warm-up are not recorded.
final class Recorder: Sendable {
    struct Second: Sendable, Equatable {
        var requests = 0
        var errors = 0
    }

    struct State: Sendable {
        var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        var statuses: [Int: Int] = [:]
        var failures: [String: Int] = [:]
        var seconds: [Second] = []
        var firstCompletion: ContinuousClock.Instant?
        var lastCompletion: ContinuousClock.Instant?
    }

    let measuredFrom: ContinuousClock.Instant
    private let state = Mutex(State())

    init(measuredFrom: ContinuousClock.Instant) {
        self.measuredFrom = measuredFrom
    }

    /// Records a request finished at `end`, answered (`status`) or not (`failure`).
    func record(start: ContinuousClock.Instant, end: ContinuousClock.Instant, status: Int?, failure: RequestFailure?) {
        guard end >= measuredFrom else { return }
        let microseconds = UInt64(max(0, Self.microseconds(start.duration(to: end))))
        let second = Int(Self.microseconds(measuredFrom.duration(to: end)) / 1_000_000)
        state.withLock { state in
            state.firstCompletion = state.firstCompletion ?? end
            state.lastCompletion = end
            while state.seconds.count <= second { state.seconds.append(Second()) }
            state.seconds[second].requests += 1
            if let status {
                _ = state.latency.record(microseconds)
                state.statuses[status, default: 0] += 1
                if status >= 400 { state.seconds[second].errors += 1 }
            } else if let failure {
                state.failures[failure.kind, default: 0] += 1
                state.seconds[second].errors += 1
            }
        }
    }

    var snapshot: State { state.withLock { $0 } }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
