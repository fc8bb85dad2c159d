import Foundation

/// One request to count, as the stores' group commits batch them.
struct ConsumeRequest: Sendable {
    var keyID: String
    var quota: Quota?
    var now: Date

    /// How stale a key's `last_used_at` may be: refreshed at most once a minute per key, so a
    /// counted request writes one row (its counter), not two.
    static let lastUsedResolution = 60.0
}
