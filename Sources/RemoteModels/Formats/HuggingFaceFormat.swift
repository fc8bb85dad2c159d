import Classifiers
import JSONValues
import ModelRuntime

/// SageMaker's Hugging Face containers and text-embeddings-inference `/predict`: the request
/// is `{"inputs": text}` or `{"inputs": [texts]}`; the answer is `[{"label", "score"}]` (the
/// top label per input, or every label of the one input), or one such list per input.
struct HuggingFaceFormat: PayloadFormat {
    var acceptsBatches: Bool { true }

    func requestBody(for texts: [String]) -> [UInt8] {
        Array(#"{"inputs": "#.utf8) + (texts.count == 1 ? JSONText.quoted(texts[0]) : JSONText.array(texts)) + [UInt8(ascii: "}")]
    }

    func predictions(from body: [UInt8], count: Int) throws(RemoteModelError) -> [Prediction] {
        guard case .array(let items) = try parse(body) else { throw .invalidResponse("expected a JSON array") }
        if items.allSatisfy({ if case .array = $0 { true } else { false } }) {
            guard items.count == count else { throw .invalidResponse("\(items.count) answers for \(count) inputs") }
            var predictions: [Prediction] = []
            for item in items {
                guard case .array(let pairs) = item else { continue }
                predictions.append(
                    try LabelScores.prediction(try pairs.map { (value) throws(RemoteModelError) in try LabelScores.pair(value) }))
            }
            return predictions
        }
        let pairs = try items.map { (value) throws(RemoteModelError) in try LabelScores.pair(value) }
        if count == 1 { return [try LabelScores.prediction(pairs)] }
        guard pairs.count == count else { throw .invalidResponse("\(pairs.count) answers for \(count) inputs") }
        return try pairs.map { (pair) throws(RemoteModelError) in try LabelScores.prediction([pair]) }
    }
}
