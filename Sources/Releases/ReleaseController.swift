import Foundation
import Logging
import Storage
import Synchronization

/// Serves each versioned model's release: picks the version for every request (the canary for
/// its share of API keys, sticky per key), watches what each version does, and lets the
/// analysis promote, step up or roll back the canary. The release itself lives in the shared
/// store: every replica reads it once a second, and decisions are written there
/// conditionally, so replicas agree and a restart resumes where the last process stopped.
public final class ReleaseController: Sendable {
    /// The version a request goes to.
    public struct Choice: Sendable, Equatable {
        public var version: Int
        public var isCanary: Bool
        /// The stable version, which answers when the canary fails.
        public var stable: Int

        public init(version: Int, isCanary: Bool, stable: Int) {
            self.version = version
            self.isCanary = isCanary
            self.stable = stable
        }
    }

    /// A model's release as `GET /v1/models` and `magpie models show` describe it.
    public struct Summary: Sendable, Equatable {
        public var versions: [Int]
        public var release: ModelRelease

        public init(versions: [Int], release: ModelRelease) {
            self.versions = versions
            self.release = release
        }
    }

    package let store: any ReleaseStore
    private let policies: [String: ReleasePolicy]
    private let defaultPolicy: ReleasePolicy
    let metrics: ReleaseMetrics
    private let logger: Logger
    private let versions: Mutex<[String: [Int]]>
    let releases = Mutex<[String: ModelRelease]>([:])
    let window = Mutex<[String: [Int: VersionObservations]]>([:])
    let recordedValidation: RecordedValidation
    private let discoverVersions: (@Sendable (_ model: String) -> [Int])?
    private let lastRefresh = Mutex<ContinuousClock.Instant?>(nil)

    /// - Parameters:
    ///   - versions: the versions on disk of each versioned model.
    ///   - policies: each model's canary policy; the others get `defaultPolicy`.
    ///   - discoverVersions: looks again for a model's versions on disk (and makes them
    ///     servable), when its release names one this process does not know: a version another
    ///     replica's retraining published.
    ///   - validationMacroF1: the validation macro F1 a version's artifact recorded, if any.
    public init(
        store: any ReleaseStore, versions: [String: [Int]], policies: [String: ReleasePolicy] = [:],
        defaultPolicy: ReleasePolicy = ReleasePolicy(), metrics: ReleaseMetrics, logger: Logger,
        discoverVersions: (@Sendable (_ model: String) -> [Int])? = nil,
        validationMacroF1: @escaping @Sendable (_ model: String, _ version: Int) -> Double? = { _, _ in nil }
    ) {
        self.discoverVersions = discoverVersions
        self.recordedValidation = RecordedValidation(validationMacroF1)
        self.store = store
        self.versions = Mutex(versions.mapValues { $0.sorted() })
        self.policies = policies
        self.defaultPolicy = defaultPolicy
        self.metrics = metrics
        self.logger = logger
    }

    /// Reads every model's release, recording one (the newest version stable) for a model that
    /// has none yet; the first replica to write it wins and the others read it.
    public func prepare(at now: Date = Date()) async throws(StorageError) {
        for (model, available) in versions.withLock({ $0 }) {
            guard let newest = available.last else { continue }
            var release = try await store.release(of: model)
            if release == nil {
                release = try await store.saveRelease(ModelRelease(model: model, stable: newest))
                if release == nil { release = try await store.release(of: model) }
            }
            if let release { adopt(release) }
        }
    }

    /// The version for one request of `model`: `pinned` when the client asked for one, else the
    /// canary for `weight`% of sticky keys, else stable. Nil for a model without versions
    /// (a remote one).
    public func choose(model: String, stickyKey: String?, pinned: String?) throws(ReleaseError) -> Choice? {
        guard var release = releases.withLock({ $0[model] }) else { return nil }
        let available = versions.withLock { $0[model] ?? [] }
        // A release naming a version this process cannot find (yet) serves what it has.
        if !available.contains(release.stable), let newest = available.last { release.stable = newest }
        if let canary = release.canary, !available.contains(canary.version) { release.canary = nil }
        if let pinned {
            guard let version = Int(pinned), available.contains(version) else {
                throw .unknownVersion(model: model, version: pinned, known: available)
            }
            return Choice(version: version, isCanary: version == release.canary?.version, stable: release.stable)
        }
        guard let canary = release.canary else {
            return Choice(version: release.stable, isCanary: false, stable: release.stable)
        }
        let bucket = stickyKey.map { Self.bucket(model: model, canary: canary.version, key: $0) } ?? Int.random(in: 0..<100)
        return bucket < canary.weight
            ? Choice(version: canary.version, isCanary: true, stable: release.stable)
            : Choice(version: release.stable, isCanary: false, stable: release.stable)
    }

