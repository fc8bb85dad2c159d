import Classifiers
import Encoders
import FineTuning

/// What computes an artifact's predictions in this process, synchronously: the n-gram
/// classifier, an encoder head, a fine-tuned encoder or an ensemble. `ArtifactModel` puts any
/// of them behind the serving seam.
public protocol LocalClassifier: Sendable {
    var labels: LabelSet { get }
    /// Predictions in the order of `texts`; `progress` hears the count done after each batch
    /// of an encoder.
    func predictions(for texts: [String], progress: (_ done: Int) -> Void) throws(EncoderError) -> [EncoderPrediction]
    /// Each token's share of the score of `labelIndex` for `text`, or of the predicted label
    /// when nil: exact for an n-gram model, integrated gradients for an encoder, the members'
    /// explanations weighted for an ensemble.
    func explain(_ text: String, labelIndex: Int?) async throws -> Explanation
}

extension TextClassifier: LocalClassifier {
    /// One predictor (its scratch buffers) for the whole request.
    public func predictions(for texts: [String], progress: (_ done: Int) -> Void) -> [EncoderPrediction] {
        var predictor = makePredictor()
        return texts.map { EncoderPrediction(prediction: predictor.predict($0), isTruncated: false) }
    }
}

extension EncoderHeadClassifier: LocalClassifier {
    public func explain(_ text: String, labelIndex: Int?) async throws -> Explanation {
        let label = try labelIndex ?? classify([text])[0].prediction.labelIndex
        return try await attributor.explain(text, labelIndex: label, head: head, textEncoder: textEncoder)
    }

    public func predictions(for texts: [String], progress: (_ done: Int) -> Void) throws(EncoderError)
        -> [EncoderPrediction]
    {
        try classify(texts, progress: progress)
    }
}

extension SequenceClassifier: LocalClassifier {
    public func explain(_ text: String, labelIndex: Int?) async throws -> Explanation {
        let label = try labelIndex ?? classify([text])[0].prediction.labelIndex
        return try await attributor.explain(text, labelIndex: label, score: .classifierLogit(label: label))
    }

    public func predictions(for texts: [String], progress: (_ done: Int) -> Void) throws(EncoderError)
        -> [EncoderPrediction]
    {
        try classify(texts, progress: progress)
    }
}

extension EnsembleClassifier: LocalClassifier {
    public func predictions(for texts: [String], progress: (_ done: Int) -> Void) throws(EncoderError)
        -> [EncoderPrediction]
    {
        try classify(texts, progress: progress)
    }
}
