import Classifiers
import Foundation
import MagpieTestSupport
import Testing

/// Explanations of the logistic regression `ModelFixture` trains on 1,500 bundled tweets:
/// exact (the tokens' scores and the bias add up to the label's logit), pointing at the right
/// words of the text, and with the signs a reader expects.
@Suite struct ExplanationTests {
    static let classifier = try! ModelArtifact.load(from: ModelFixture.artifact).textClassifier!

    static let heldOut: [String] = {
        let data = ModelFixture.repositoryRoot.appendingPathComponent("data/hate-speech/labeled_data.csv").path
        let dataset = try! LabeledDataset.read(path: data, textColumn: "tweet", labelColumn: "class")
        return dataset.examples[20_000..<20_300].map(\.text)
    }()

    func label(_ name: String) -> Int { Self.classifier.labels.labels.firstIndex { $0.name == name }! }

    @Test func theTokensScoresAndTheBiasAddUpToEveryLabelsLogit() {
        var predictor = Self.classifier.makePredictor()
        for text in Self.heldOut {
            let vector = predictor.vector(for: text)
            var logits: [Float] = []
            Self.classifier.weights.scores(of: vector, into: &logits)
            for labelIndex in logits.indices {
                let explanation = Self.classifier.explain(text, labelIndex: labelIndex)
                let total = explanation.bias + explanation.tokens.reduce(0) { $0 + $1.score }
                #expect(abs(total - explanation.logit) < 1e-9)
                #expect(abs(explanation.logit - Double(logits[labelIndex])) < 1e-5, "\(text)")
            }
            #expect(Self.classifier.explain(text).labelIndex == predictor.predict(text).labelIndex)
        }
    }

    @Test func pointsEachTokenAtTheTextItCameFrom() throws {
        let text = "I LOVE this &#128514; @Bob http://t.co/x Café!!"
        let explanation = Self.classifier.explain(text)
        let scalars = Array(text.unicodeScalars)
        func original(_ token: Explanation.Token) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[token.source!])
            return String(view)
        }
        #expect(explanation.tokens.map(\.text) == ["i", "love", "this", "😂", "<user>", "<url>", "café", "!"])
        #expect(explanation.tokens.map(original) == ["I", "LOVE", "this", "&#128514;", "@Bob", "http://t.co/x", "Café", "!!"])
    }

    @Test func aSlurPushesTowardHateSpeechAndLovelyTowardNeither() throws {
        let hate = Self.classifier.explain("that faggot should leave", labelIndex: label("Hate Speech"))
        let slur = try #require(hate.tokens.first { $0.text == "faggot" })
        #expect(slur.score > 0)
        #expect(slur.score == hate.tokens.map(\.score).max())

        let neither = Self.classifier.explain("what a lovely morning", labelIndex: label("Neither"))
        let lovely = try #require(neither.tokens.first { $0.text == "lovely" })
        #expect(lovely.score > 0)
    }
}
