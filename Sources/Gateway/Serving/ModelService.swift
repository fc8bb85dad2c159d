import Logging
import ModelRuntime
import Releases

/// Answers texts with a served model: the version its release chooses (the canary for its
/// share of keys, or a pinned one), stable when a canary fails, the configured fallback when
/// the model fails, all through the registry and the one model seam. The API's routes and the
/// console's Try page call it alike.
package struct ModelService: Sendable {
    let registry: ModelRegistry
    /// Which version of each versioned model serves a request; nil serves every model under
    /// its own name, unversioned.
    let releases: ReleaseController?
    let models: [String: ServedModel]
    let logger: Logger
    /// Stable's scores of canary requests, for the canary analysis's paired checks.
    let pairing = PairedScoring()

    /// One model's answer to a request's texts.
    package struct Served: Sendable {
        /// The model that answered: the one asked for, or its fallback.
        package var model: String
        package var version: String
        package var answer: ModelAnswer
        package var usage: ModelRegistry.Usage
        /// Set when the fallback answered instead of the model asked for.
        package var fallbackFor: String?
    }

    /// Whose request it is, for the canary's sticky share; and whether it counts as traffic.
    package struct Caller: Sendable {
        /// The API key's id, which keeps a client on one side of a canary; nil for keyless.
        var stickyKey: String?
        /// A version the request pins (`X-Magpie-Model-Version`).
        var pinned: String?
        /// A console trial: no canary figures, no fallback.
        var isTrial = false
    }

    /// Serves `texts` with `model`, falling back when the model fails and a fallback is set.
    package func answer(_ texts: [String], model: String, caller: Caller, context: InvocationContext) async throws(GatewayError)
        -> Served
    {
        do {
            return try await answerWithVersion(texts, model: model, caller: caller, context: context)
        } catch  where error.allowsFallback && !caller.isTrial {
            guard let fallback = models[model]?.fallback else { throw error }
            logger.warning(
                "model failed; fallback answers",
                metadata: ["model": "\(model)", "fallback": "\(fallback)", "error": "\(error.errorType)"])
            var served = try await answerWithVersion(
                texts, model: fallback, caller: Caller(stickyKey: caller.stickyKey), context: context)
            served.fallbackFor = model
            return served
        }
    }

    /// Runs `texts` through the version of `model` its release chooses for this caller,
    /// recording what the version did. A canary that fails hands the request to stable, so a
    /// bad canary costs no client a request; its failure still counts against it.
    private func answerWithVersion(
        _ texts: [String], model: String, caller: Caller, context: InvocationContext
    ) async throws(GatewayError) -> Served {
        guard let releases, let choice = try chosenVersion(of: model, for: caller) else {
            return try await run(texts, key: ModelKey(model), context: context)
        }
        if caller.isTrial { return try await run(texts, key: ModelKey(model, version: choice.version), context: context) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let served = try await run(texts, key: ModelKey(model, version: choice.version), context: context)
            // A version's first request also loads it; that one-time cost is not its latency.
            let latency = start.duration(to: clock.now) - (served.usage.loadDuration ?? .zero)
            let predictions = served.answer.predictions
            releases.recordAnswer(
                model: model, version: choice.version, labels: predictions.map(\.label), scores: predictions.map(\.score),
                latency: latency)
            if caller.pinned == nil { compareWithStable(texts, model: model, choice: choice, canary: served, context: context) }
            return served
        } catch {
            if case .overloaded = error { throw error }
            if case .queueTimeout = error { throw error }
            releases.recordError(model: model, version: choice.version)
            guard choice.isCanary, caller.pinned == nil else { throw error }
            logger.warning(
                "canary failed; stable answers",
                metadata: ["model": "\(model)", "canary": "\(choice.version)", "error": "\(error.errorType)"])
            return try await run(texts, key: ModelKey(model, version: choice.stable), context: context)
        }
    }

    /// The version of a versioned model this caller's request goes to: a pinned one, or the
    /// canary for its share of keys; nil for a model without releases (whose only version a
    /// pin must name).
    func chosenVersion(of model: String, for caller: Caller) throws(GatewayError) -> ReleaseController.Choice? {
        let choice: ReleaseController.Choice?
        do {
            choice = try releases?.choose(model: model, stickyKey: caller.stickyKey, pinned: caller.pinned)
        } catch .unknownVersion(_, let version, let known) {
            throw .unknownVersion(model: model, version: version, known: known)
        } catch {
            throw .internalError
        }
        if choice == nil, let pinned = caller.pinned, pinned != models[model]?.version {
            throw .unknownVersion(model: model, version: pinned, known: [])
        }
        return choice
    }

    /// The registry's call through the model seam, its errors in the API's terms.
    func run(_ texts: [String], key: ModelKey, context: InvocationContext) async throws(GatewayError) -> Served {
        do {
            let (answer, usage) = try await registry.classify(texts, with: key, context: context)
            return Served(model: key.name, version: version(of: key), answer: answer, usage: usage)
        } catch {
            throw apiError(error, key: key)
        }
    }

    func version(of key: ModelKey) -> String {
        key.version.map(String.init) ?? models[key.name]?.version ?? "remote"
    }

    /// A failure of the registry or the model in the API's terms, logged as the operator needs.
    func apiError(_ error: any Error, key: ModelKey) -> GatewayError {
        switch error {
        case let error as GatewayError:
            return error
        case let error as ModelRuntimeError:
            if case .loadFailed(_, let reason) = error {
                logger.error("model failed to load", metadata: ["model": "\(key)", "reason": "\(reason)"])
            }
            return GatewayError(error)
        case let error as RemoteModelError:
            logger.warning("remote model failed", metadata: ["model": "\(key)", "error": "\(error)"])
            return GatewayError(error, model: key.name)
        default:
            logger.error("model failed", metadata: ["model": "\(key)", "error": "\(error)"])
            return .modelUnavailable(model: key.name, reason: "it failed; see the server log")
        }
    }
}
