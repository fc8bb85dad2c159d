import Foundation
import Synchronization

/// The standard chain: environment, shared files' profile, container endpoint, instance
/// metadata; the first source that has credentials wins. Credentials are kept and fetched
/// again `refreshMargin` before they expire, by one fetch however many requests ask at once;
/// if that fetch fails while the old ones are still valid, the old ones go on serving.
public final class CredentialChain: Sendable {
    public let providers: [any CredentialProvider]
    let refreshMargin: Duration

    private struct State {
        var cached: AWSCredentials?
        var refresh: Task<AWSCredentials, any Error>?
    }

    private let state = Mutex(State())

    public init(providers: [any CredentialProvider], refreshMargin: Duration = .seconds(300)) {
        self.providers = providers
        self.refreshMargin = refreshMargin
    }

    /// The chain as the AWS SDKs build it from `environment`.
    public static func standard(environment: [String: String], transport: HTTPTransport = HTTPTransport()) throws(AWSClientError)
        -> CredentialChain
    {
        CredentialChain(providers: [
            EnvironmentCredentials(environment: environment),
            ProfileCredentials(files: try AWSConfigFiles(environment: environment)),
            ContainerCredentials(environment: environment, transport: transport),
            InstanceMetadataCredentials(environment: environment, transport: transport),
        ])
    }

    public func credentials(now: Date = Date()) async throws(AWSClientError) -> AWSCredentials {
        let margin = TimeInterval(refreshMargin.components.seconds)
        let (cached, task) = state.withLock { state -> (AWSCredentials?, Task<AWSCredentials, any Error>?) in
            if let cached = state.cached, cached.expiration.map({ $0.timeIntervalSince(now) > margin }) ?? true {
                return (cached, nil)
            }
            if state.refresh == nil {
                let providers = self.providers
                state.refresh = Task { try await Self.resolve(providers) }
            }
            return (state.cached, state.refresh)
        }
        guard let task else { return cached! }
        let result = await task.result
        state.withLock { state in
            if state.refresh == task {
                state.refresh = nil
                if case .success(let fresh) = result { state.cached = fresh }
            }
        }
        switch result {
        case .success(let fresh):
            return fresh
        case .failure(let error):
            if let cached, let expiration = cached.expiration, expiration > now { return cached }
            throw error as? AWSClientError ?? .credentials("\(error)")
        }
    }

    static func resolve(_ providers: [any CredentialProvider]) async throws(AWSClientError) -> AWSCredentials {
        for provider in providers {
            if let credentials = try await provider.credentials() { return credentials }
        }
        throw .credentials(
            "none found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a container or instance role (looked in: \(providers.map(\.name).joined(separator: ", ")))"
        )
    }
}
