/// What the client needs to know of a service to reach and sign for it.
public struct AWSService: Sendable, Equatable {
    /// The SDKs' service id, e.g. `SageMaker Runtime`: upper-cased with `_` for spaces, it
    /// names the service's `AWS_ENDPOINT_URL_<SERVICE>` variable.
    public var id: String
    /// The name in the credential scope, e.g. `sagemaker`.
    public var signingName: String
    /// The endpoint's host prefix, e.g. `runtime.sagemaker` for `runtime.sagemaker.us-east-1.amazonaws.com`.
    public var endpointPrefix: String

    public init(id: String, signingName: String, endpointPrefix: String) {
        self.id = id
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
    }

    public static let sageMakerRuntime = AWSService(
        id: "SageMaker Runtime", signingName: "sagemaker", endpointPrefix: "runtime.sagemaker")
    public static let s3 = AWSService(id: "S3", signingName: "s3", endpointPrefix: "s3")
    public static let dynamoDB = AWSService(id: "DynamoDB", signingName: "dynamodb", endpointPrefix: "dynamodb")

    /// `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME` for `SageMaker Runtime`.
    public var endpointVariable: String {
        "AWS_ENDPOINT_URL_" + id.uppercased().replacingOccurrences(of: " ", with: "_")
    }
}
