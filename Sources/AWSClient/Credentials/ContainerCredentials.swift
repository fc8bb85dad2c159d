import Foundation

/// The container credentials endpoint of ECS, EKS Pod Identity and Lambda's SnapStart:
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` as its `Authorization` header.
public struct ContainerCredentials: CredentialProvider {
    let environment: [String: String]
    let transport: HTTPTransport
    /// How long the endpoint may take to answer.
    let timeout: Duration
    public var name: String { "container credentials endpoint" }

    static let ecsHost = "http://169.254.170.2"
    /// Plain HTTP is accepted only to addresses no one else can answer on, as the SDKs do.
    static let plainHTTPHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"]

    public init(environment: [String: String], transport: HTTPTransport = HTTPTransport(), timeout: Duration = .seconds(5)) {
        self.environment = environment
        self.transport = transport
        self.timeout = timeout
    }

    public func credentials() async throws(AWSClientError) -> AWSCredentials? {
        let url: String
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = Self.ecsHost + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            guard let components = URLComponents(string: full), let host = components.host, let scheme = components.scheme
            else { throw .credentials("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: \(full)") }
            let bareHost = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            guard
                scheme == "https" || (scheme == "http" && (Self.plainHTTPHosts.contains(bareHost) || bareHost.hasPrefix("127.")))
            else {
                throw .credentials(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or container-agent address: \(full)")
            }
            url = full
        } else {
            return nil
        }
        var headers: [(name: String, value: String)] = []
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .credentials("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            headers.append(
                ("Authorization", String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(("Authorization", token))
        }
        let answer: HTTPTransport.Answer
        do {
            answer = try await transport.send(
                method: "GET", url: url, headers: headers, body: nil, deadline: .now + timeout)
        } catch {
            throw .credentials("the container credentials endpoint \(url) did not answer: \(error)")
        }
        guard answer.status == 200 else {
            throw .credentials("the container credentials endpoint \(url) answered HTTP \(answer.status)")
        }
        return try TemporaryCredentialsDocument.parse(answer.body, source: "the container credentials endpoint")
    }
}
