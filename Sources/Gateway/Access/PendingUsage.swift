import Foundation
import Storage
import Synchronization

/// Requests admitted while the store was unavailable (`fail_open`), counted here and written
/// to the store once it answers again. Best effort by design: a quota may be overrun by what
/// was admitted during the outage, and the counts are lost if this process dies first.
final class PendingUsage: Sendable {
    struct Entry: Sendable {
        var keyID: String
        var quota: Quota?
        var at: Date
    }

    private let entries = Mutex<[Entry]>([])
    private let isFlushing = Atomic<Bool>(false)

    var count: Int { entries.withLock { $0.count } }

    func record(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    /// Writes what is pending, oldest first, stopping at the first failure (the rest waits for
    /// the next flush). One flush at a time.
    func flush(to store: any KeyStore) async {
        guard isFlushing.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        defer { isFlushing.store(false, ordering: .releasing) }
        while let entry = entries.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            do {
                _ = try await store.consume(keyID: entry.keyID, quota: entry.quota, at: entry.at)
            } catch {
                entries.withLock { $0.insert(entry, at: 0) }
                return
            }
        }
    }
}
