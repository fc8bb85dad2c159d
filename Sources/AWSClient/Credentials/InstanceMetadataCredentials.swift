/// An EC2 instance profile's role, through the instance metadata service's version 2 (a
/// session token first, then the role's credentials). `AWS_EC2_METADATA_DISABLED=true` turns
/// it off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` points elsewhere (tests use a loopback server).
public struct InstanceMetadataCredentials: CredentialProvider {
    let environment: [String: String]
    let transport: HTTPTransport
    /// How long each call to the service may take: off EC2 the first one is what the chain's
    /// last step costs, so it is short, as in the SDKs.
    let timeout: Duration
    public var name: String { "instance metadata" }

    static let defaultEndpoint = "http://169.254.169.254"
    static let tokenPath = "/latest/api/token"
    static let rolePath = "/latest/meta-data/iam/security-credentials/"

    public init(environment: [String: String], transport: HTTPTransport = HTTPTransport(), timeout: Duration = .seconds(1)) {
        self.environment = environment
        self.transport = transport
        self.timeout = timeout
    }

    public func credentials() async throws(AWSClientError) -> AWSCredentials? {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        var endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? Self.defaultEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        // Off EC2 nothing answers: the chain's last source then reports no credentials
        // rather than an error, after `timeout`.
        let token: HTTPTransport.Answer
        do {
            token = try await transport.send(
                method: "PUT", url: endpoint + Self.tokenPath, headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
                body: nil, deadline: .now + timeout)
        } catch {
            return nil
        }
        guard token.status == 200 else {
            throw .credentials("the instance metadata service refused a session token (HTTP \(token.status))")
        }
        let headers = [("X-aws-ec2-metadata-token", String(decoding: token.body, as: UTF8.self))]
        let roles = try await transport.send(
            method: "GET", url: endpoint + Self.rolePath, headers: headers, body: nil, deadline: .now + timeout)
        guard roles.status == 200,
            let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else {
            if roles.status == 404 { return nil }
            throw .credentials("the instance metadata service listed no role (HTTP \(roles.status))")
        }
        let document = try await transport.send(
            method: "GET", url: endpoint + Self.rolePath + role, headers: headers, body: nil, deadline: .now + timeout)
        guard document.status == 200 else {
            throw .credentials("the instance metadata service answered HTTP \(document.status) for role \(role)")
        }
        return try TemporaryCredentialsDocument.parse(document.body, source: "the instance metadata service")
    }
}
