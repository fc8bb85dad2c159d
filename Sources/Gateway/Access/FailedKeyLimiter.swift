import Clocks

/// Limits wrong API keys per client address, so guessing keys is refused with 429 long before
/// it could succeed: each wrong key takes a token from the address's bucket (`burst` at once,
/// refilled at `perMinute`), and an address whose bucket is empty is refused before its key is
/// even looked up.
package struct FailedKeyLimiter: Sendable {
    let burst: Int
    let perSecond: Double
    private let buckets: TokenBuckets

    package init(burst: Int, perMinute: Double, capacity: Int = 100_000, clock: AnyClock<Duration>) {
        self.burst = burst
        self.perSecond = perMinute / 60
        self.buckets = TokenBuckets(capacity: capacity, clock: clock)
    }

    /// Whole seconds until `address` may try a key again; nil when it may now.
    package func wait(for address: String) -> Int? {
        buckets.wait(address)
    }

    /// Counts a wrong key from `address`.
    package func recordFailure(from address: String) {
        buckets.drain(address, perSecond: perSecond, burst: burst)
    }
}
