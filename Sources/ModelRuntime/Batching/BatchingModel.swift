import Foundation
import Synchronization

/// Computes the requests that arrive while a batch computes as one batch, through the seam of
/// the model it wraps; what it wraps needs only to answer many texts at once.
///
/// No task of its own: the request that finds the model idle computes at once (leading the
/// next batch), on a queue off the cooperative pool; the others queue. When a batch ends, its
/// leader answers every request in it and hands the lead to the oldest queued request, which
/// takes the queue up to the policy's bounds. A request cancelled while queued, or still
/// queued at its deadline (`maxQueueTime`), leaves the queue and is never computed. If a
/// batch fails, each of its requests is computed alone, so one request's error is never
/// another's.
public final class BatchingModel: ServableModel {
    public let inner: any ServableModel
    /// How errors name the model: `NAME@VERSION`.
    public let name: String
    public let policy: BatchingPolicy
    private let observe: @Sendable (BatchStatistics) -> Void
    private let queue = Mutex(Queue())
    private let identifiers = Atomic<UInt64>(0)
    private let executor = ComputeExecutor(label: "magpie.batch")

    /// - Parameter observe: hears each batch's size, for metrics.
    public init(
        _ inner: any ServableModel, name: String, policy: BatchingPolicy,
        observe: @escaping @Sendable (BatchStatistics) -> Void = { _ in }
    ) {
        self.inner = inner
        self.name = name
        self.policy = policy
        self.observe = observe
    }

    public var profile: ModelProfile { inner.profile }

    /// Requests queued behind the batch being computed.
    public var waitingRequests: Int { queue.withLock { $0.waiting.count } }
    public var upstreamHealth: RemoteHealth? { inner.upstreamHealth }

    public func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
        let arrived = ContinuousClock.now
        let request = Pending(
            id: identifiers.wrappingAdd(1, ordering: .relaxed).newValue, texts: texts, context: context,
            tokens: texts.reduce(0) { $0 + BatchingPolicy.estimatedTokens(of: $1) }, arrived: arrived,
            deadline: arrived.advanced(by: policy.maxQueueTime))
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        let turn = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                // Under the lock that `onCancel` takes too: a cancellation either comes first and
                // is seen here, or comes after and finds the request in the queue.
                let arrival = queue.withLock { queue in
                    if Task.isCancelled { return Arrival.cancelled }
                    if request.deadline <= .now { return .expired }
                    if !queue.computing {
                        queue.computing = true
                        return .leads
                    }
                    queue.waiting.append(Waiter(request: request, continuation: continuation))
                    return .queued
                }
                switch arrival {
                case .leads: continuation.resume(returning: .lead)
                case .cancelled: continuation.resume(returning: .answered(.failure(CancellationError())))
                case .expired: continuation.resume(returning: .answered(.failure(timeout)))
                case .queued: timer = expiry(of: request)
                }
            }
        } onCancel: {
            let removed = queue.withLock { $0.remove(request.id) }
            removed?.continuation.resume(returning: .answered(.failure(CancellationError())))
        }
        switch turn {
        case .answered(let result):
            return try result.get()
        case .lead:
            return try await lead(with: request)
        }
    }

    private enum Arrival {
        case leads, queued, cancelled, expired
    }

    private var timeout: ModelRuntimeError { .queueTimeout(model: name, limit: policy.maxQueueTime) }

    /// Answers `request` with `timeout` at its deadline if it is still queued then. Queued
    /// requests only (a lone request never waits), and cancelled once it is answered.
    private func expiry(of request: Pending) -> Task<Void, Never> {
        Task {
            guard (try? await Task.sleep(until: request.deadline)) != nil else { return }
            let removed = queue.withLock { $0.remove(request.id) }
            removed?.continuation.resume(returning: .answered(.failure(timeout)))
        }
    }

    /// Answers the waiters past their deadline.
    private func expire(_ waiters: [Waiter]) {
        for waiter in waiters { waiter.continuation.resume(returning: .answered(.failure(timeout))) }
    }

    /// Computes a batch of `request` and what waits, answers the others, then passes the lead.
    private func lead(with request: Pending) async throws -> ModelAnswer {
        let (followers, expired) = queue.withLock { queue in
            let expired = queue.removeExpired(at: .now)
            return (queue.take(after: request, within: policy), expired)
        }
        expire(expired)
        let batch = [request] + followers.map(\.request)
        let started = ContinuousClock.now
        observe(
            BatchStatistics(
                requests: batch.count, texts: batch.reduce(0) { $0 + $1.texts.count },
                tokens: batch.reduce(0) { $0 + $1.tokens }))
        let answers = await compute(batch, started: started)
        for (follower, answer) in zip(followers, answers.dropFirst()) {
            follower.continuation.resume(returning: .answered(answer))
        }
        let (next, late) = queue.withLock { queue in
            let late = queue.removeExpired(at: .now)
            guard !queue.waiting.isEmpty else {
                queue.computing = false
                return (nil as Waiter?, late)
            }
            return (queue.waiting.removeFirst(), late)
        }
        expire(late)
        next?.continuation.resume(returning: .lead)
        return try answers[0].get()
    }

    /// Each request's answer: its share of one pass over every text, or, if that pass fails,
    /// its own pass.
    private func compute(_ batch: [Pending], started: ContinuousClock.Instant) async -> [Result<ModelAnswer, any Error>] {
        if batch.count > 1, let combined = try? await classifyOffThePool(batch.flatMap(\.texts), context: batch[0].context) {
            var offset = 0
            return batch.map { request in
                defer { offset += request.texts.count }
                let range = offset..<offset + request.texts.count
                return .success(
                    ModelAnswer(
                        predictions: Array(combined.predictions[range]), truncated: Array(combined.truncated[range]),
                        computing: combined.computing, upstream: combined.upstream,
                        queueing: request.arrived.duration(to: started)))
            }
        }
        var answers: [Result<ModelAnswer, any Error>] = []
        for request in batch {
            let alone = ContinuousClock.now
            do {
                var answer = try await classifyOffThePool(request.texts, context: request.context)
                answer.queueing = request.arrived.duration(to: alone)
                answers.append(.success(answer))
            } catch {
                answers.append(.failure(error))
            }
        }
        return answers
    }

    private func classifyOffThePool(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
        try await withTaskExecutorPreference(executor) { try await inner.classify(texts, context: context) }
    }
}

/// One batch's size, for the batch-size and batch-token histograms.
public struct BatchStatistics: Sendable, Equatable {
    public var requests: Int
    public var texts: Int
    /// Estimated, as the policy counts them.
    public var tokens: Int
}
