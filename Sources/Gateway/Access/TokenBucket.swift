import Clocks

/// A bucket of `burst` tokens refilled at `perSecond`: the one piece of arithmetic behind
/// per-key throttling and the limits on wrong keys and wrong admin keys.
struct TokenBucket: Sendable {
    /// The plan's figures can change while a key is in use; the next refill uses the new ones.
    var perSecond: Double
    var burst: Int
    private(set) var tokens: Double
    private(set) var updated: AnyClock<Duration>.Instant

    init(perSecond: Double, burst: Int, full now: AnyClock<Duration>.Instant) {
        self.perSecond = perSecond
        self.burst = burst
        tokens = Double(burst)
        updated = now
    }

    /// Adds what refilled since the last update, up to `burst`.
    mutating func refill(at now: AnyClock<Duration>.Instant) {
        let elapsed = updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(Double(burst), tokens + max(0, seconds) * perSecond)
        updated = now
    }

    var isFull: Bool { tokens >= Double(burst) }

    /// Takes a token if there is one; returns whether there was.
    mutating func take() -> Bool {
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Takes a token whether or not one is left, down to empty: a failure counts even when
    /// its address is already refused.
    mutating func drain() {
        tokens = max(0, tokens - 1)
    }

    /// Whole seconds until a token is back (at least 1), for `Retry-After`; nil when one is
    /// there now.
    var secondsUntilNextToken: Int? {
        tokens >= 1 ? nil : max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
    }
}
