import ModelRuntime

/// A model the function serves by calling a SageMaker endpoint, from
/// `--remote NAME=sagemaker:ENDPOINT`. The endpoint is in the function's own account and
/// region, which is what lets the template grant `sagemaker:InvokeEndpoint` on exactly its ARN.
public struct SageMakerProxy: Sendable, Equatable {
    public var name: String
    public var endpoint: String

    public init(name: String, endpoint: String) {
        self.name = name
        self.endpoint = endpoint
    }

    /// Parses `NAME=sagemaker:ENDPOINT`.
    public init(parsing option: String) throws(PackagingError) {
        let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let target = parts.last, target.hasPrefix("sagemaker:") else {
            throw .invalidRemote(option, reason: "expected NAME=sagemaker:ENDPOINT, e.g. sentiment=sagemaker:distilbert-imdb")
        }
        let name = parts[0]
        let endpoint = String(target.dropFirst("sagemaker:".count))
        guard Self.isValidModelName(name) else {
            throw .invalidRemote(
                option, reason: "the model name '\(name)' must hold only letters, digits, '-', '_' and '.' (at most 64)")
        }
        guard RemoteEndpoint.isSageMakerEndpointName(endpoint) else {
            throw .invalidRemote(
                option, reason: "'\(endpoint)' is not a SageMaker endpoint name (letters, digits and hyphens, at most 63)")
        }
        self.init(name: name, endpoint: endpoint)
    }

    /// The endpoint's ARN in the stack's account and region, as a CloudFormation `!Sub` string.
    /// SageMaker keeps endpoint names in lower case inside ARNs, and IAM compares them exactly.
    var arnSubstitution: String {
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/" + endpoint.lowercased()
    }

    /// The name is a path segment of `/infer/{model}`.
    static func isValidModelName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
