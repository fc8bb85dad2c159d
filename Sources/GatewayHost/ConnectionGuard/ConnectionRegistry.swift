import NIOCore
import Synchronization

/// Every open connection of one server, counted, with the idle ones in the order they became
/// idle, so a new connection over the limit can take the place of the longest-idle one.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open = 0
        /// Idle connections by identity, with when they became idle.
        var idle: [ObjectIdentifier: (since: ContinuousClock.Instant, channel: any Channel)] = [:]
    }

    private let state = Mutex(State())
    let maxConnections: Int

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// Counts a new connection; false when it must be refused, after the longest-idle
    /// connection (if any) was closed to make room for it.
    func admit() -> Bool {
        let (admitted, evicted) = state.withLock { state -> (Bool, (any Channel)?) in
            state.open += 1
            guard state.open > maxConnections else { return (true, nil) }
            guard let oldest = state.idle.min(by: { $0.value.since < $1.value.since }) else { return (false, nil) }
            state.idle[oldest.key] = nil
            return (true, oldest.value.channel)
        }
        evicted?.close(promise: nil)
        return admitted
    }

    func closed(_ channel: any Channel) {
        state.withLock { state in
            state.open -= 1
            state.idle[ObjectIdentifier(channel)] = nil
        }
    }

    func becameIdle(_ channel: any Channel) {
        state.withLock { $0.idle[ObjectIdentifier(channel)] = (.now, channel) }
    }

    func becameBusy(_ channel: any Channel) {
        _ = state.withLock { $0.idle.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
