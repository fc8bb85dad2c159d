import Classifiers
import Encoders

/// What computes an artifact's predictions in this process, synchronously: the n-gram
/// classifier, an encoder head, a fine-tuned encoder or an ensemble. `ArtifactModel` puts any
/// of them behind the serving seam.
public protocol LocalClassifier: Sendable {
    var labels: LabelSet { get }
    /// Predictions in the order of `texts`; `progress` hears the count done after each batch
    /// of an encoder.
    func predictions(for texts: [String], progress: (_ done: Int) -> Void) throws(EncoderError) -> [EncoderPrediction]
}

extension TextClassifier: LocalClassifier {
    /// One predictor (its scratch buffers) for the whole request.
    public func predictions(for texts: [String], progress: (_ done: Int) -> Void) -> [EncoderPrediction] {
        var predictor = makePredictor()
        return texts.map { EncoderPrediction(prediction: predictor.predict($0), isTruncated: false) }
    }
}

extension EncoderHeadClassifier: LocalClassifier {
    public func predictions(for texts: [String], progress: (_ done: Int) -> Void) throws(EncoderError)
        -> [EncoderPrediction]
    {
        try classify(texts, progress: progress)
    }
}

extension SequenceClassifier: LocalClassifier {
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
