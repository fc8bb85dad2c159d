import Clocks
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
        var openedAt: AnyClock<Duration>.Instant?
        var lastError: String?
    }

    private let state = Mutex(State())
    private let clock: AnyClock<Duration>

    init(failureThreshold: Int, cooldown: Duration, clock: AnyClock<Duration>) {
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
        self.clock = clock
    }

    func admit() -> Admission {
        let now = clock.now
        return state.withLock { state in
            switch state.breaker {
            case .closed:
                return .allowed
            case .halfOpen:
                return .refused(retryAfterSeconds: 1)
            case .open:
                let reopensAt = state.openedAt!.advanced(by: cooldown)
                guard now >= reopensAt else {
                    let left = now.duration(to: reopensAt).components
                    let seconds = Double(left.seconds) + Double(left.attoseconds) * 1e-18
                    return .refused(retryAfterSeconds: max(1, Int(seconds.rounded(.up))))
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
    func recordFailure(_ description: String) -> Bool {
        let now = clock.now
        return state.withLock { state in
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
