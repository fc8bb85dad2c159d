import ArgumentParser
import Classifiers
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify texts: one JSON line per text on standard output.",
        discussion: "Texts come from the arguments, or one per line on standard input (blank lines are skipped)."
    )

    @OptionGroup var modelOptions: ModelOptions

    @Argument(help: "Texts to classify; none reads standard input.")
    var texts: [String] = []

    @Flag(
        help: """
            Add each token's share of the predicted label's score (n-gram models): the tokens' \
            scores plus the bias add up to the label's logit.
            """)
    var explain = false

    func validate() throws {
        if let position = texts.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw ValidationError("text \(position + 1) is empty; give a non-empty text to classify")
        }
    }

    func run() throws {
        let model = try modelOptions.loadAnyKind()
        let explainer = explain ? try model.explainer() : nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit(_ texts: [String]) throws {
            for (text, (prediction, truncated)) in zip(texts, try model.classify(texts)) {
                let line = PredictionJSON(
                    label: prediction.label, score: Double(prediction.score),
                    scores: Dictionary(
                        uniqueKeysWithValues: zip(prediction.labels.names, prediction.probabilities.map(Double.init))),
                    truncated: truncated ? true : nil,
                    explanation: explainer.map { ExplanationJSON($0.explain(text, labelIndex: prediction.labelIndex)) })
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        }
        if texts.isEmpty {
            while let line = readLine(strippingNewline: true) {
                if line.allSatisfy(\.isWhitespace) { continue }
                try emit([line])
            }
        } else {
            try emit(texts)
        }
    }
}

/// One `predict` output line; its keys are a public contract. `truncated` appears, as `true`,
/// only when an encoder model had to cut the text to its maximum length; `explanation` only
/// with `--explain`.
struct PredictionJSON: Encodable {
    var label: String
    var score: Double
    var scores: [String: Double]
    var truncated: Bool?
    var explanation: ExplanationJSON?
}

/// An explanation of the predicted label: `start` and `end` count Unicode scalars of the text
/// (Python's string indexes; `Array.from(text)` in JavaScript).
struct ExplanationJSON: Encodable {
    struct Token: Encodable {
        var token: String
        var start: Int?
        var end: Int?
        var score: Double
    }

    var logit: Double
    var bias: Double
    var tokens: [Token]

    init(_ explanation: Explanation) {
        logit = explanation.logit
        bias = explanation.bias
        tokens = explanation.tokens.map {
            Token(token: $0.text, start: $0.source?.lowerBound, end: $0.source?.upperBound, score: $0.score)
        }
    }
}
