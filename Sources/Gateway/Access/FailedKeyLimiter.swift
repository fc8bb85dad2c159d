import Synchronization

/// Limits wrong API keys per client address, so guessing keys is refused with 429 long before
/// it could succeed: each wrong key takes a token from the address's bucket (`burst` at once,
/// refilled at `perMinute`), and an address whose bucket is empty is refused before its key is
/// even looked up. Memory is bounded: at `capacity` addresses, the ones whose buckets have
/// refilled are forgotten first, then the oldest.
package final class FailedKeyLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let burst: Int
    let perMinute: Double
    let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    package init(burst: Int, perMinute: Double, capacity: Int = 100_000) {
        self.burst = burst
        self.perMinute = perMinute
        self.capacity = capacity
    }

    /// Whole seconds until `address` may try a key again; nil when it may now.
    package func wait(for address: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            guard let bucket = buckets[address].map({ refilled($0, at: now) }), bucket.tokens < 1 else { return nil }
            return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up)))
        }
    }

    /// Counts a wrong key from `address`.
    package func recordFailure(from address: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            if buckets[address] == nil, buckets.count >= capacity { evict(from: &buckets, now: now) }
            var bucket = buckets[address].map { refilled($0, at: now) } ?? Bucket(tokens: Double(burst), updated: now)
            bucket.tokens = max(0, bucket.tokens - 1)
            buckets[address] = bucket
        }
    }

    private func refilled(_ bucket: Bucket, at now: ContinuousClock.Instant) -> Bucket {
        let elapsed = bucket.updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Bucket(tokens: min(Double(burst), bucket.tokens + seconds * perMinute / 60), updated: now)
    }

    private func evict(from buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, at: now).tokens < Double(burst) }
        if buckets.count >= capacity, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets[oldest.key] = nil
        }
    }
}
