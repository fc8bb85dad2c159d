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
        /// Each text's explanation of its label, in order.
        package var explanations: [TrialExplanation]
    }

    /// A trial text's explanation, or why it has none.
    package enum TrialExplanation: Sendable {
        case explained(Explanation)
        /// A remote model cannot explain.
        case unavailable
        /// The trial had spent `trialExplanationBudget` explaining the texts before it.
        case outOfTime
    }

    /// How long a trial spends explaining its texts: an encoder's explanation takes most of a
    /// second here, and a Try of 32 texts should not keep the page waiting for half a minute.
    /// The explain route explains any text.
    package static let trialExplanationBudget = Duration.seconds(3)

    /// Classifies a request's payload (`{"text"}` or `{"texts"}`, checked as `classify` checks
    /// it) with the version a keyless request would get, or the pinned one. An operator's trial
    /// is no client's traffic: it counts against no key, and neither a canary's figures nor the
    /// Traffic page see it.
    package func trial(
        model: String, payload: [String: JSONValue], version pinned: String?,
        explanationBudget: Duration = trialExplanationBudget
    ) async throws -> Trial {
        guard models[model] != nil else { throw GatewayError.unknownModel(model, known: models.keys.sorted()) }
        let input = try ClassificationInput.native(payload, limits: limits)
        let clock = ContinuousClock()
        let start = clock.now
        let served = try await service.answer(
            input.texts, model: model, caller: .init(pinned: pinned, isTrial: true),
            context: InvocationContext(requestID: "console"))
        let duration = start.duration(to: clock.now)
        var explanations: [TrialExplanation] = []
        let explaining = clock.now
        for (text, prediction) in zip(input.texts, served.answer.predictions) {
            guard explaining.duration(to: clock.now) < explanationBudget else {
                explanations.append(.outOfTime)
                continue
            }
            explanations.append(try await explanation(of: text, label: prediction.label, model: model, version: served.version))
        }
        return Trial(
            model: model, version: served.version, results: served.answer.predictions.map(NativeResult.init),
            coldStart: served.usage.coldStart, duration: duration, load: served.usage.loadDuration,
            inference: served.answer.computing, upstream: served.answer.upstream, explanations: explanations)
    }

    /// The explanation of `label` by the version that answered the trial.
    private func explanation(of text: String, label: String, model: String, version: String) async throws
        -> TrialExplanation
    {
        do {
            return .explained(
                try await service.explain(
                    text, label: label, model: model, caller: .init(pinned: version, isTrial: true),
                    context: InvocationContext(requestID: "console")
                ).explanation)
        } catch .explanationUnavailable {
            return .unavailable
        }
    }
}
