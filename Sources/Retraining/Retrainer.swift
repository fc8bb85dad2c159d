import Classifiers
import Digests
import Foundation
import Logging
import ModelRuntime
import Releases
import Storage

/// Watches one model's dataset source and turns each new dataset into a gated version started
/// as a canary. One dataset at a time, in name order, and none while a canary runs, so
/// datasets that arrive together queue. What each dataset came to is recorded in the model's
/// release by its SHA-256, so the same file twice makes one version, and replicas watching the
/// same source train each file once: the first to claim it trains it.
public final class Retrainer: Sendable {
    public let model: String
    let folder: String
    let policy: RetrainPolicy
    let source: any DatasetSource
    let store: any ReleaseStore
    let logger: Logger
    /// Makes a published version servable: in `serve`, at once in this process (the registry
    /// and the release controller); on Lambda, by uploading it to the models bucket. A failure
    /// rejects the dataset with its reason.
    let publish: @Sendable (_ version: Int, _ path: String) async throws -> Void
    /// `HOST:PID`, naming this process in claims.
    let owner: String

    /// How long a claim holds when its process cannot be checked (another host).
    static let claimLease: TimeInterval = 3600

    public init(
        model: String, folder: String, policy: RetrainPolicy, source: any DatasetSource, store: any ReleaseStore,
        logger: Logger, publish: @escaping @Sendable (_ version: Int, _ path: String) async throws -> Void
    ) {
        self.model = model
        self.folder = folder
        self.policy = policy
        self.source = source
        self.store = store
        self.logger = logger
        self.publish = publish
        owner = "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// Polls the source every `pollInterval` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await poll()
            try? await Task.sleep(for: policy.pollInterval)
        }
    }

    /// Takes up the first new dataset, if no canary is running. Returns what it came to, for
    /// tests and `magpie watch`; nil when there was nothing to do.
    @discardableResult
    public func poll() async -> ModelRelease.DatasetRecord? {
        do {
            let release = try await store.release(of: model)
            guard release?.canary == nil else { return nil }
            for name in try await source.list() {
                // Taken up once per name; the same content under another name is caught by its SHA-256.
                if release?.datasets.values.contains(where: { $0.name == name && $0.status != .training }) == true {
                    continue
                }
                let bytes = try await source.read(name)
                let sha = sha256Hex(bytes)
                guard try await claim(sha, name: name) else { continue }
                return await train(name: name, bytes: bytes, sha256: sha)
            }
        } catch {
            logger.warning(
                "cannot read the retraining source",
                metadata: ["model": "\(model)", "source": "\(source.description)", "error": "\(error)"])
        }
        return nil
    }

    private enum Skip: Error {
        case done, claimed
    }

    /// Records this process as training `sha`, unless it was done or another live process has it.
    private func claim(_ sha: String, name: String) async throws -> Bool {
        let now = Date()
        let owner = owner
        do {
            _ = try await store.updateRelease(of: model, initial: ModelRelease(model: model, stable: newestVersion())) {
                (release: inout ModelRelease) throws(Skip) in
                if let existing = release.datasets[sha] {
                    guard existing.status == .training else { throw .done }
                    if let holder = existing.owner, holder != owner, Self.isAlive(holder),
                        now.timeIntervalSince(existing.at) < Self.claimLease
                    {
                        throw .claimed
                    }
                }
                release.datasets[sha] = .init(name: name, status: .training, at: now, owner: owner)
            }
            return true
        } catch is Skip {
            return false
        }
    }

    /// Whether the process named `HOST:PID` runs: on this host, asked of the kernel; on another,
    /// assumed (its claim then holds for `claimLease`).
    static func isAlive(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count == 2, let pid = Int32(parts[1]) else { return false }
        guard parts[0] == ProcessInfo.processInfo.hostName else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    private func train(name: String, bytes: [UInt8], sha256: String) async -> ModelRelease.DatasetRecord {
        logger.notice("retraining", metadata: ["model": "\(model)", "dataset": "\(name)", "sha256": "\(sha256)"])
        var record = ModelRelease.DatasetRecord(name: name, status: .rejected, at: Date())
        do {
            let release = try await store.release(of: model)
            let stable = release?.stable ?? newestVersion()
            guard
                let stablePath = try ModelCatalog.versions(at: folder).first(where: { $0.deployment.version == stable })?
                    .deployment.path
            else {
                throw RetrainingError.unsupportedRecipe(model: model, reason: "its stable version \(stable) is not in \(folder)")
            }
            var datasets: [(name: String, bytes: [UInt8])] = []
            if policy.merge {
                for earlier in (release?.datasets.values.filter { $0.status == .published } ?? []).sorted(by: {
                    $0.name < $1.name
                }) {
                    datasets.append((earlier.name, try await source.read(earlier.name)))
                }
            }
            datasets.append((name, bytes))
            let training = CandidateTraining(model: model, folder: folder, policy: policy, source: source)
            let inputs = datasets
            let outcome = try await Self.onOwnThread {
                try training.run(datasets: inputs, sha256: sha256, stablePath: stablePath)
            }
            switch outcome {
            case .published(let published):
                do {
                    try await publish(published.version, published.path)
                } catch {
                    try? FileManager.default.removeItem(atPath: published.path)
                    throw RetrainingError.publishFailed(version: published.version, reason: "\(error)")
                }
                record = .init(name: name, status: .published, at: Date(), version: published.version, figures: published.figures)
            case .rejected(let reason, let figures):
                record = .init(name: name, status: .rejected, at: Date(), reason: reason, figures: figures)
            }
        } catch {
            record.reason = "\(error)"
        }
        await finish(sha256, record)
        return record
    }

    /// Records the outcome; a published version starts as the canary.
    private func finish(_ sha: String, _ record: ModelRelease.DatasetRecord) async {
        let weight = policy.canaryWeight
        let now = Date()
        do {
            _ = try await store.updateRelease(of: model, initial: ModelRelease(model: model, stable: newestVersion())) {
                (release: inout ModelRelease) throws(StorageError) in
                release.datasets[sha] = record
                guard let version = record.version else { return }
                release.canary = .init(version: version, weight: weight, stepStartedAt: now)
                let f1 = record.figures["candidate_macro_f1"].map(CandidateTraining.format) ?? "?"
                let stableF1 = record.figures["stable_macro_f1"].map(CandidateTraining.format) ?? "?"
                release.record(
                    .init(
                        at: now, action: .canaryStarted, version: version, automatic: true,
                        reason: "retrained on \(record.name): macro F1 \(f1) against stable's \(stableF1); canary at \(weight)%",
                        figures: record.figures))
            }
        } catch {
            logger.error("cannot record a retraining outcome", metadata: ["model": "\(model)", "error": "\(error)"])
        }
        var metadata: Logger.Metadata = [
            "model": "\(model)", "dataset": "\(record.name)", "outcome": "\(record.status.rawValue)",
        ]
        if let version = record.version { metadata["version"] = "\(version)" }
        if let reason = record.reason { metadata["reason"] = "\(reason)" }
        for (name, value) in record.figures { metadata[name] = "\(value)" }
        logger.notice("retraining finished", metadata: metadata)
    }

    private func newestVersion() -> Int {
        ((try? ModelCatalog.versions(at: folder)) ?? []).compactMap(\.deployment.version).max() ?? 1
    }

    /// Runs CPU-bound training on a thread of its own, so that it does not hold one of the few
    /// threads Swift's concurrency pool shares with request handling.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
