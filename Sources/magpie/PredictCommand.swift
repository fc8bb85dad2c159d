import ArgumentParser
import Classifiers
import Foundation

struct PredictCommand: AsyncParsableCommand {
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
            Add each token's share of the predicted label's score (exact for n-gram models, \
            integrated gradients for encoders): the tokens' scores plus the bias add up to the \
            label's logit.
            """)
    var explain = false

    func validate() throws {
        if let position = texts.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw ValidationError("text \(position + 1) is empty; give a non-empty text to classify")
        }
    }

    func run() async throws {
        let model = try modelOptions.loadAnyKind()
        let explainer = explain ? model.explainer : nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit(_ texts: [String]) async throws {
            for (text, (prediction, truncated)) in zip(texts, try model.classify(texts)) {
                let explanation = try await explainer?.explain(text, labelIndex: prediction.labelIndex)
                let line = PredictionJSON(
                    label: prediction.label, score: Double(prediction.score),
                    scores: Dictionary(
                        uniqueKeysWithValues: zip(prediction.labels.names, prediction.probabilities.map(Double.init))),
                    truncated: truncated ? true : nil,
                    explanation: explanation.map(ExplanationJSON.init))
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        }
        if texts.isEmpty {
            while let line = readLine(strippingNewline: true) {
                if line.allSatisfy(\.isWhitespace) { continue }
                try await emit([line])
            }
        } else {
            try await emit(texts)
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

    /// An ensemble member's folder and weight, as the API's `members` name them.
    var name: String?
    var weight: Double?
    var logit: Double
    var bias: Double
    /// `exact`, `integrated_gradients` or `weighted_members`, as in the API's answer.
    var method: String
    var steps: Int?
    var completenessError: Double?
    var truncated: Bool
    var tokens: [Token]
    var members: [ExplanationJSON]?

    enum CodingKeys: String, CodingKey {
        case name, weight, logit, bias, method, steps, truncated, tokens, members
        case completenessError = "completeness_error"
    }

    init(_ explanation: Explanation) {
        logit = explanation.logit
        bias = explanation.bias
        switch explanation.method {
        case .exact: method = "exact"
        case .weightedMembers: method = "weighted_members"
        case .integratedGradients(let steps, let error):
            method = "integrated_gradients"
            self.steps = steps
            completenessError = error
        }
        truncated = !explanation.coversWholeText
        tokens = explanation.tokens.map {
            Token(token: $0.text, start: $0.source?.lowerBound, end: $0.source?.upperBound, score: $0.score)
        }
        members =
            explanation.members.isEmpty
            ? nil
            : explanation.members.map { member in
                var explained = ExplanationJSON(member.explanation)
                explained.name = member.name
                explained.weight = member.weight
                return explained
            }
    }
}
