import Classifiers
import Encoders
import Foundation

/// An ensemble artifact in memory: its members loaded as models of their own, and the weights
/// their probabilities are averaged with.
public struct EnsembleClassifier: Sendable {
    public struct Member: Sendable {
        /// Its folder inside the ensemble's.
        public let name: String
        public let model: ArtifactModel
        public let weight: Double
        /// For each of the ensemble's labels, the index of the same label value in the
        /// member's output, so members may list their labels in another order.
        let outputIndex: [Int]
    }

    public let members: [Member]
    public let labels: LabelSet

    /// Loads each member of the ensemble at `path`; `manifest` is its verified manifest.
    public init(manifest: ModelManifest, record: EnsembleRecord, path: String) throws {
        labels = LabelSet(labels: manifest.labels)
        members = try record.members.map { member in
            let model = try ArtifactModel.load(from: URL(fileURLWithPath: path).appendingPathComponent(member.path).path)
            let values = model.labels.labels.map(\.value)
            let outputIndex = try manifest.labels.map { label in
                guard let index = values.firstIndex(of: label.value) else {
                    throw ArtifactError.unreadableManifest(
                        path: path, reason: "member \(member.path) has no label '\(label.value)'")
                }
                return index
            }
            return Member(name: member.path, model: model, weight: member.weight, outputIndex: outputIndex)
        }
    }

    /// Each member classifies every text (an encoder in its batches); the average of their
    /// probabilities decides. A text counts as cut when any member had to cut it.
    public func classify(_ texts: [String], progress: (_ done: Int) -> Void = { _ in })
        throws(EncoderError) -> [EncoderPrediction]
    {
        var memberAnswers: [[EncoderPrediction]] = []
        for (index, member) in members.enumerated() {
            let last = index == members.count - 1
            memberAnswers.append(try member.model.predictions(for: texts, progress: last ? progress : { _ in }))
        }
        return texts.indices.map { row in
            let probabilities = zip(members, memberAnswers).map { member, answers in
                member.outputIndex.map { answers[row].prediction.probabilities[$0] }
            }
            return EncoderPrediction(
                prediction: Prediction(
                    probabilities: ProbabilityAverage.combine(probabilities, weights: members.map(\.weight)), labels: labels),
                isTruncated: memberAnswers.contains { $0[row].isTruncated })
        }
    }
}
