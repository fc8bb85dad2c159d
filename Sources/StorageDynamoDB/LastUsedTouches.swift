import Foundation
import Storage
import Synchronization

/// When this process last wrote each key's `last_used_at`, so it writes at most once per
/// `ConsumeRequest.lastUsedResolution` per key.
final class LastUsedTouches: Sendable {
    private let touched = Mutex<[String: Date]>([:])

    /// Whether the key is due a refresh at `now`; if so, records `now` as its refresh.
    func isDue(keyID: String, at now: Date) -> Bool {
        touched.withLock { touched in
            if let last = touched[keyID], now.timeIntervalSince(last) < ConsumeRequest.lastUsedResolution, now >= last {
                return false
            }
            touched[keyID] = now
            return true
        }
    }
}
