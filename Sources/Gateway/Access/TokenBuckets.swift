import Clocks
import Synchronization

/// One `TokenBucket` per name (an API key, a client address), in this process's memory, on
/// an injected clock. Buckets are per process on purpose: throttling protects this process,
/// while quotas (durable) protect the account. Memory is bounded: at `capacity` names, the
/// full buckets are forgotten first (they would start full anyway), then the oldest.
package final class TokenBuckets: Sendable {
    let capacity: Int
    private let clock: AnyClock<Duration>
    private let buckets = Mutex<[String: TokenBucket]>([:])

    package init(capacity: Int = 100_000, clock: AnyClock<Duration>) {
        self.capacity = capacity
        self.clock = clock
    }

    /// Takes a token from `name`'s bucket; when none is left, the whole seconds until one is.
    func take(_ name: String, perSecond: Double, burst: Int) -> Int? {
        update(name, perSecond: perSecond, burst: burst) { bucket in
            bucket.take() ? nil : bucket.secondsUntilNextToken
        }
    }

    /// Whole seconds until `name` has a token again; nil when it has one now. Takes nothing.
    func wait(_ name: String) -> Int? {
        let now = clock.now
        return buckets.withLock { buckets in
            guard var bucket = buckets[name] else { return nil }
            bucket.refill(at: now)
            return bucket.secondsUntilNextToken
        }
    }

    /// Takes a token from `name`'s bucket, down to empty.
    func drain(_ name: String, perSecond: Double, burst: Int) {
        update(name, perSecond: perSecond, burst: burst) { $0.drain() }
    }

    private func update<Result>(
        _ name: String, perSecond: Double, burst: Int, _ change: (inout TokenBucket) -> Result
    ) -> Result {
        let now = clock.now
        return buckets.withLock { buckets in
            if buckets[name] == nil, buckets.count >= capacity { evict(from: &buckets, now: now) }
            var bucket = buckets[name] ?? TokenBucket(perSecond: perSecond, burst: burst, full: now)
            bucket.refill(at: now)
            bucket.perSecond = perSecond
            bucket.burst = burst
            defer { buckets[name] = bucket }
            return change(&bucket)
        }
    }

    private func evict(from buckets: inout [String: TokenBucket], now: AnyClock<Duration>.Instant) {
        buckets = buckets.filter { _, bucket in
            var refilled = bucket
            refilled.refill(at: now)
            return !refilled.isFull
        }
        if buckets.count >= capacity, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets[oldest.key] = nil
        }
    }
}
