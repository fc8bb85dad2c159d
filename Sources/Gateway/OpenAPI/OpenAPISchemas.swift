/// The bodies `/openapi.json` describes: the payload shapes of `Payloads/`, with the text
/// limits the gateway enforces, and which of them each endpoint takes and answers.
enum OpenAPISchemas {
    /// What one endpoint takes and answers on success.
    struct Exchange {
        var summary: String
        var request: [String: Any]?
        var successDescription: String
        var mediaType = "application/json"
        var response: [String: Any]
    }

    static func exchange(for endpoint: Endpoint) -> Exchange {
        let ref = OpenAPIDocument.reference
        let status: [String: Any] = ["type": "object", "required": ["status"], "properties": ["status": ["type": "string"]]]
        switch endpoint {
        case .health:
            return Exchange(summary: "Liveness: 200 while the process serves.", successDescription: "Alive.", response: status)
        case .ready:
            return Exchange(
                summary: "Readiness: 503 while provisioned models load.", successDescription: "Ready.", response: status)
        case .ping:
            return Exchange(
                summary: "SageMaker's health check: 200 once the models are loaded, 503 before.", successDescription: "Ready.",
                response: status)
        case .metrics:
            return Exchange(
                summary: "Prometheus metrics.", successDescription: "Text exposition format.",
                mediaType: "text/plain", response: ["type": "string"])
        case .openAPI:
            return Exchange(summary: "This document.", successDescription: "OpenAPI 3.1.", response: ["type": "object"])
        case .listModels:
            return Exchange(
                summary:
                    "Served models: where each runs, its lifecycle state, a remote model's health, and a versioned model's release.",
                successDescription: "Models.", response: ref("ModelList", "schemas"))
        case .classify:
            return Exchange(
                summary: "Classify one text or a batch (Magpie's payload).", request: ref("ClassifyRequest", "schemas"),
                successDescription: "Predictions.", response: ref("ClassifyResponse", "schemas"))
        case .sageMakerInvocations:
            return Exchange(
                summary:
                    "SageMaker's inference request (no API key; SageMaker authenticates callers). X-Amzn-SageMaker-Custom-Attributes may name model=NAME and version=V.",
                request: ref("InvocationsRequest", "schemas"), successDescription: "One label and score per input.",
                response: ["type": "array", "items": ref("LabelScore", "schemas")])
        case .invocations:
            return Exchange(
                summary: "Classify (Hugging Face inference toolkit and SageMaker payload).",
                request: ref("InvocationsRequest", "schemas"), successDescription: "One label and score per input.",
                response: ["type": "array", "items": ref("LabelScore", "schemas")])
        case .infer:
            return Exchange(
                summary: "Classify (the reference Lambda's payload).", request: ref("InferRequest", "schemas"),
                successDescription: "The label.",
                response: ["type": "object", "required": ["category"], "properties": ["category": ["type": "string"]]])
        case .routed:
            return Exchange(
                summary: "Classify with the model a configured route chooses from a JSON field or a header.",
                request: ref("ClassifyRequest", "schemas"), successDescription: "Predictions.",
                response: ref("ClassifyResponse", "schemas"))
        case .feedback:
            return Exchange(
                summary:
                    "Record the true label of an earlier answer (by its X-Request-Id): accuracy per version, which a canary's analysis compares.",
                request: ref("FeedbackRequest", "schemas"), successDescription: "The prediction scored.",
                response: ref("Feedback", "schemas"))
        case .explain:
            return Exchange(
                summary:
                    "Explain one text: each token's share of a label's score (the predicted label's unless label is given), exact for n-gram models; counts against the quota as a classification.",
                request: ref("ExplainRequest", "schemas"), successDescription: "The explanation.",
                response: ref("Explanation", "schemas"))
        case .preflight:
            return Exchange(summary: "CORS preflight.", successDescription: "Preflight.", response: ["type": "object"])
        }
    }

