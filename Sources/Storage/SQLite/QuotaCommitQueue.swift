import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Counts quota in group commits, led by the requests themselves.
///
/// A request that finds no transaction in progress becomes the leader. It yields once, so that
/// requests already runnable reach the queue too, then writes its own count and those of every
/// waiting request in one transaction, synchronously on its own thread, answers them, and hands
/// the lead to the first request that arrived meanwhile. Each count is still its own
/// conditional `UPSERT`, in arrival order, so counts stay exact, and none is answered before
/// its commit. A lone request pays no thread hop, and a burst of N pays one transaction instead
/// of N: what lets a keyed route keep up with an unkeyed one. The leader blocks its thread for
/// one short WAL commit (no fsync with `synchronous = NORMAL`), or up to the busy timeout if
/// another process holds the write lock.
final class QuotaCommitQueue: Sendable {
    struct Request: Sendable {
        var keyID: String
        var quota: Quota?
        var now: Date
    }

    /// What a waiting request is woken with: its decision, or the lead.
    private enum Turn {
        case decided(QuotaDecision)
        case lead
    }

    private struct Waiting {
        var request: Request
        var continuation: CheckedContinuation<Turn, any Error>
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
        let leads = state.withLock { state in
            if state.isWriting { return false }
            state.isWriting = true
            return true
        }
        if leads { return try await lead(with: request) }
        let turn = try await withCheckedThrowingContinuation { continuation in
            // Decided again under the lock that queues the continuation: the transaction in
            // progress may have ended in between, and then nobody would wake this request.
            let leadsNow = state.withLock { state in
                if state.isWriting {
                    state.waiting.append(Waiting(request: request, continuation: continuation))
                    return false
                }
                state.isWriting = true
                return true
            }
            if leadsNow { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .decided(let decision): return decision
        case .lead: return try await lead(with: request)
        }
    }

    /// Writes `request` and every waiting request in one transaction, answers the waiters and
    /// passes the lead on. Called only by the one request holding `isWriting`.
    private func lead(with request: Request) async throws -> QuotaDecision {
        await Task.yield()
        let followers = state.withLock { state in
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        let requests = [request] + followers.map(\.request)
        let outcome = Result { try write(requests) }
        let nextLeader = state.withLock { state -> Waiting? in
            if state.waiting.isEmpty {
                state.isWriting = false
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

    /// Synchronous on purpose (see the type's comment); a separate function so that the
    /// synchronous `write` is chosen in this asynchronous context.
    private func write(_ requests: [Request]) throws -> [QuotaDecision] {
        try pool.write { db in try requests.map { try Self.consume($0, in: db) } }
    }

    /// How stale `last_used_at` may be: refreshed at most once a minute per key, so a counted
    /// request writes one page (its usage row), not two. Each page written is a WAL frame, and
    /// frames are what a commit costs.
    static let lastUsedResolution = 60.0

    static func consume(_ request: Request, in db: Database) throws -> QuotaDecision {
        // Cached statements: compiling these on every request cost more than running them.
        // The key's row is read, not updated, to learn it is still active: a revocation since
        // the request was authenticated refuses it here.
        let now = request.now.databaseSeconds
        let keyID = BoundValue.text(request.keyID)
        guard
            let lastUsed = try db.cachedStatement(sql: "SELECT last_used_at FROM keys WHERE id = ? AND revoked_at IS NULL")
                .firstRow(
                    binding: [keyID], in: db, { sqlite3_column_type($0, 0) == SQLITE_NULL ? nil : sqlite3_column_double($0, 0) })
        else { return .revoked }
        if lastUsed.map({ now - $0 >= lastUsedResolution || now < $0 }) ?? true {
            try db.cachedStatement(sql: "UPDATE keys SET last_used_at = ? WHERE id = ?").execute(arguments: [now, request.keyID])
        }
        guard let quota = request.quota else { return .counted(quota: nil) }
        let window = quota.window(containing: request.now)
        let counted = try db.cachedStatement(
            sql: """
                INSERT INTO usage (key_id, period_start, count) VALUES (?, ?, 1)
                ON CONFLICT (key_id, period_start) DO UPDATE SET count = count + 1 WHERE count < ?
                RETURNING count
                """
        ).firstRow(binding: [keyID, .real(window.start.databaseSeconds), .integer(quota.limit)], in: db) {
            Int(sqlite3_column_int64($0, 0))
        }
        guard let counted else {
            return .exceeded(quota: QuotaState(limit: quota.limit, used: quota.limit, resetsAt: window.end))
        }
        return .counted(quota: QuotaState(limit: quota.limit, used: counted, resetsAt: window.end))
    }
}
