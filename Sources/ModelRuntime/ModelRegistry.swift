import Classifiers
import Synchronization

/// The served models and their lifecycle: cold until the first request loads them, warm while
/// used, cold again after their idle timeout. Concurrent first requests share one load, and
/// each model computes at most `maxConcurrency` requests at once with a bounded queue.
///
/// State sits behind a lock rather than in an actor: a request for a warm model with a free
/// slot then runs on its own task's thread with no executor hop, which on a busy single core
/// is worth more than the model's own prediction time. Only a cold start or a full model
/// suspends the request.
public final class ModelRegistry: Sendable {
    /// Reads a model into memory; the default reads a Magpie artifact. Tests pass their own to
    /// count or delay loads.
    public typealias Loader = @Sendable (ModelDeployment) async throws -> LoadedModel

    /// What serving one request involved, for `Server-Timing` and metrics.
    public struct Usage: Sendable, Equatable {
        /// True when this request waited for the model to load.
        public var coldStart: Bool
        /// The load's duration when `coldStart`.
        public var loadDuration: Duration?
        /// True for the one request whose arrival started the load; the others waited on it.
        public var startedLoad = false
    }

    private enum Phase {
        case cold
        case loading(Task<LoadedModel, any Error>)
        case warm(LoadedModel)
    }

    private struct Entry {
        var deployment: ModelDeployment
        var phase: Phase = .cold
        var running = 0
        var waiting: [CheckedContinuation<Bool, Never>] = []
        var lastUsed: ContinuousClock.Instant
    }

    /// What a request must do to get a model.
    private enum Step {
        case use(LoadedModel)
        case await(Task<LoadedModel, any Error>, startedLoad: Bool)
    }

    private let entries: Mutex<[String: Entry]>
    private let loader: Loader
    private let clock = ContinuousClock()

    /// - Parameter deployments: one per model, or per version of a versioned model; each is
    ///   served under its `registryKey`.
    public init(deployments: [ModelDeployment], loader: Loader? = nil) throws(ModelRuntimeError) {
        let now = clock.now
        var entries: [String: Entry] = [:]
        for deployment in deployments {
            guard entries[deployment.registryKey] == nil else { throw .duplicateModel(deployment.registryKey) }
            entries[deployment.registryKey] = Entry(deployment: deployment, lastUsed: now)
        }
        self.entries = Mutex(entries)
        self.loader = loader ?? { deployment in try LoadedModel.load(from: deployment.path) }
    }

    /// The registry keys served, sorted.
    public var names: [String] { entries.withLock { $0.keys.sorted() } }

    /// Serves one more deployment, such as a version published while the server runs. Returns
    /// false when its key is already served.
    @discardableResult
    public func add(_ deployment: ModelDeployment) -> Bool {
        let now = clock.now
        return entries.withLock { entries in
            guard entries[deployment.registryKey] == nil else { return false }
            entries[deployment.registryKey] = Entry(deployment: deployment, lastUsed: now)
            return true
        }
    }

    public func state(of name: String) -> ModelState? {
        entries.withLock { entries in
            switch entries[name]?.phase {
            case nil: nil
            case .cold?: .cold
            case .loading?: .loading
            case .warm?: .warm
            }
        }
    }

    /// Runs `body` with model `name`, loading it first if it is cold and waiting for a
    /// concurrency slot if all are busy.
    public func withModel<Result: Sendable>(
        _ name: String, _ body: (LoadedModel) async throws -> Result
    ) async throws -> (result: Result, usage: Usage) {
        try await acquireSlot(name)
        defer { releaseSlot(name) }
        let (model, usage) = try await warmModel(name)
        return (try await body(model), usage)
    }

    /// Loads every provisioned model; returns when all are warm. A model that fails to load
    /// is reported by name.
    public func loadProvisioned() async throws {
        let provisioned = entries.withLock { entries in entries.keys.sorted().filter { entries[$0]!.deployment.provisioned } }
        for name in provisioned { _ = try await warmModel(name) }
    }

    /// Unloads warm models that have had no request for their idle timeout and none running.
    /// Returns the names unloaded.
    @discardableResult
    public func unloadIdle() -> [String] {
        let now = clock.now
        return entries.withLock { entries in
            var unloaded: [String] = []
            for name in entries.keys.sorted() {
                guard let entry = entries[name], case .warm = entry.phase, entry.running == 0, entry.waiting.isEmpty,
                    let timeout = entry.deployment.idleTimeout, entry.lastUsed.advanced(by: timeout) <= now
                else { continue }
                entries[name]!.phase = .cold
                unloaded.append(name)
            }
            return unloaded
        }
    }

