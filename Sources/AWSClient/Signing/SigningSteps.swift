/// Every intermediate product of one signature, so a mismatch with a service (or the test
/// suite) shows which step differs.
public struct SigningSteps: Sendable, Equatable {
    public var canonicalRequest: String
    public var stringToSign: String
    public var signature: String
}
