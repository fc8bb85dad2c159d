import Synchronization

/// Scores a copy of a request with a second version after the client's answer, off its path:
/// the canary analysis compares the canary with stable on the same texts, and a shadow
/// release can score live traffic the same way. It never changes an answer, a status or a
/// quota. Bounded: with `maxInFlight` comparisons running, a new sample is skipped rather than
/// queued, so a slow second version never piles up work or memory.
final class PairedScoring: Sendable {
    let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)

    init(maxInFlight: Int = 8) {
        self.maxInFlight = maxInFlight
    }

    /// Whether this request is in a `percent` sample.
    func sampled(percent: Int) -> Bool {
        percent >= 100 || (percent > 0 && Int.random(in: 0..<100) < percent)
    }

    /// Starts `score` in a task of its own when a place is free; false when it was skipped.
    @discardableResult
    func submit(_ score: @escaping @Sendable () async -> Void) -> Bool {
        let taken = inFlight.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        guard taken <= maxInFlight else {
            inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        Task {
            await score()
            inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        }
        return true
    }

    /// Comparisons running now.
    var running: Int { inFlight.load(ordering: .acquiring) }
}
