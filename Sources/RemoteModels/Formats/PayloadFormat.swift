import Classifiers
import JSONValues
import ModelRuntime

/// How texts become a request body for a remote server and its answer becomes predictions.
protocol PayloadFormat: Sendable {
    /// The body for `texts`; formats that take only one text per call are called once per text.
    func requestBody(for texts: [String]) -> [UInt8]
    /// True when one call can carry several texts.
    var acceptsBatches: Bool { get }
    func predictions(from body: [UInt8], count: Int) throws(RemoteModelError) -> [Prediction]
}

extension PayloadFormat {
    func parse(_ body: [UInt8]) throws(RemoteModelError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw .invalidResponse("not JSON: \(error.reason)")
        }
    }
}

/// Predictions from `(label, score)` pairs: the labels in the order given, each text's own
/// scores. A server that reports only the top label gives a one-label prediction.
enum LabelScores {
    static func prediction(_ pairs: [(label: String, score: Float)]) throws(RemoteModelError) -> Prediction {
        guard !pairs.isEmpty else { throw .invalidResponse("an input got no labels") }
        let labels = LabelSet(labels: pairs.map { LabelSet.Label(value: $0.label, name: $0.label) })
        return Prediction(probabilities: pairs.map(\.score), labels: labels)
    }

    /// `{"label": "...", "score": 0.9}`.
    static func pair(_ value: JSONValue) throws(RemoteModelError) -> (label: String, score: Float) {
        guard case .object(let object) = value, case .string(let label)? = object["label"],
            case .number(let score)? = object["score"]
        else { throw .invalidResponse("expected {\"label\": string, \"score\": number}, got \(value.typeName)") }
        return (label, Float(score))
    }
}

/// Pieces of hand-built request bodies.
enum JSONText {
    /// A JSON string literal, quotes included.
    static func quoted(_ text: String) -> [UInt8] {
        Array(("\"" + JSONStringEscaping.escaped(text) + "\"").utf8)
    }

    /// A JSON array of string literals.
    static func array(_ texts: [String]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, text) in texts.enumerated() {
            if index > 0 { bytes += Array(", ".utf8) }
            bytes += quoted(text)
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }
}
