import Clocks
import Digests
import Foundation
import Storage
import Synchronization

/// Signed-in operators, held in this process: a session is a random token in an `HttpOnly`
/// cookie, bound to the admin key that opened it and to a CSRF token the page sends with
/// every change. Sessions end after `idleLimit` without a request, after `lifetime` in any
/// case, on sign-out, and when their admin key is revoked (checked at most every
/// `revocationCheck`). Each replica keeps its own: behind a load balancer, sign in per replica
/// or keep the console on one.
final class ConsoleSessions: Sendable {
    struct Session: Sendable {
        var adminKey: AdminKey
        var csrfToken: String
        var createdAt: AnyClock<Duration>.Instant
        var lastSeenAt: AnyClock<Duration>.Instant
        var checkedAt: AnyClock<Duration>.Instant
    }

    let idleLimit: Duration
    let lifetime: Duration
    let revocationCheck: Duration
    let capacity: Int
    private let clock: AnyClock<Duration>
    private let sessions = Mutex<[String: Session]>([:])

    init(
        idleLimit: Duration = .seconds(30 * 60), lifetime: Duration = .seconds(8 * 3600),
        revocationCheck: Duration = .seconds(5), capacity: Int = 10_000, clock: AnyClock<Duration>
    ) {
        self.clock = clock
        self.idleLimit = idleLimit
        self.lifetime = lifetime
        self.revocationCheck = revocationCheck
        self.capacity = capacity
    }

    /// A new session for `key`: its cookie token and its CSRF token.
    func open(for key: AdminKey) -> (token: String, session: Session) {
        let now = clock.now
        let token = Self.randomToken()
        let session = Session(adminKey: key, csrfToken: Self.randomToken(), createdAt: now, lastSeenAt: now, checkedAt: now)
        sessions.withLock { sessions in
            if sessions.count >= capacity {
                sessions = sessions.filter { isLive($0.value, now: now) }
                if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastSeenAt < $1.value.lastSeenAt }) {
                    sessions[oldest.key] = nil
                }
            }
            sessions[token] = session
        }
        return (token, session)
    }

    /// The live session of `token`, touched; nil for an unknown or expired one.
    func session(_ token: String) -> Session? {
        let now = clock.now
        return sessions.withLock { sessions in
            guard var session = sessions[token] else { return nil }
            guard isLive(session, now: now) else {
                sessions[token] = nil
                return nil
            }
            session.lastSeenAt = now
            sessions[token] = session
            return session
        }
    }

    /// Whether the session's key must be checked against the store again.
    func needsRevocationCheck(_ session: Session) -> Bool {
        session.checkedAt.duration(to: clock.now) >= revocationCheck
    }

    func markChecked(_ token: String) {
        let now = clock.now
        sessions.withLock { $0[token]?.checkedAt = now }
    }

    func close(_ token: String) {
        sessions.withLock { $0[token] = nil }
    }

    /// Ends every session of a revoked key at once.
    func closeAll(of keyID: String) {
        sessions.withLock { sessions in sessions = sessions.filter { $0.value.adminKey.id != keyID } }
    }

    private func isLive(_ session: Session, now: AnyClock<Duration>.Instant) -> Bool {
        session.lastSeenAt.duration(to: now) < idleLimit && session.createdAt.duration(to: now) < lifetime
    }

    /// 256 bits from the system CSPRNG, hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return lowercaseHex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
