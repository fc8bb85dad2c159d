import Classifiers
import Foundation
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
        var registryKey = model
        var version: String?
        do {
            if let choice = try releases?.choose(model: model, stickyKey: nil, pinned: pinned) {
                registryKey = "\(model)@\(choice.version)"
                version = String(choice.version)
            }
        } catch .unknownVersion(_, let version, let known) {
            throw GatewayError.unknownVersion(model: model, version: version, known: known)
        } catch {
            throw GatewayError.internalError
        }
        let clock = ContinuousClock()
        let start = clock.now
        let served = try await serve(
            model, registryKey: registryKey, input.texts, context: InvocationContext(requestID: "console", traceparent: nil))
        return Trial(
            model: model, version: version ?? served.version, results: served.predictions.map(NativeResult.init),
            coldStart: served.usage.coldStart, duration: start.duration(to: clock.now), load: served.usage.loadDuration,
            inference: served.inference, upstream: served.upstream)
    }
}
