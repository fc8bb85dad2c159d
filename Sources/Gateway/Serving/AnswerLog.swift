import Synchronization

/// The last answers this server gave, by request id, so that labelled feedback can be scored
/// against what was predicted and by which version. Bounded (oldest forgotten first) and kept
/// in memory: writing every answer to the shared store would cost each request a database
/// write, so feedback must reach the server that answered, within its last `capacity` answers.
final class AnswerLog: Sendable {
    struct Answer: Sendable {
        var model: String
        var version: String
        /// Predicted labels, one per text of the request.
        var labels: [String]
        /// Texts that already have feedback; each counts once.
        var scored: Set<Int> = []
    }

    let capacity: Int
    private struct State {
        var answers: [String: Answer] = [:]
        /// Request ids in arrival order, as a ring: `order[next]` is the oldest once full.
        var order: [String] = []
        var next = 0
    }

    private let state = Mutex(State())

    init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    func remember(requestID: String, _ answer: Answer) {
        state.withLock { state in
            if state.answers.updateValue(answer, forKey: requestID) != nil { return }
            if state.order.count < capacity {
                state.order.append(requestID)
            } else {
                state.answers[state.order[state.next]] = nil
                state.order[state.next] = requestID
                state.next = (state.next + 1) % capacity
            }
        }
    }

    enum Lookup {
        case found(Answer)
        case unknown
        case alreadyScored
    }

    /// The answer to `requestID` from `model`, marking text `index` as scored.
    func score(requestID: String, model: String, index: Int) -> Lookup {
        state.withLock { state in
            guard let answer = state.answers[requestID], answer.model == model, answer.labels.indices.contains(index) else {
                return .unknown
            }
            guard !answer.scored.contains(index) else { return .alreadyScored }
            state.answers[requestID]!.scored.insert(index)
            return .found(answer)
        }
    }
}
