import Classifiers

/// A prediction by an encoder model, and whether the text had to be cut to the model's
/// maximum length to get it (a caller should know the end of the text was not read).
public struct EncoderPrediction: Sendable {
    public var prediction: Prediction
    public var isTruncated: Bool
}
