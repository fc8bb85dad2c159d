import Clocks
import Storage
import Synchronization

/// Recently authenticated keys, so a busy key costs no database read per request.
///
/// Safe because revocation does not depend on it: every admitted request is counted in a write
/// transaction that refuses a revoked key, so a revoked key gets 403 at once. What the cache
/// delays, by at most `lifetime`, is a plan change reaching keys already in use. Unknown keys
/// are never cached, so a new key works immediately.
final class CredentialCache: Sendable {
    private struct Entry {
        var credential: Credential
        var expires: AnyClock<Duration>.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let clock: AnyClock<Duration>
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration = .seconds(10), capacity: Int = 10_000, clock: AnyClock<Duration>) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.clock = clock
    }

    func credential(forSecret secret: String) -> Credential? {
        let now = clock.now
        return entries.withLock { entries in
            guard let entry = entries[secret], entry.expires > now else { return nil }
            return entry.credential
        }
    }

    /// The last credential seen for `secret`, however old: what `fail_open` admits by while
    /// the store cannot be asked.
    func staleCredential(forSecret secret: String) -> Credential? {
        entries.withLock { $0[secret]?.credential }
    }

    func store(_ credential: Credential, forSecret secret: String) {
        let expires = clock.now.advanced(by: lifetime)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[secret] = Entry(credential: credential, expires: expires)
        }
    }
}
