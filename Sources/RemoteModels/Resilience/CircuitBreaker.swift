import ModelRuntime
import Synchronization

/// Stops calling an upstream that keeps failing. Closed, it counts consecutive failed calls;
/// at `failureThreshold` it opens and refuses calls for `cooldown`; then one call goes
/// through as a probe (half-open): its success closes the breaker, its failure opens it again.
final class CircuitBreaker: Sendable {
    let failureThreshold: Int
    let cooldown: Duration

    enum Admission: Equatable {
        case allowed
        /// The one call that tests a recovering upstream.
        case probe
        case refused(retryAfterSeconds: Int)
    }

    private struct State {
        var breaker: RemoteHealth.Breaker = .closed
        var consecutiveFailures = 0
        var openedAt: ContinuousClock.Instant?
        var lastError: String?
    }

    private let state = Mutex(State())

    init(failureThreshold: Int, cooldown: Duration) {
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
    }

    func admit(now: ContinuousClock.Instant = .now) -> Admission {
        state.withLock { state in
            switch state.breaker {
            case .closed:
                return .allowed
            case .halfOpen:
                return .refused(retryAfterSeconds: 1)
            case .open:
                let reopensAt = state.openedAt!.advanced(by: cooldown)
                guard now >= reopensAt else {
                    let seconds = now.duration(to: reopensAt).components.seconds
                    return .refused(retryAfterSeconds: Int(max(1, seconds + 1)))
                }
                state.breaker = .halfOpen
                return .probe
            }
        }
    }

    func recordSuccess() {
        state.withLock { state in
            state.breaker = .closed
            state.consecutiveFailures = 0
            state.openedAt = nil
        }
    }

    /// Returns true when this failure opened the breaker.
    @discardableResult
    func recordFailure(_ description: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            state.consecutiveFailures += 1
            state.lastError = description
            guard state.breaker == .halfOpen || (state.breaker == .closed && state.consecutiveFailures >= failureThreshold)
            else { return false }
            state.breaker = .open
            state.openedAt = now
            return true
        }
    }

    var health: RemoteHealth {
        state.withLock {
            RemoteHealth(breaker: $0.breaker, consecutiveFailures: $0.consecutiveFailures, lastError: $0.lastError)
        }
    }
}
