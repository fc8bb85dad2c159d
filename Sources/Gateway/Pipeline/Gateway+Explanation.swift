import Classifiers
import JSONValues
import ModelRuntime

extension Gateway {
    /// `POST /v1/models/{model}/explain` with `{"text": ..., "label": ...}`: admitted and
    /// counted against the key's quota like a classification of one text, then explained by
    /// the version its classifications go to.
    func explain(model: String, _ request: GatewayRequest, record: RequestRecord) async throws(GatewayError)
        -> GatewayResponse
    {
        let (admitted, _) = try await admission.admit(request) { () throws(GatewayError) in try known(model) }
        let object = try RequestBody.object(request)
        guard let textValue = object["text"] else { throw .invalidRequest("request body needs text (a string)") }
        let text = try ClassificationInput.validText(textValue, field: "text", limits: limits)
        let label: String?
        switch object["label"] {
        case nil, .null?: label = nil
        case .string(let name)?: label = name
        case let other?: throw .invalidRequest("label must be a string, not \(other.typeName)")
        }
        let caller = ModelService.Caller(stickyKey: admitted.keyID, pinned: request.headers[Self.modelVersionHeader])
        let context = InvocationContext(
            requestID: record.requestID, traceparent: record.trace?.traceparent, amazonTraceID: record.trace?.amazonTraceID)
        let explained = try await service.explain(text, label: label, model: model, caller: caller, context: context)
        var response = ResponseEncoding.json(ExplanationResponse(model: model, explained))
        response.headers.append(contentsOf: admitted.rateLimitHeaders)
        response.headers[Self.modelVersionHeader] = explained.version
        return response
    }
}

/// The explain route's answer. `start` and `end` count Unicode scalars of the text (Python's
/// string indexes; `Array.from(text)` in JavaScript), null where not known.
struct ExplanationResponse: JSONWritable {
    var model: String
    var explained: ModelService.Explained

    init(model: String, _ explained: ModelService.Explained) {
        self.model = model
        self.explained = explained
    }

    func write(to writer: inout JSONWriter) {
        let explanation = explained.explanation
        let label = explained.labels[explanation.labelIndex]
        writer.object { members in
            members.member("model") { $0.string(model) }
            members.member("version") { $0.string(explained.version) }
            members.member("label") { $0.string(label) }
            Self.writeFields(of: explanation, into: &members)
            if !explanation.members.isEmpty {
                members.member("members") {
                    $0.array(explanation.members) { writer, member in
                        writer.object { members in
                            members.member("name") { $0.string(member.name) }
                            members.member("weight") { $0.number(member.weight) }
                            Self.writeFields(of: member.explanation, into: &members)
                        }
                    }
                }
            }
        }
    }

    /// What an ensemble's members share with the ensemble: the scores, how they were found,
    /// and the tokens.
    static func writeFields(of explanation: Explanation, into members: inout JSONWriter.ObjectWriter) {
        members.member("logit") { $0.number(explanation.logit) }
        members.member("bias") { $0.number(explanation.bias) }
        switch explanation.method {
        case .exact: members.member("method") { $0.string("exact") }
        case .weightedMembers: members.member("method") { $0.string("weighted_members") }
        case .integratedGradients(let steps, let error):
            members.member("method") { $0.string("integrated_gradients") }
            members.member("steps") { $0.number(steps) }
            members.member("completeness_error") { $0.number(error) }
        }
        members.member("truncated") { $0.bool(!explanation.coversWholeText) }
        members.member("tokens") {
            $0.array(explanation.tokens) { writer, token in
                writer.object { members in
                    members.member("token") { $0.string(token.text) }
                    members.member("start") { writer in
                        if let source = token.source { writer.number(source.lowerBound) } else { writer.null() }
                    }
                    members.member("end") { writer in
                        if let source = token.source { writer.number(source.upperBound) } else { writer.null() }
                    }
                    members.member("score") { $0.number(token.score) }
                }
            }
        }
    }
}
