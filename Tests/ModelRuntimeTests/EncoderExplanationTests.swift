import Classifiers
import Encoders
import Foundation
import MagpieTestSupport
import ModelRuntime
import Testing

/// Integrated gradients through a served encoder head on all-MiniLM-L6-v2 (the fixture's,
/// trained on tweets): the shares point the way the words obviously do, add up to the head's
/// logit less the baseline's, and name the words as written.
@Suite struct EncoderExplanationTests {
    static let model = Result { try ArtifactModel.load(from: try EncoderHeadFixture.artifact()) }
    static let context = InvocationContext(requestID: "explain")

    static func explain(_ text: String, _ label: String) async throws -> Explanation {
        try #require(try await model.get().explain(text, label: label, context: context))
    }

    @Test func aSlurPushesTowardHateSpeechAndLovelyTowardNeither() async throws {
        let hate = try await Self.explain("that faggot should leave", "Hate Speech")
        let slur = try #require(hate.tokens.first { $0.text == "faggot" })
        #expect(slur.score > 0 && slur.score == hate.tokens.map(\.score).max(), "\(hate.tokens)")
        let neither = try await Self.explain("what a lovely morning", "Neither")
        let lovely = try #require(neither.tokens.first { $0.text == "lovely" })
        #expect(lovely.score > 0, "\(neither.tokens)")
        let against = try await Self.explain("what a lovely morning", "Hate Speech")
        #expect(try #require(against.tokens.first { $0.text == "lovely" }).score < 0, "\(against.tokens)")
    }

    @Test func sharesAddUpToTheHeadsLogitOnRandomTexts() async throws {
        let model = try Self.model.get()
        guard let head = model.classifier as? EncoderHeadClassifier else { throw Unexpected() }
        var generator = SeededGenerator(seed: 2026)
        let words = ["good", "awful", "people", "morning", "trash", "love", "the", "you", "game", "hoes", "!", "lol"]
        for _ in 0..<4 {
            let text = (0..<Int.random(in: 3...30, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                .joined(separator: " ")
            let explanation = try #require(try await model.explain(text, label: nil, context: Self.context))
            guard case .integratedGradients(let steps, let error) = explanation.method else { throw Unexpected() }
            #expect(steps == 20)
            let sum = explanation.tokens.map(\.score).reduce(0, +)
            #expect(abs(sum + explanation.bias - explanation.logit - 0) <= error + 1e-9)
            #expect(error <= 0.05 * max(abs(explanation.logit - explanation.bias), 0.1), "\(text): \(error)")
            // The logit is the head's on the encoder's embedding of the whole text.
            let embedding = try head.textEncoder.embed([text])[0].vector
            let weights = head.head.weights
            let label = explanation.labelIndex
            let logit = zip(0..<weights.featureCount, embedding).reduce(Double(weights.bias[label])) { sum, pair in
                sum + Double(weights.weights[pair.0 * weights.classCount + label] * pair.1)
            }
            #expect(abs(explanation.logit - logit) < 1e-4, "\(explanation.logit) vs \(logit)")
            let predicted = try model.predictions(for: [text])[0].prediction.labelIndex
            #expect(label == predicted)
        }
    }

    @Test func wordsAreAsWrittenWithTheirOffsetsAndTheSharedEncoderAgrees() async throws {
        let text = "Naïve PEOPLE, unbelievably lovely!"
        let explanation = try await Self.explain(text, "Neither")
        #expect(explanation.tokens.map(\.text) == ["Naïve", "PEOPLE", ",", "unbelievably", "lovely", "!"])
        let scalars = Array(text.unicodeScalars)
        for token in explanation.tokens {
            let source = try #require(token.source)
            #expect(String(String.UnicodeScalarView(scalars[source])) == token.text)
        }
        #expect(explanation.coversWholeText)

        let shared = try #require(
            try SharedEncoders().model(at: try EncoderHeadFixture.artifact(), policy: BatchingPolicy()))
        let sharedExplanation = try #require(try await shared.explain(text, label: "Neither", context: Self.context))
        #expect(sharedExplanation.tokens.map(\.text) == explanation.tokens.map(\.text))
        for (one, other) in zip(sharedExplanation.tokens, explanation.tokens) { #expect(abs(one.score - other.score) < 1e-6) }
        await #expect(throws: ModelRuntimeError.self) { _ = try await shared.explain(text, label: "Nope", context: Self.context) }
    }

    /// One explanation runs and four wait; a flood beyond that is refused at once as
    /// overloaded instead of queueing seconds of work.
    @Test func aFloodOfExplanationsIsRefusedBeyondTheQueue() async throws {
        let model = try ArtifactModel.load(from: try EncoderHeadFixture.artifact())
        let outcomes = await withTaskGroup(of: Result<Explanation?, any Error>.self) { group in
            for index in 0..<12 {
                group.addTask {
                    do {
                        return .success(try await model.explain("flood number \(index)", label: nil, context: Self.context))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let refused = outcomes.compactMap { outcome -> (any Error)? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(outcomes.count - refused.count >= 5)
        #expect(!refused.isEmpty)
        #expect(
            refused.allSatisfy { ($0 as? ModelRuntimeError).map { if case .overloaded = $0 { true } else { false } } ?? false })
    }

    struct Unexpected: Error {}
}
