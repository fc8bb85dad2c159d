import Classifiers
import ModelRuntime

extension ModelService {
    /// One text explained by a served model, and the version that explained it.
    package struct Explained: Sendable {
        package var explanation: Explanation
        package var labels: [String]
        package var version: String
    }

    /// Explains `text` with the version of `model` this caller's classifications go to (a
    /// pinned one, or the canary for its share of keys). It does not count as that version's
    /// traffic, and no fallback answers for it: an explanation is of one model's answer.
    package func explain(
        _ text: String, label: String?, model: String, caller: Caller, context: InvocationContext
    ) async throws(GatewayError) -> Explained {
        let key = ModelKey(model, version: try chosenVersion(of: model, for: caller)?.version)
        let explained: (explanation: Explanation?, profile: ModelProfile)
        do {
            (explained, _) = try await registry.withModel(key) { served in
                (try await served.explain(text, label: label, context: context), served.profile)
            }
        } catch {
            throw apiError(error, key: key)
        }
        guard let explanation = explained.explanation else {
            throw .explanationUnavailable(model: model, kind: explained.profile.kind.rawValue)
        }
        return Explained(explanation: explanation, labels: explained.profile.labels, version: version(of: key))
    }
}
