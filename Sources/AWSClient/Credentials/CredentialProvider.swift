/// A source of credentials in the standard chain. A provider that is not configured (no
/// variables set, no profile, no container endpoint) answers nil, so the chain goes on to
/// the next; one that is configured but fails throws, so a broken setup is reported rather
/// than silently replaced by a later source.
public protocol CredentialProvider: Sendable {
    /// A short name for errors and logs, e.g. `environment` or `profile default`.
    var name: String { get }
    func credentials() async throws(AWSClientError) -> AWSCredentials?
}
