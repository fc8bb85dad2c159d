import JSONValues
import ModelRuntime
import Releases

/// Labelled feedback: `{"request_id", "label", "index"?}` scored against the answer this
/// server remembers giving, as accuracy per version, which the canary analysis compares.
struct Feedback: Sendable {
    let answers: AnswerLog
    let releases: ReleaseController?
    let models: [String: ServedModel]

    /// Remembers what `served` answered to `requestID`, for feedback to score.
    func remember(requestID: String, _ served: ModelService.Served) {
        answers.remember(
            requestID: requestID,
            .init(model: served.model, version: served.version, labels: served.answer.predictions.map(\.label)))
    }

    func record(model: String, _ object: [String: JSONValue]) throws(GatewayError) -> FeedbackResponse {
        if let unknown = object.keys.sorted().first(where: { !["request_id", "label", "index"].contains($0) }) {
            throw .invalidRequest("unknown field '\(unknown)'; send request_id, label and, for a batch, index")
        }
        guard case .string(let requestID)? = object["request_id"], !requestID.isEmpty else {
            throw .invalidRequest("request_id must be the X-Request-Id of an earlier answer, as a string")
        }
        guard case .string(let label)? = object["label"], !label.isEmpty else {
            throw .invalidRequest("label must be the text's true label, as a string")
        }
        var index = 0
        switch object["index"] {
        case nil: break
        case .number(let value)? where value >= 0 && value == value.rounded() && value < 1_000_000: index = Int(value)
        case let other?: throw .invalidRequest("index must be the text's position in the batch, a whole number, not \(other)")
        }
        let labels = models[model]?.labels ?? []
        if !labels.isEmpty, !labels.contains(label) {
            throw .invalidRequest("label '\(label)' is not one of the model's labels: \(labels.joined(separator: ", "))")
        }
        let answer: AnswerLog.Answer
        switch answers.score(requestID: requestID, model: model, index: index) {
        case .unknown: throw .unknownRequest(model: model, requestID: requestID, remembered: answers.capacity)
        case .alreadyScored: throw .invalidRequest("feedback for request '\(requestID)' (text \(index)) was already recorded")
        case .found(let found): answer = found
        }
        let predicted = answer.labels[index]
        if let version = Int(answer.version) {
            releases?.recordFeedback(model: model, version: version, correct: predicted == label)
        }
        return FeedbackResponse(
            requestID: requestID, model: model, version: answer.version, predicted: predicted, label: label,
            correct: predicted == label)
    }
}
