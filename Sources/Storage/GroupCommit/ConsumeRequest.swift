import Foundation

/// One request to count, as the stores' group commits batch them.
package struct ConsumeRequest: Sendable {
    package var keyID: String
    package var quota: Quota?
    package var now: Date

    package init(keyID: String, quota: Quota?, now: Date) {
        self.keyID = keyID
        self.quota = quota
        self.now = now
    }

    /// How stale a key's `last_used_at` may be: refreshed at most once a minute per key, so a
    /// counted request writes one row (its counter), not two.
    package static let lastUsedResolution = 60.0
}
