import Classifiers
import Clocks
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
    /// Makes a deployment's model ready: the default reads a Magpie artifact. Serving passes
    /// one that also hands out remote models; tests pass their own to count, delay or wrap.
    public typealias Loader = @Sendable (ModelDeployment) async throws -> any ServableModel

    /// What serving one request involved, for `Server-Timing` and metrics.
    public struct Usage: Sendable, Equatable {
        /// True when this request waited for the model to load.
        public var coldStart: Bool
        /// The load's duration when `coldStart`.
        public var loadDuration: Duration?
        /// True for the one request whose arrival started the load; the others waited on it.
        public var startedLoad = false
    }

    enum Phase {
        case cold
        case loading(Task<Loaded, any Error>)
        case warm(any ServableModel)
    }

    struct Entry {
        var deployment: ModelDeployment
        var phase: Phase = .cold
        var running = 0
        var waiting: [CheckedContinuation<Bool, Never>] = []
        var lastUsed: AnyClock<Duration>.Instant
    }

    /// A model and how long making it ready took.
    struct Loaded: Sendable {
        var model: any ServableModel
        var duration: Duration
    }

    /// What a request must do to get a model.
    private enum Step {
        case use(any ServableModel)
        case await(Task<Loaded, any Error>, startedLoad: Bool)
    }

    let entries: Mutex<[ModelKey: Entry]>
    private let loader: Loader
    let clock: AnyClock<Duration>

    /// - Parameters:
    ///   - deployments: one per model, or per version of a versioned model; each is served
    ///     under its `key`.
    ///   - clock: what idle timeouts are measured on; tests pass one they advance.
    public init(
        deployments: [ModelDeployment], loader: Loader? = nil, clock: AnyClock<Duration> = AnyClock(ContinuousClock())
    ) throws(ModelRuntimeError) {
        self.clock = clock
        let now = clock.now
        var entries: [ModelKey: Entry] = [:]
        for deployment in deployments {
            guard entries[deployment.key] == nil else { throw .duplicateModel(deployment.key.description) }
            entries[deployment.key] = Entry(deployment: deployment, lastUsed: now)
        }
        self.entries = Mutex(entries)
        self.loader = loader ?? { deployment in try ArtifactModel.load(from: deployment.path) }
    }

    /// The keys served, sorted.
    public var keys: [ModelKey] { entries.withLock { $0.keys.sorted() } }

    /// Serves one more deployment, such as a version published while the server runs. Returns
    /// false when its key is already served.
    @discardableResult
    public func add(_ deployment: ModelDeployment) -> Bool {
        let now = clock.now
        return entries.withLock { entries in
            guard entries[deployment.key] == nil else { return false }
            entries[deployment.key] = Entry(deployment: deployment, lastUsed: now)
            return true
        }
    }

    public func state(of key: ModelKey) -> ModelState? {
        entries.withLock { entries in
            switch entries[key]?.phase {
            case nil: nil
            case .cold?: .cold
            case .loading?: .loading
            case .warm?: .warm
            }
        }
    }

    /// Runs `body` with the model served under `key`, loading it first if it is cold and
    /// waiting for a concurrency slot if all are busy.
    public func withModel<Result: Sendable>(
        _ key: ModelKey, _ body: (any ServableModel) async throws -> Result
    ) async throws -> (result: Result, usage: Usage) {
        try await acquireSlot(key)
        defer { releaseSlot(key) }
        let (model, usage) = try await warmModel(key)
        return (try await body(model), usage)
    }

    /// Classifies `texts` with the model served under `key`: `withModel` and the seam's call.
    public func classify(_ texts: [String], with key: ModelKey, context: InvocationContext) async throws -> (
        answer: ModelAnswer, usage: Usage
    ) {
        let (answer, usage) = try await withModel(key) { model in try await model.classify(texts, context: context) }
        return (answer, usage)
    }

    /// Loads every provisioned model; returns when all are warm. A model that fails to load
    /// is reported by name.
    public func loadProvisioned() async throws {
        let provisioned = entries.withLock { entries in entries.keys.sorted().filter { entries[$0]!.deployment.provisioned } }
        for key in provisioned { _ = try await warmModel(key) }
    }

    /// Unloads warm models that have had no request for their idle timeout and none running.
    /// Returns the names unloaded.
    @discardableResult
    public func unloadIdle() -> [ModelKey] {
        let now = clock.now
        return entries.withLock { entries in
            var unloaded: [ModelKey] = []
            for key in entries.keys.sorted() {
                guard let entry = entries[key], case .warm = entry.phase, entry.running == 0, entry.waiting.isEmpty,
                    let timeout = entry.deployment.idleTimeout, entry.lastUsed.advanced(by: timeout) <= now
                else { continue }
                entries[key]!.phase = .cold
                unloaded.append(key)
            }
            return unloaded
        }
    }

    /// Calls `unloadIdle` every `interval` until the task is cancelled.
    public func runIdleUnloader(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            try? await clock.sleep(for: interval)
            unloadIdle()
        }
    }

    private func warmModel(_ key: ModelKey) async throws -> (any ServableModel, Usage) {
        let loader = self.loader
        let step = entries.withLock { entries in Self.nextStep(&entries[key]!, loader: loader) }
        switch step {
        case .use(let model):
            return (model, Usage(coldStart: false, loadDuration: nil))
        case .await(let task, let startedLoad):
            let loaded = try await awaitLoad(key, task)
            return (loaded.model, Usage(coldStart: true, loadDuration: loaded.duration, startedLoad: startedLoad))
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
            let task = Task {
                let clock = ContinuousClock()
                let start = clock.now
                let model = try await loader(deployment)
                return Loaded(model: model, duration: start.duration(to: clock.now))
            }
            entry.phase = .loading(task)
            return .await(task, startedLoad: true)
        }
    }

    /// Waits for `task`, then records its outcome unless a later load has replaced it.
    private func awaitLoad(_ key: ModelKey, _ task: Task<Loaded, any Error>) async throws -> Loaded {
        let result = await task.result
        entries.withLock { entries in
            guard case .loading(let current) = entries[key]!.phase, current == task else { return }
            switch result {
            case .success(let loaded): entries[key]!.phase = .warm(loaded.model)
            case .failure: entries[key]!.phase = .cold
            }
        }
        switch result {
        case .success(let loaded):
            return loaded
        case .failure(let error as ModelRuntimeError):
            throw error
        case .failure(let error):
            throw ModelRuntimeError.loadFailed(model: key.description, reason: "\(error)")
        }
    }
}
