import Foundation
import GRDB
import Synchronization

/// Counts quota in group commits: requests that arrive while a transaction is being written
/// wait and are all counted in the next one. Each is still its own conditional `UPSERT`, in
/// arrival order, so counts stay exact, and none is answered before its commit; but a burst
/// of N requests costs one transaction instead of N, which is what lets a keyed route keep
/// up with an unkeyed one.
final class QuotaCommitQueue: Sendable {
    struct Request: Sendable {
        var keyID: String
        var quota: Quota?
        var now: Date
    }

    private struct Waiting {
        var request: Request
        var continuation: CheckedContinuation<QuotaDecision, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var isWriting = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func consume(_ request: Request) async throws -> QuotaDecision {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state in
                state.waiting.append(Waiting(request: request, continuation: continuation))
                guard !state.isWriting else { return false }
                state.isWriting = true
                return true
            }
            if startsWriter { Task { await self.writeUntilEmpty() } }
        }
    }

    private func writeUntilEmpty() async {
        while true {
            let batch = state.withLock { state in
                let batch = state.waiting
                state.waiting.removeAll()
                if batch.isEmpty { state.isWriting = false }
                return batch
            }
            if batch.isEmpty { return }
            let requests = batch.map(\.request)
            do {
                let decisions = try await pool.write { db in try requests.map { try Self.consume($0, in: db) } }
                for (waiting, decision) in zip(batch, decisions) { waiting.continuation.resume(returning: decision) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }

    static func consume(_ request: Request, in db: Database) throws -> QuotaDecision {
        try db.execute(
            sql: "UPDATE keys SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL",
            arguments: [request.now.databaseSeconds, request.keyID])
        guard db.changesCount == 1 else { return .revoked }
        guard let quota = request.quota else { return .counted(quota: nil) }
        let window = quota.window(containing: request.now)
        let counted = try Int.fetchOne(
            db,
            sql: """
                INSERT INTO usage (key_id, period_start, count) VALUES (?, ?, 1)
                ON CONFLICT (key_id, period_start) DO UPDATE SET count = count + 1 WHERE count < ?
                RETURNING count
                """, arguments: [request.keyID, window.start.databaseSeconds, quota.limit])
        guard let counted else {
            return .exceeded(quota: QuotaState(limit: quota.limit, used: quota.limit, resetsAt: window.end))
        }
        return .counted(quota: QuotaState(limit: quota.limit, used: counted, resetsAt: window.end))
    }
}
