import Clocks

/// Each model computes at most `maxConcurrency` requests at once; up to `maxQueue` more wait
/// in arrival order, and beyond that a request is refused with `overloaded`, so a burst
/// cannot pile up unbounded latency.
extension ModelRegistry {
    /// Takes a concurrency slot, or a place in the queue, or refuses with `overloaded`.
    func acquireSlot(_ key: ModelKey) async throws {
        enum Decision {
            case run, wait, refuse, unknown
        }
        func decide(_ entry: inout Entry?) -> Decision {
            guard entry != nil else { return .unknown }
            return decideKnown(&entry!)
        }
        func decideKnown(_ entry: inout Entry) -> Decision {
            if entry.running < entry.deployment.maxConcurrency {
                entry.running += 1
                return .run
            }
            return entry.waiting.count < entry.deployment.maxQueue ? .wait : .refuse
        }
        switch entries.withLock({ decide(&$0[key]) }) {
        case .run:
            return
        case .unknown:
            throw ModelRuntimeError.unknownModel(key.description, known: keys.map(\.description))
        case .refuse:
            throw ModelRuntimeError.overloaded(model: key.description, retryAfterSeconds: 1)
        case .wait:
            // Decided again under the lock that queues the continuation: a slot may have been
            // released in between, and nothing else would resume it.
            let admitted = await withCheckedContinuation { continuation in
                let decision = entries.withLock { entries in
                    let decision = decideKnown(&entries[key]!)
                    if case .wait = decision { entries[key]!.waiting.append(continuation) }
                    return decision
                }
                switch decision {
                case .run: continuation.resume(returning: true)
                case .refuse, .unknown: continuation.resume(returning: false)
                case .wait: break
                }
            }
            guard admitted else { throw ModelRuntimeError.overloaded(model: key.description, retryAfterSeconds: 1) }
        }
    }

    /// Hands the slot to the next waiter, if any, so queued requests run in arrival order.
    func releaseSlot(_ key: ModelKey) {
        let now = clock.now
        let next = entries.withLock { entries in Self.release(&entries[key]!, at: now) }
        next?.resume(returning: true)
    }

    /// Frees `entry`'s slot, or hands it to its first waiter, returned to be resumed.
    private static func release(_ entry: inout Entry, at now: AnyClock<Duration>.Instant) -> CheckedContinuation<Bool, Never>? {
        entry.lastUsed = now
        if entry.waiting.isEmpty {
            entry.running -= 1
            return nil
        }
        return entry.waiting.removeFirst()
    }
}
