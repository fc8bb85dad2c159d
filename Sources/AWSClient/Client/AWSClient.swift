import Foundation

/// Signed requests to one AWS service in one region, with the standard credential chain,
/// endpoint resolution, error parsing and retry mode. Small on purpose: it does what Magpie
/// calls need (JSON and binary bodies over REST paths) and nothing a service's full SDK does.
public final class AWSClient: Sendable {
    public let service: AWSService
    public let region: String
    /// Scheme, host and optional port and base path, without a trailing slash.
    public let endpoint: String
    public let credentials: CredentialChain
    public let retryPolicy: RetryPolicy
    let signer: SigV4Signer
    let transport: HTTPTransport
    let host: String

    /// - Parameters:
    ///   - region: nil takes the environment's or profile's.
    ///   - environment: the process environment, passed in so tests and configuration say
    ///     exactly what the client sees.
    public init(
        service: AWSService, region: String? = nil, environment: [String: String], transport: HTTPTransport = HTTPTransport(),
        retryPolicy: RetryPolicy = RetryPolicy(), credentials: CredentialChain? = nil
    ) throws(AWSClientError) {
        let configuration = try AWSConfiguration(environment: environment)
        guard let region = region ?? configuration.region else {
            throw .configuration("no region; set AWS_REGION or the profile's region, or give the model's region")
        }
        self.service = service
        self.region = region
        self.endpoint = try configuration.endpoint(for: service, region: region)
        if let credentials {
            self.credentials = credentials
        } else {
            self.credentials = try CredentialChain.standard(environment: environment, transport: transport)
        }
        self.retryPolicy = retryPolicy
        self.signer = SigV4Signer(region: region, service: service.signingName)
        self.transport = transport
        guard let components = URLComponents(string: endpoint), let host = components.host else {
            throw .configuration("endpoint \(endpoint) has no host")
        }
        self.host = components.port.map { "\(host):\($0)" } ?? host
    }

    /// A successful answer and how many attempts it took.
    public struct Response: Sendable {
        public var answer: HTTPTransport.Answer
        public var attempts: Int
    }

    /// Sends a signed request, retrying as the policy allows until `deadline`. A non-2xx
    /// answer throws `.service` with the parsed code and message.
    ///
    /// - Parameters:
    ///   - path: the wire path, percent-encoded once, e.g. `/endpoints/my-model/invocations`.
    ///   - unsignedHeaders: sent but not signed (trace context, which proxies may rewrite).
    ///   - idempotent: false for a request that must not run twice; see `RetryPolicy.isRetryable`.
    public func send(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        unsignedHeaders: [(name: String, value: String)] = [], deadline: ContinuousClock.Instant, idempotent: Bool = true,
        observe: (RetryPolicy.Event) -> Void = { _ in }
    ) async throws(AWSClientError) -> Response {
        let (answer, attempts) = try await retryPolicy.run(until: deadline, idempotent: idempotent, observe: observe) {
            _ throws(AWSClientError) in
            let credentials = try await self.credentials.credentials()
            var request = SignableRequest(
                method: method, path: path, query: query, headers: [("Host", host)] + headers, body: body)
            // S3 requires the payload's hash in x-amz-content-sha256; other services ignore it.
            signer.sign(&request, credentials: credentials, date: Date(), signsBody: service == .s3)
            let answer = try await transport.send(
                method: method, url: endpoint + request.target,
                headers: request.headers.filter { $0.name != "Host" } + unsignedHeaders,
                body: method == "GET" && body.isEmpty ? nil : body, deadline: deadline)
            guard (200..<300).contains(answer.status) else {
                throw .service(AWSServiceError(statusCode: answer.status, headers: answer.headers, body: answer.body))
            }
            return answer
        }
        return Response(answer: answer, attempts: attempts)
    }
}
