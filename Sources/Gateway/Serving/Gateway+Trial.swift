import Classifiers
import JSONValues
import ModelRuntime

extension Gateway {
    /// One trial classification and what it cost, for the console's Try page.
    package struct Trial: Sendable {
        package var model: String
        package var version: String
        package var results: [NativeResult]
        package var coldStart: Bool
        package var duration: Duration
        package var load: Duration?
        package var inference: Duration?
        package var upstream: Duration?
        /// Each text's explanation of its label, where the model's kind can explain.
        package var explanations: [Explanation?]
    }

    /// Classifies a request's payload (`{"text"}` or `{"texts"}`, checked as `classify` checks
    /// it) with the version a keyless request would get, or the pinned one. An operator's trial
    /// is no client's traffic: it counts against no key, and neither a canary's figures nor the
    /// Traffic page see it.
    package func trial(model: String, payload: [String: JSONValue], version pinned: String?) async throws -> Trial {
        guard models[model] != nil else { throw GatewayError.unknownModel(model, known: models.keys.sorted()) }
        let input = try ClassificationInput.native(payload, limits: limits)
        let clock = ContinuousClock()
        let start = clock.now
        let served = try await service.answer(
            input.texts, model: model, caller: .init(pinned: pinned, isTrial: true),
            context: InvocationContext(requestID: "console"))
        let duration = start.duration(to: clock.now)
        var explanations: [Explanation?] = []
        for (text, prediction) in zip(input.texts, served.answer.predictions) {
            explanations.append(try await explanation(of: text, label: prediction.label, model: model, version: served.version))
        }
        return Trial(
            model: model, version: served.version, results: served.answer.predictions.map(NativeResult.init),
            coldStart: served.usage.coldStart, duration: duration, load: served.usage.loadDuration,
            inference: served.answer.computing, upstream: served.answer.upstream, explanations: explanations)
    }

    /// The explanation of `label` by the version that answered the trial; nil for a kind of
    /// model that cannot explain.
    private func explanation(of text: String, label: String, model: String, version: String) async throws -> Explanation? {
        do {
            return try await service.explain(
                text, label: label, model: model, caller: .init(pinned: version, isTrial: true),
                context: InvocationContext(requestID: "console")
            ).explanation
        } catch .explanationUnavailable {
            return nil
        }
    }
}
