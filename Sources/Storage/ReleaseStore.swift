import Foundation

/// Where model releases live: beside the keys, in the same database, so that replicas that
/// share quotas also share which version serves.
public protocol ReleaseStore: Sendable {
    /// The release of `model`, nil when none was recorded yet.
    func release(of model: String) async throws(StorageError) -> ModelRelease?
    /// Every recorded release, by model name.
    func releases() async throws(StorageError) -> [ModelRelease]
    /// Writes `release` as revision `release.revision + 1` if the stored revision is still
    /// `release.revision` (0: none stored). Returns the written release, or nil when another
    /// writer got there first.
    func saveRelease(_ release: ModelRelease) async throws(StorageError) -> ModelRelease?
}

/// The store `magpie serve` and `magpie lambda` share between replicas: keys, plans, quota
/// counters and model releases.
public typealias SharedStore = KeyStore & ReleaseStore

extension ReleaseStore {
    /// Applies `change` to the current release (or to `initial` when none is stored) and writes
    /// it, reading again and reapplying when another writer got there first. `change` throws
    /// to refuse.
    public func updateRelease<Failure: Error>(
        of model: String, initial: @autoclosure () -> ModelRelease, _ change: (inout ModelRelease) throws(Failure) -> Void
    ) async throws -> ModelRelease {
        while true {
            var release = try await self.release(of: model) ?? initial()
            try change(&release)
            if let saved = try await saveRelease(release) { return saved }
        }
    }
}