    /// Calls `unloadIdle` every `interval` until the task is cancelled.
    public func runIdleUnloader(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            unloadIdle()
        }
    }

    private func warmModel(_ name: String) async throws -> (LoadedModel, Usage) {
        let loader = self.loader
        let step = entries.withLock { entries in Self.nextStep(&entries[name]!, loader: loader) }
        switch step {
        case .use(let model):
            return (model, Usage(coldStart: false, loadDuration: nil))
        case .await(let task, let startedLoad):
            let model = try await awaitLoad(name, task)
            return (model, Usage(coldStart: true, loadDuration: model.loadDuration, startedLoad: startedLoad))
        }
    }

    /// What a request for `entry`'s model must do; starts the load of a cold model. The entry
    /// is passed `inout` because reading it out of the dictionary would copy it, deployment
    /// and all, on every request.
    private static func nextStep(_ entry: inout Entry, loader: @escaping Loader) -> Step {
        switch entry.phase {
        case .warm(let model):
            return .use(model)
        case .loading(let task):
            return .await(task, startedLoad: false)
        case .cold:
            let deployment = entry.deployment
            let task = Task { try await loader(deployment) }
            entry.phase = .loading(task)
            return .await(task, startedLoad: true)
        }
    }

    /// Waits for `task`, then records its outcome unless a later load has replaced it.
    private func awaitLoad(_ name: String, _ task: Task<LoadedModel, any Error>) async throws -> LoadedModel {
        let result = await task.result
        entries.withLock { entries in
            guard case .loading(let current) = entries[name]!.phase, current == task else { return }
            switch result {
            case .success(let model): entries[name]!.phase = .warm(model)
            case .failure: entries[name]!.phase = .cold
            }
        }
        switch result {
        case .success(let model):
            return model
        case .failure(let error as ModelRuntimeError):
            throw error
        case .failure(let error):
            throw ModelRuntimeError.loadFailed(model: name, reason: "\(error)")
        }
    }

    /// Takes a concurrency slot, or a place in the queue, or refuses with `overloaded`.
    private func acquireSlot(_ name: String) async throws {
        enum Decision {
            case run, wait, refuse, unknown
        }
        func decide(_ entry: inout Entry?) -> Decision {
            guard entry != nil else { return .unknown }
            return decideKnown(&entry!)
        }
        func decideKnown(_ entry: inout Entry) -> Decision {
            if entry.running < entry.deployment.maxConcurrency {
                entry.running += 1
                return .run
            }
            return entry.waiting.count < entry.deployment.maxQueue ? .wait : .refuse
        }
        switch entries.withLock({ decide(&$0[name]) }) {
        case .run:
            return
        case .unknown:
            throw ModelRuntimeError.unknownModel(name, known: names)
        case .refuse:
            throw ModelRuntimeError.overloaded(model: name, retryAfterSeconds: 1)
        case .wait:
            // Decided again under the lock that queues the continuation: a slot may have been
            // released in between, and nothing else would resume it.
            let admitted = await withCheckedContinuation { continuation in
                let decision = entries.withLock { entries in
                    let decision = decideKnown(&entries[name]!)
                    if case .wait = decision { entries[name]!.waiting.append(continuation) }
                    return decision
                }
                switch decision {
                case .run: continuation.resume(returning: true)
                case .refuse, .unknown: continuation.resume(returning: false)
                case .wait: break
                }
            }
            guard admitted else { throw ModelRuntimeError.overloaded(model: name, retryAfterSeconds: 1) }
        }
    }

    /// Hands the slot to the next waiter, if any, so queued requests run in arrival order.
    private func releaseSlot(_ name: String) {
        let now = clock.now
        let next = entries.withLock { entries in Self.release(&entries[name]!, at: now) }
        next?.resume(returning: true)
    }

    /// Frees `entry`'s slot, or hands it to its first waiter, returned to be resumed.
    private static func release(_ entry: inout Entry, at now: ContinuousClock.Instant) -> CheckedContinuation<Bool, Never>? {
        entry.lastUsed = now
        if entry.waiting.isEmpty {
            entry.running -= 1
            return nil
        }
        return entry.waiting.removeFirst()
    }
}
