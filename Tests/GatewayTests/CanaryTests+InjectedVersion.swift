import Classifiers
import Foundation
import Gateway
import MagpieTestSupport
import ModelRuntime
import Releases
import Storage
import Testing

extension CanaryTests {
    /// A version that computes with the real artifact, then misbehaves: a wrapper around the
    /// model seam, as batching or a cache would be.
    struct InjectedVersion: ServableModel {
        enum Fault {
            case constantLabel(String)
            case slow(Duration)
            /// Answers with its prediction for a random other tweet: the same mixture of labels
            /// as stable, right only by chance.
            case answersAnotherText
        }

        let model: ArtifactModel
        let fault: Fault

        init(_ model: ArtifactModel, _ fault: Fault) {
            self.model = model
            self.fault = fault
        }

        var profile: ModelProfile { model.profile }

        func explain(_ text: String, label: String?, context: InvocationContext) async throws -> Explanation? {
            try await model.explain(text, label: label, context: context)
        }

        func classify(_ texts: [String], context: InvocationContext) async throws -> ModelAnswer {
            var predictions = try model.predictions(for: texts).map(\.prediction)
            switch fault {
            case .constantLabel(let label):
                let labels = model.labels
                let index = labels.names.firstIndex(of: label)!
                predictions = texts.map { _ in
                    Prediction(probabilities: labels.names.indices.map { $0 == index ? 1 : 0 }, labels: labels)
                }
            case .slow(let delay):
                try? await Task.sleep(for: delay)
            case .answersAnotherText:
                let others = texts.map { _ in CanaryTests.texts.randomElement()! }
                predictions = try model.predictions(for: others).map(\.prediction)
            }
            return ModelAnswer(predictions: predictions, computing: .zero)
        }
    }
}
