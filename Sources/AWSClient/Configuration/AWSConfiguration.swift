import Foundation

/// Region and endpoint, resolved the way the AWS SDKs resolve them.
public struct AWSConfiguration: Sendable {
    public let environment: [String: String]
    public let files: AWSConfigFiles

    public init(environment: [String: String]) throws(AWSClientError) {
        self.environment = environment
        self.files = try AWSConfigFiles(environment: environment)
    }

    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`; nil when none is set.
    public var region: String? {
        for value in [environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], files.profile?["region"]] {
            if let value, !value.isEmpty { return value }
        }
        return nil
    }

    /// Where to send `service`'s requests: `AWS_ENDPOINT_URL_<SERVICE>`, then
    /// `AWS_ENDPOINT_URL`, then the profile's `endpoint_url`, unless
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true; else the service's public endpoint in
    /// `region`.
    public func endpoint(for service: AWSService, region: String) throws(AWSClientError) -> String {
        let ignoresConfigured = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        if !ignoresConfigured {
            for (source, value) in [
                (service.endpointVariable, environment[service.endpointVariable]),
                ("AWS_ENDPOINT_URL", environment["AWS_ENDPOINT_URL"]),
                ("endpoint_url of profile \(files.profileName)", files.profile?["endpoint_url"]),
            ] {
                guard let value, !value.isEmpty else { continue }
                guard let url = URLComponents(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme),
                    url.host?.isEmpty == false
                else { throw .configuration("\(source) is not an http(s) URL: \(value)") }
                return value.hasSuffix("/") ? String(value.dropLast()) : value
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://\(service.endpointPrefix).\(region).\(suffix)"
    }
}
