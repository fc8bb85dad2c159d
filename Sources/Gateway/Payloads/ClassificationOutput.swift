import Classifiers

/// `{"label", "score"}`: one class and its probability.
struct LabelScore: Encodable, Equatable {
    var label: String
    var score: Float
}

/// One text's result in Magpie's payload.
struct NativeResult: Encodable {
    var label: String
    var score: Float
    var scores: [LabelScore]

    init(_ prediction: Prediction) {
        label = prediction.label
        score = prediction.score
        scores = zip(prediction.labels.names, prediction.probabilities).map { LabelScore(label: $0, score: $1) }
    }
}

/// `{"model", "version", "label", "score", "scores"}` for one text.
struct NativeSingleResponse: Encodable {
    var model: String
    var version: String
    var label: String
    var score: Float
    var scores: [LabelScore]
}

/// `{"model", "version", "results"}` for a batch.
struct NativeBatchResponse: Encodable {
    var model: String
    var version: String
    var results: [NativeResult]
}

/// The reference Lambda's answer: `{"category": label}`.
struct InferResponse: Encodable {
    var category: String
}
