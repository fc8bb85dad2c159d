import Foundation
import Synchronization

/// What a batch computes for many requests' texts at once, and how each request's share of it
/// is cut out.
public protocol BatchAnswer: Sendable {
    /// The part of a batch's answer that belongs to the texts at `range`, which waited
    /// `queueing` for the batch to start; the batch held `passTexts` texts.
    func slice(_ range: Range<Int>, queueing: Duration, passTexts: Int) -> Self
    /// A request computed alone, after waiting `queueing`.
    func queued(for queueing: Duration) -> Self
}

/// Computes the requests that arrive while a batch computes as one batch: what a model
/// (`BatchingModel`) or an encoder shared by several models (`SharedEncoder`) needs, its
/// `compute` answering many texts at once.
///
/// No task of its own: the request that finds it idle computes at once (leading the next
/// batch), on a queue off the cooperative pool; the others queue. When a batch ends, its
/// leader answers every request in it and hands the lead to the oldest queued request, which
/// takes the queue up to the policy's bounds. A request cancelled while queued, or still
/// queued at its deadline (`maxQueueTime`), leaves the queue and is never computed. If a
/// batch fails, each of its requests is computed alone, so one request's error is never
/// another's.
public final class Batcher<Answer: BatchAnswer>: Sendable {
    /// How errors name what batches: `NAME@VERSION`.
    public let name: String
    public let policy: BatchingPolicy
    private let compute: @Sendable ([String], InvocationContext) async throws -> Answer
    private let observe: @Sendable (BatchStatistics) -> Void
    private let queue = Mutex(Queue<Answer>())
    private let identifiers = Atomic<UInt64>(0)
    private let executor = ComputeExecutor(label: "magpie.batch")

    /// - Parameters:
    ///   - compute: answers a batch's texts, in order; run off the cooperative pool.
    ///   - observe: hears each batch's size, for metrics.
    public init(
        name: String, policy: BatchingPolicy, observe: @escaping @Sendable (BatchStatistics) -> Void = { _ in },
        compute: @escaping @Sendable ([String], InvocationContext) async throws -> Answer
    ) {
        self.name = name
        self.policy = policy
        self.observe = observe
        self.compute = compute
    }

    /// Requests queued behind the batch being computed.
    public var waitingRequests: Int { queue.withLock { $0.waiting.count } }

    /// `texts`' answer, computed in the batch that is next when they arrive.
    public func run(_ texts: [String], context: InvocationContext) async throws -> Answer {
        let arrived = ContinuousClock.now
        let request = Pending(
            id: identifiers.wrappingAdd(1, ordering: .relaxed).newValue, texts: texts, context: context,
            tokens: texts.reduce(0) { $0 + BatchingPolicy.estimatedTokens(of: $1) }, arrived: arrived,
            deadline: arrived.advanced(by: policy.maxQueueTime))
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        let turn = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Turn<Answer>, Never>) in
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
    private func expire(_ waiters: [Waiter<Answer>]) {
        for waiter in waiters { waiter.continuation.resume(returning: .answered(.failure(timeout))) }
    }

    /// Computes a batch of `request` and what waits, answers the others, then passes the lead.
    private func lead(with request: Pending) async throws -> Answer {
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
        let answers = await answer(batch, started: started)
        for (follower, answer) in zip(followers, answers.dropFirst()) {
            follower.continuation.resume(returning: .answered(answer))
        }
        let (next, late) = queue.withLock { queue in
            let late = queue.removeExpired(at: .now)
            guard !queue.waiting.isEmpty else {
                queue.computing = false
                return (nil as Waiter<Answer>?, late)
            }
            return (queue.waiting.removeFirst(), late)
        }
        expire(late)
        next?.continuation.resume(returning: .lead)
        return try answers[0].get()
    }

    /// Each request's answer: its share of one pass over every text, or, if that pass fails,
    /// its own pass.
    private func answer(_ batch: [Pending], started: ContinuousClock.Instant) async -> [Result<Answer, any Error>] {
        let texts = batch.flatMap(\.texts)
        if batch.count > 1, let combined = try? await computeOffThePool(texts, context: batch[0].context) {
            var offset = 0
            return batch.map { request in
                defer { offset += request.texts.count }
                return .success(
                    combined.slice(
                        offset..<offset + request.texts.count, queueing: request.arrived.duration(to: started),
                        passTexts: texts.count))
            }
        }
        var answers: [Result<Answer, any Error>] = []
        for request in batch {
            let alone = ContinuousClock.now
            do {
                let answer = try await computeOffThePool(request.texts, context: request.context)
                answers.append(.success(answer.queued(for: request.arrived.duration(to: alone))))
            } catch {
                answers.append(.failure(error))
            }
        }
        return answers
    }

    private func computeOffThePool(_ texts: [String], context: InvocationContext) async throws -> Answer {
        try await withTaskExecutorPreference(executor) { try await compute(texts, context) }
    }
}

/// One batch's size, for the batch-size and batch-token histograms.
public struct BatchStatistics: Sendable, Equatable {
    public var requests: Int
    public var texts: Int
    /// Estimated, as the policy counts them.
    public var tokens: Int
}
