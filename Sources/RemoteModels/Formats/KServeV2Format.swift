import Classifiers
import JSONValues
import ModelRuntime

/// The Open Inference Protocol (KServe v2, Triton): the texts go in one BYTES tensor named
/// `text` of shape `[n]`. The answer's outputs are read as either a `label` BYTES tensor with
/// an optional `score` FP32 tensor (one each per input), or a single BYTES tensor of JSON
/// strings `{"label", "score"}` per input, as Hugging Face's KServe runtime answers.
struct KServeV2Format: PayloadFormat {
    var acceptsBatches: Bool { true }

    func requestBody(for texts: [String]) -> [UInt8] {
        Array(#"{"inputs": [{"name": "text", "shape": [\#(texts.count)], "datatype": "BYTES", "data": "#.utf8)
            + JSONText.array(texts) + Array("}]}".utf8)
    }

    func predictions(from body: [UInt8], count: Int) throws(RemoteModelError) -> [Prediction] {
        guard case .object(let object) = try parse(body), case .array(let outputs)? = object["outputs"] else {
            throw .invalidResponse("expected an object with outputs")
        }
        var tensors: [String: [JSONValue]] = [:]
        for output in outputs {
            guard case .object(let tensor) = output, case .string(let name)? = tensor["name"],
                case .array(let data)? = tensor["data"]
            else { throw .invalidResponse("an output without name and data") }
            tensors[name] = data
        }
        if let labels = tensors["label"] ?? tensors["labels"] {
            guard labels.count == count else { throw .invalidResponse("\(labels.count) labels for \(count) inputs") }
            let scores = tensors["score"] ?? tensors["scores"]
            if let scores, scores.count != count { throw .invalidResponse("\(scores.count) scores for \(count) inputs") }
            var predictions: [Prediction] = []
            for index in 0..<count {
                guard case .string(let label) = labels[index] else { throw .invalidResponse("a label that is not a string") }
                var score: Float = 1
                if let scores {
                    guard case .number(let value) = scores[index] else { throw .invalidResponse("a score that is not a number") }
                    score = Float(value)
                }
                predictions.append(try LabelScores.prediction([(label, score)]))
            }
            return predictions
        }
        guard tensors.count == 1, let data = tensors.values.first, data.count == count else {
            throw .invalidResponse("expected a label output, or one output with \(count) JSON strings")
        }
        return try data.map { (value) throws(RemoteModelError) in
            guard case .string(let text) = value, let parsed = try? JSONParser.parse(Array(text.utf8)) else {
                throw .invalidResponse("an output element that is not a JSON string")
            }
            if case .array(let pairs) = parsed {
                return try LabelScores.prediction(try pairs.map { (pair) throws(RemoteModelError) in try LabelScores.pair(pair) })
            }
            return try LabelScores.prediction([try LabelScores.pair(parsed)])
        }
    }
}
