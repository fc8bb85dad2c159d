/// A request's texts on their way into a batch.
struct Pending: Sendable {
    let id: UInt64
    let texts: [String]
    let context: InvocationContext
    let tokens: Int
    let arrived: ContinuousClock.Instant
    /// When it stops waiting for a batch and is answered `queueTimeout` instead.
    let deadline: ContinuousClock.Instant
}

/// What a queued request is resumed with: its answer, or the lead of the next batch.
enum Turn<Answer: Sendable>: Sendable {
    case answered(Result<Answer, any Error>)
    case lead
}

struct Waiter<Answer: Sendable> {
    let request: Pending
    let continuation: CheckedContinuation<Turn<Answer>, Never>
}

/// The requests waiting for the batch being computed to end, in arrival order.
struct Queue<Answer: Sendable> {
    var waiting: [Waiter<Answer>] = []
    /// Whether a batch is being computed (and so has a leader who will pass the lead on).
    var computing = false

    /// Takes out the waiters whose deadline has passed, to be answered without computing.
    /// The deadline's timer does this too; this catches those it has not reached yet when a
    /// busy pool runs it late.
    mutating func removeExpired(at now: ContinuousClock.Instant) -> [Waiter<Answer>] {
        let expired = waiting.filter { $0.request.deadline <= now }
        if !expired.isEmpty { waiting.removeAll { $0.request.deadline <= now } }
        return expired
    }

    mutating func remove(_ id: UInt64) -> Waiter<Answer>? {
        guard let index = waiting.firstIndex(where: { $0.request.id == id }) else { return nil }
        return waiting.remove(at: index)
    }

    /// The waiters, oldest first, that fit beside `leader` within `policy`'s bounds; a waiter
    /// that does not fit keeps its place for the next batch.
    mutating func take(after leader: Pending, within policy: BatchingPolicy) -> [Waiter<Answer>] {
        var texts = leader.texts.count
        var tokens = leader.tokens
        var taken = 0
        for waiter in waiting {
            let moreTexts = texts + waiter.request.texts.count
            let moreTokens = tokens + waiter.request.tokens
            guard moreTexts <= policy.maxTexts && moreTokens <= policy.maxTokens else { break }
            (texts, tokens, taken) = (moreTexts, moreTokens, taken + 1)
        }
        defer { waiting.removeFirst(taken) }
        return Array(waiting.prefix(taken))
    }
}
