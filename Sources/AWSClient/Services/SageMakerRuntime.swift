/// SageMaker Runtime's `InvokeEndpoint`: a request body in, the model's answer out.
public struct SageMakerRuntime: Sendable {
    public let client: AWSClient

    /// The code a serverless endpoint answers while it starts a cold instance; worth
    /// retrying, though the SDKs do not by default.
    public static let modelNotReady = "ModelNotReadyException"
    /// The container answered with an error; its status and message are in the details.
    public static let modelError = "ModelError"

    public init(client: AWSClient) {
        self.client = client
    }

    public func invokeEndpoint(
        _ endpointName: String, body: [UInt8], contentType: String = "application/json", accept: String = "application/json",
        unsignedHeaders: [(name: String, value: String)] = [], deadline: ContinuousClock.Instant,
        observe: (RetryPolicy.Event) -> Void = { _ in }
    ) async throws(AWSClientError) -> AWSClient.Response {
        try await client.send(
            method: "POST", path: "/endpoints/\(URIEncoding.encode(endpointName))/invocations",
            headers: [("Content-Type", contentType), ("Accept", accept)], body: body, unsignedHeaders: unsignedHeaders,
            deadline: deadline, observe: observe)
    }
}
