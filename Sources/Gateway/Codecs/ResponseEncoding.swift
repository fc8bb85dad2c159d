import Classifiers
import JSONValues

/// Answers as each endpoint's payload: the reference Lambda's `{"category"}` for `infer`,
/// Hugging Face's `[{"label", "score"}]` for invocations, Magpie's own for the rest.
enum ResponseEncoding {
    static func classification(
        _ endpoint: Endpoint, _ input: ClassificationInput, _ predictions: [Prediction], model: String, version: String
    ) -> GatewayResponse {
        switch (endpoint, input) {
        case (.infer, _):
            return json(InferResponse(category: predictions[0].label))
        case (.invocations, _), (.sageMakerInvocations, _):
            return json(predictions.map { LabelScore(label: $0.label, score: $0.score) })
        case (_, .single):
            let result = NativeResult(predictions[0])
            return json(
                NativeSingleResponse(
                    model: model, version: version, label: result.label, score: result.score, scores: result.scores))
        case (_, .batch):
            return json(NativeBatchResponse(model: model, version: version, results: predictions.map(NativeResult.init)))
        }
    }

    static func json(_ value: some JSONWritable) -> GatewayResponse {
        GatewayResponse(status: .ok, headers: [.contentType: "application/json"], body: value.jsonBytes)
    }
}
