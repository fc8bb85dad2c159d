import Foundation

/// A set of AWS credentials. Temporary ones (from a container, an instance profile or a
/// session) carry a token and an expiry, and are fetched again before it.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

extension AWSCredentials: CustomStringConvertible {
    /// Never the secret or the token: credentials end up in error messages and logs.
    public var description: String {
        "AWSCredentials(\(accessKeyID), \(sessionToken == nil ? "long-term" : "temporary"))"
    }
}