    /// 0–99 from the key, the model and the canary version: the same key stays on the same side
    /// while a canary runs (and as its weight grows), and a new canary draws its keys anew.
    static func bucket(model: String, canary: Int, key: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in model.utf8 + [0] + String(canary).utf8 + [0] + key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        // FNV's low bits mix poorly; fold the high half in before taking the remainder.
        return Int((hash ^ (hash >> 32)) % 100)
    }

    public func policy(of model: String) -> ReleasePolicy { policies[model] ?? defaultPolicy }

    /// Serves a version published while the server runs.
    public func addVersion(_ version: Int, of model: String) {
        versions.withLock { versions in
            guard !(versions[model] ?? []).contains(version) else { return }
            versions[model, default: []].append(version)
            versions[model]!.sort()
        }
    }

    public func summary(of model: String) -> Summary? {
        guard let release = releases.withLock({ $0[model] }) else { return nil }
        return Summary(versions: versions.withLock { $0[model] ?? [] }, release: release)
    }

    /// The current observations of `model`'s versions, for tests and `magpie models show`.
    public func observations(of model: String) -> [Int: VersionObservations] {
        window.withLock { $0[model] ?? [:] }
    }

    /// Reads the releases again: a canary started, stepped or ended by another replica or by
    /// `magpie models` applies here within one refresh.
    public func refresh() async {
        lastRefresh.withLock { $0 = .now }
        do {
            // One read per served model, not a scan of the whole store.
            for model in versions.withLock({ $0.keys.sorted() }) {
                if let release = try await store.release(of: model) { adopt(release) }
            }
        } catch {
            // Shutting down cancels a read in flight; that is not a store failure.
            if Task.isCancelled { return }
            logger.warning("cannot read model releases; keeping the last ones read", metadata: ["error": "\(error)"])
        }
    }

    /// Refreshes and analyzes when the last refresh is older than `maxAge`: how a Lambda
    /// execution environment, which runs no timers between invocations, follows releases and
    /// judges the canary on the requests it served.
    public func followIfStale(maxAge: Duration = .seconds(1)) async {
        let due = lastRefresh.withLock { last in last.map { $0.duration(to: .now) > maxAge } ?? true }
        guard due else { return }
        await refresh()
        await analyze()
    }

    /// Refreshes and analyzes every `interval` until the task is cancelled.
    public func run(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await refresh()
            await analyze()
        }
    }

    /// Writes `change` on the release as judged. When another replica (or a person) changed
    /// the release since, the judgement is stale: the new release is adopted instead.
    func decide(_ model: String, judged: ModelRelease, _ change: (inout ModelRelease) -> Void) async {
        var release = judged
        change(&release)
        do {
            if let saved = try await store.saveRelease(release) {
                let decision = saved.decisions.last!
                logger.notice(
                    "model release decision",
                    metadata: [
                        "model": "\(model)", "action": "\(decision.action.rawValue)", "version": "\(decision.version)",
                        "reason": "\(decision.reason)",
                        "figures":
                            "\(decision.figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
                    ])
                metrics.recordDecision(model: model, action: decision.action.rawValue)
                adopt(saved)
            } else if let current = try await store.release(of: model) {
                adopt(current)
            }
        } catch {
            logger.warning("cannot record a model release decision", metadata: ["model": "\(model)", "error": "\(error)"])
        }
    }

    /// Takes `release` as current. A new canary or a new step starts a new analysis window, so
    /// each step is judged on its own traffic.
    private func adopt(_ release: ModelRelease) {
        let named = [release.stable] + (release.canary.map { [$0.version] } ?? [])
        let known = versions.withLock { $0[release.model] ?? [] }
        if named.contains(where: { !known.contains($0) }), let discoverVersions {
            for version in discoverVersions(release.model) { addVersion(version, of: release.model) }
        }
        let previous = releases.withLock { releases in
            let previous = releases[release.model]
            if (previous?.revision ?? -1) <= release.revision { releases[release.model] = release }
            return previous
        }
        guard (previous?.revision ?? -1) < release.revision else { return }
        if previous?.canary != release.canary || previous?.stable != release.stable {
            window.withLock { $0[release.model] = [:] }
        }
        metrics.recordRelease(release)
    }
}
