import Synchronization

/// Counts quota in group commits, led by the requests themselves.
///
/// A request that finds a free slot (fewer than `maxBatchesInFlight` batches being written)
/// becomes a leader. It yields once, so that requests already runnable reach the queue too,
/// then writes its own request and every waiting one as one batch, answers them, and hands its
/// slot to the first request that arrived meanwhile. None is answered before its batch is
/// committed. A lone request pays no hop, and a burst of N pays one commit (and, on a network
/// database, one round trip) instead of N: what lets a keyed route keep up with an unkeyed one.
package final class GroupCommitQueue<Request: Sendable, Decision: Sendable>: Sendable {
    package typealias Write = ([Request]) async throws -> [Decision]

    /// What a waiting request is woken with: its decision, or a slot to lead with.
    private enum Turn {
        case decided(Decision)
        case lead
    }

    private struct Waiting {
        var request: Request
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var batchesInFlight = 0
    }

    private let maxBatchesInFlight: Int
    private let state = Mutex(State())

    package init(maxBatchesInFlight: Int) {
        self.maxBatchesInFlight = maxBatchesInFlight
    }

    /// Decides `request`, in a batch that `write` (of this request or another's, all alike)
    /// decides: one decision per request, in order. Passed per call rather than stored, so the
    /// queue holds no reference to the store that owns it.
    package func submit(_ request: Request, write: Write) async throws -> Decision {
        if takeSlot() { return try await lead(with: request, write: write) }
        let turn = try await withCheckedThrowingContinuation { continuation in
            // Decided again under the lock that queues the continuation: a batch in progress
            // may have ended in between, and then nobody would wake this request.
            let leadsNow = state.withLock { state in
                if state.batchesInFlight >= maxBatchesInFlight {
                    state.waiting.append(Waiting(request: request, continuation: continuation))
                    return false
                }
                state.batchesInFlight += 1
                return true
            }
            if leadsNow { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .decided(let decision): return decision
        case .lead: return try await lead(with: request, write: write)
        }
    }

    private func takeSlot() -> Bool {
        state.withLock { state in
            guard state.batchesInFlight < maxBatchesInFlight else { return false }
            state.batchesInFlight += 1
            return true
        }
    }

    /// Writes `request` and every waiting request as one batch, answers the waiters and passes
    /// the slot on. Called only by a request holding a slot.
    private func lead(with request: Request, write: Write) async throws -> Decision {
        await Task.yield()
        let followers = state.withLock { state in
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        let outcome: Result<[Decision], any Error>
        do { outcome = .success(try await write([request] + followers.map(\.request))) } catch { outcome = .failure(error) }
        let nextLeader = state.withLock { state -> Waiting? in
            if state.waiting.isEmpty {
                state.batchesInFlight -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        nextLeader?.continuation.resume(returning: .lead)
        switch outcome {
        case .success(let decisions):
            for (follower, decision) in zip(followers, decisions.dropFirst()) {
                follower.continuation.resume(returning: .decided(decision))
            }
            return decisions[0]
        case .failure(let error):
            for follower in followers { follower.continuation.resume(throwing: error) }
            throw error
        }
    }
}