    static func schemas(limits: GatewayLimits) -> [String: Any] {
        let ref = { (name: String) in OpenAPIDocument.reference(name) }
        let string: [String: Any] = ["type": "string"]
        let number: [String: Any] = ["type": "number"]
        let integer: [String: Any] = ["type": "integer"]
        let labelScores: [String: Any] = ["type": "array", "items": ref("LabelScore")]
        let explanationFields: [String: Any] = [
            "logit": number, "bias": number,
            "method": ["type": "string", "enum": ["exact", "integrated_gradients", "weighted_members"]],
            "steps": integer, "completeness_error": number, "truncated": ["type": "boolean"],
            "tokens": [
                "type": "array",
                "items": object([
                    "token": string, "start": ["type": ["integer", "null"]], "end": ["type": ["integer", "null"]],
                    "score": number,
                ]),
            ],
        ]
        return [
            "Message": object(["message": string, "error_type": string]),
            "Issue": object(["issue": string, "error_type": string]),
            "LabelScore": object(["label": string, "score": number]),
            "Result": object(["label": string, "score": number, "scores": labelScores]),
            "Text": ["type": "string", "minLength": 1, "maxLength": limits.maxTextLength, "pattern": "\\S"],
            "Texts": ["type": "array", "minItems": 1, "maxItems": limits.maxBatchSize, "items": ref("Text")],
            "ClassifyRequest": [
                "oneOf": [
                    object(["text": ref("Text")]).merging(["not": ["required": ["texts"]]]) { $1 },
                    object(["texts": ref("Texts")]).merging(["not": ["required": ["text"]]]) { $1 },
                ]
            ],
            "ClassifyResponse": [
                "oneOf": [
                    object(["model": string, "version": string, "label": string, "score": number, "scores": labelScores]),
                    object(["model": string, "version": string, "results": ["type": "array", "items": ref("Result")]]),
                ]
            ],
            "InvocationsRequest": object(["inputs": ["oneOf": [ref("Text"), ref("Texts")]]]),
            "InferRequest": object(["text": ref("Text")]),
            "FeedbackRequest": object(
                [
                    "request_id": ["type": "string", "minLength": 1], "label": ["type": "string", "minLength": 1],
                    "index": integer,
                ],
                optional: ["index"]),
            "Feedback": object([
                "request_id": string, "model": string, "version": string, "predicted": string, "label": string,
                "correct": ["type": "boolean"],
            ]),
            "ExplainRequest": object(["text": ref("Text"), "label": ["type": "string", "minLength": 1]], optional: ["label"]),
            "Explanation": object(
                explanationFields.merging([
                    "model": string, "version": string, "label": string,
                    "members": [
                        "type": "array",
                        "items": object(
                            explanationFields.merging(["name": string, "weight": number]) { $1 },
                            optional: ["steps", "completeness_error"]),
                    ],
                ]) { $1 }, optional: ["steps", "completeness_error", "members"]),
            "ModelList": object(["models": ["type": "array", "items": ref("Model")]]),
            "Model": object(
                [
                    "name": string, "version": string, "labels": ["type": "array", "items": string],
                    "state": ["type": "string", "enum": ["cold", "loading", "warm"]],
                    "location": ["type": "object", "additionalProperties": string],
                    "health": object(
                        [
                            "breaker": ["type": "string", "enum": ["closed", "open", "half_open"]],
                            "consecutive_failures": ["type": "integer"], "last_error": string, "status": string,
                        ], optional: ["last_error"]),
                    "fallback": string, "release": ref("Release"),
                ], optional: ["health", "fallback", "release"]),
            "Release": object(
                [
                    "versions": ["type": "array", "items": integer], "stable": integer,
                    "canary": object(["version": integer, "weight": integer, "step_started_at": string]),
                    "decisions": [
                        "type": "array",
                        "items": object([
                            "at": string,
                            "action": ["type": "string", "enum": ["canary_started", "stepped_up", "promoted", "rolled_back"]],
                            "version": integer, "automatic": ["type": "boolean"], "reason": string,
                            "figures": ["type": "object", "additionalProperties": number],
                        ]),
                    ],
                ], optional: ["canary"]),
        ]
    }

    /// An object schema whose properties are all required but `optional`.
    static func object(_ properties: [String: Any], optional: Set<String> = []) -> [String: Any] {
        ["type": "object", "required": properties.keys.filter { !optional.contains($0) }.sorted(), "properties": properties]
    }
}
