/// Why a model could not serve a request, worded for the client or operator who sees it.
public enum ModelRuntimeError: Error, Equatable, CustomStringConvertible {
    case unknownModel(String, known: [String])
    /// Every slot is busy and the queue is full; retrying after the given seconds may succeed.
    case overloaded(model: String, retryAfterSeconds: Int)
    /// The request waited `limit` for its batch (`BatchingPolicy.maxQueueTime`) and was never
    /// computed.
    case queueTimeout(model: String, limit: Duration)
    case loadFailed(model: String, reason: String)
    case duplicateModel(String)
    /// An explanation asked for a label the model does not predict.
    case unknownLabel(model: String, label: String, known: [String])

    public var description: String {
        switch self {
        case .unknownModel(let name, let known):
            return "no model named '\(name)' (models: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .overloaded(let model, let seconds):
            return "model '\(model)' is at its concurrency limit and its queue is full; retry in \(seconds) s"
        case .queueTimeout(let model, let limit):
            return "model '\(model)' did not start on the request within its batching max_queue_time of \(limit)"
        case .loadFailed(let model, let reason):
            return "model '\(model)' failed to load: \(reason)"
        case .duplicateModel(let name):
            return "two models are named '\(name)'; model names must be unique"
        case .unknownLabel(let model, let label, let known):
            return "model '\(model)' has no label '\(label)' (labels: \(known.joined(separator: ", ")))"
        }
    }
}
