import Classifiers
import JSONValues
import ModelRuntime

/// Another Magpie's `POST /v1/models/{model}/classify`: `{"text"}` or `{"texts"}` in,
/// `{"label", "score", "scores"}` or `{"results": [...]}` out, every label's score kept.
struct MagpieFormat: PayloadFormat {
    var acceptsBatches: Bool { true }

    func requestBody(for texts: [String]) -> [UInt8] {
        texts.count == 1
            ? Array(#"{"text": "#.utf8) + JSONText.quoted(texts[0]) + [UInt8(ascii: "}")]
            : Array(#"{"texts": "#.utf8) + JSONText.array(texts) + [UInt8(ascii: "}")]
    }

    func predictions(from body: [UInt8], count: Int) throws(RemoteModelError) -> [Prediction] {
        guard case .object(let object) = try parse(body) else { throw .invalidResponse("expected a JSON object") }
        if case .array(let results)? = object["results"] {
            guard results.count == count else { throw .invalidResponse("\(results.count) results for \(count) inputs") }
            return try results.map { (result) throws(RemoteModelError) in try Self.prediction(result) }
        }
        guard count == 1 else { throw .invalidResponse("expected results for \(count) inputs") }
        return [try Self.prediction(.object(object))]
    }

    static func prediction(_ value: JSONValue) throws(RemoteModelError) -> Prediction {
        guard case .object(let object) = value, case .array(let scores)? = object["scores"] else {
            throw .invalidResponse("a result without scores")
        }
        return try LabelScores.prediction(try scores.map { (pair) throws(RemoteModelError) in try LabelScores.pair(pair) })
    }
}
