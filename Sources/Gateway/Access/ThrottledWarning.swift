import Logging
import Synchronization

/// A warning logged at most once per interval, for faults that every request meets at once
/// (the store going away), so an outage leaves a readable log rather than one line a request.
final class ThrottledWarning: Sendable {
    private let interval: Duration
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    init(every interval: Duration) {
        self.interval = interval
    }

    func warn(_ logger: Logger, _ message: Logger.Message, metadata: Logger.Metadata) {
        let now = ContinuousClock.now
        let due = last.withLock { last in
            if let previous = last, previous.duration(to: now) < interval { return false }
            last = now
            return true
        }
        if due { logger.warning(message, metadata: metadata) }
    }
}
