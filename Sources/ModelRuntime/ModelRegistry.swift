import Classifiers

/// The served models and their lifecycle: cold until the first request loads them, warm while
/// used, cold again after their idle timeout. Concurrent first requests share one load, and
/// each model computes at most `maxConcurrency` requests at once with a bounded queue.
public actor ModelRegistry {
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
        var waiting: [CheckedContinuation<Void, Never>] = []
        var lastUsed: ContinuousClock.Instant
    }

    private var entries: [String: Entry] = [:]
    private let loader: Loader
    private let clock = ContinuousClock()

    public init(deployments: [ModelDeployment], loader: Loader? = nil) throws(ModelRuntimeError) {
        let now = clock.now
        for deployment in deployments {
            guard entries[deployment.name] == nil else { throw .duplicateModel(deployment.name) }
            entries[deployment.name] = Entry(deployment: deployment, lastUsed: now)
        }
        self.loader = loader ?? { deployment in try LoadedModel.load(from: deployment.path) }
    }

    public var names: [String] { entries.keys.sorted() }

    public func state(of name: String) -> ModelState? {
        guard let entry = entries[name] else { return nil }
        switch entry.phase {
        case .cold: return .cold
        case .loading: return .loading
        case .warm: return .warm
        }
    }

    /// Runs `body` with model `name`, loading it first if it is cold and waiting for a
    /// concurrency slot if all are busy.
    public func withModel<Result: Sendable>(
        _ name: String, _ body: @Sendable (LoadedModel) async throws -> Result
    ) async throws -> (result: Result, usage: Usage) {
        guard entries[name] != nil else { throw ModelRuntimeError.unknownModel(name, known: names) }
        try await acquireSlot(name)
        defer { releaseSlot(name) }
        let (model, usage) = try await warmModel(name)
        return (try await body(model), usage)
    }

    /// Loads every provisioned model; returns when all are warm. A model that fails to load
    /// is reported by name.
    public func loadProvisioned() async throws {
        for name in names where entries[name]!.deployment.provisioned {
            _ = try await warmModel(name)
        }
    }

    /// Unloads warm models that have had no request for their idle timeout and none running.
    /// Returns the names unloaded.
    @discardableResult
    public func unloadIdle() -> [String] {
        let now = clock.now
        var unloaded: [String] = []
        for name in names {
            guard let entry = entries[name], case .warm = entry.phase, entry.running == 0, entry.waiting.isEmpty,
                let timeout = entry.deployment.idleTimeout, entry.lastUsed.advanced(by: timeout) <= now
            else { continue }
            entries[name]!.phase = .cold
            unloaded.append(name)
        }
        return unloaded
    }

    /// Calls `unloadIdle` every `interval` until the task is cancelled.
    public func runIdleUnloader(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            unloadIdle()
        }
    }

    private func warmModel(_ name: String) async throws -> (LoadedModel, Usage) {
        switch entries[name]!.phase {
        case .warm(let model):
            return (model, Usage(coldStart: false, loadDuration: nil))
        case .loading(let task):
            let model = try await awaitLoad(name, task)
            return (model, Usage(coldStart: true, loadDuration: model.loadDuration))
        case .cold:
            let deployment = entries[name]!.deployment
            let loader = self.loader
            let task = Task { try await loader(deployment) }
            entries[name]!.phase = .loading(task)
            let model = try await awaitLoad(name, task)
            return (model, Usage(coldStart: true, loadDuration: model.loadDuration, startedLoad: true))
        }
    }

    private func awaitLoad(_ name: String, _ task: Task<LoadedModel, any Error>) async throws -> LoadedModel {
        do {
            let model = try await task.value
            if case .loading = entries[name]!.phase { entries[name]!.phase = .warm(model) }
            return model
        } catch {
            if case .loading = entries[name]!.phase { entries[name]!.phase = .cold }
            if let error = error as? ModelRuntimeError { throw error }
            throw ModelRuntimeError.loadFailed(model: name, reason: "\(error)")
        }
    }

    private func acquireSlot(_ name: String) async throws {
        let entry = entries[name]!
        if entry.running < entry.deployment.maxConcurrency {
            entries[name]!.running += 1
            return
        }
        guard entry.waiting.count < entry.deployment.maxQueue else {
            throw ModelRuntimeError.overloaded(model: name, retryAfterSeconds: 1)
        }
        await withCheckedContinuation { continuation in entries[name]!.waiting.append(continuation) }
    }

    /// Hands the slot to the next waiter, if any, so queued requests run in arrival order.
    private func releaseSlot(_ name: String) {
        entries[name]!.lastUsed = clock.now
        if entries[name]!.waiting.isEmpty {
            entries[name]!.running -= 1
        } else {
            entries[name]!.waiting.removeFirst().resume()
        }
    }
}
