import Synchronization

/// The requests a server has begun and not yet answered, and whether it still takes new ones:
/// what a graceful shutdown waits on. A request counts from the arrival of its head, so one
/// whose body is still on its way when SIGTERM comes is finished, not refused.
final class RequestDrain: Sendable {
    private struct State {
        var inFlight = 0
        var draining = false
    }

    private let state = Mutex(State())

    /// Counts a request whose head has arrived. False once draining: the request is not
    /// counted and is to be refused.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.draining else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Uncounts a request that `enter` counted, once it is answered or abandoned.
    func leave() {
        state.withLock { $0.inFlight -= 1 }
    }

    /// Stops taking requests; returns how many are in flight.
    func beginDraining() -> Int {
        state.withLock { state in
            state.draining = true
            return state.inFlight
        }
    }

    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Waits until no request is in flight or `timeout` has passed; returns how many remain.
    /// Polls: it runs once per process, and a 10 ms step is short beside any request.
    func waitUntilIdle(timeout: Duration) async -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while case let remaining = inFlight, remaining > 0 {
            guard clock.now < deadline else { return remaining }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return 0
    }
}
