import ModelRuntime

extension GatewayError {
    /// The registry's failures in the API's terms.
    init(_ error: ModelRuntimeError) {
        switch error {
        case .unknownModel(let name, let known): self = .unknownModel(name, known: known)
        case .overloaded(let model, let seconds): self = .overloaded(model: model, retryAfterSeconds: seconds)
        case .queueTimeout(let model, let limit): self = .queueTimeout(model: model, limit: limit)
        case .loadFailed(let model, let reason):
            self = .modelUnavailable(
                model: model, reason: "it failed to load (\(Self.withoutDirectories(reason))); see the server log")
        case .duplicateModel: self = .internalError
        case .unknownLabel(let model, let label, let known): self = .unknownLabel(model: model, label: label, known: known)
        }
    }

    /// A remote model's failures in the API's terms.
    init(_ error: RemoteModelError, model: String) {
        switch error {
        case .upstreamFailed(let message, _): self = .upstreamFailed(model: model, message: message)
        case .upstreamUnavailable(let message, let seconds):
            self = .upstreamUnavailable(model: model, reason: message, retryAfterSeconds: seconds)
        case .timeout: self = .upstreamTimeout
        case .circuitOpen(let seconds): self = .circuitOpen(model: model, retryAfterSeconds: seconds)
        case .invalidResponse(let reason): self = .upstreamInvalidResponse(model: model, reason: reason)
        case .misconfigured(let reason): self = .modelUnavailable(model: model, reason: reason)
        }
    }

    /// A load failure's reason with the artifact's directory left out (`weights.bin: SHA-256
    /// does not match …`): what went wrong, for the client, without the server's file layout.
    static func withoutDirectories(_ reason: String) -> String {
        guard let separator = reason.range(of: ": ") else { return reason }
        let subject = reason[..<separator.lowerBound]
        let file = subject.split(separator: "/").last.map(String.init) ?? String(subject)
        return file + reason[separator.lowerBound...]
    }
}
