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
        return Trial(
            model: model, version: served.version, results: served.answer.predictions.map(NativeResult.init),
            coldStart: served.usage.coldStart, duration: start.duration(to: clock.now), load: served.usage.loadDuration,
            inference: served.answer.computing, upstream: served.answer.upstream)
    }
}
