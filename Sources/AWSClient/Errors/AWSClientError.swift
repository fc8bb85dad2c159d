/// Why a call to AWS failed, worded for the operator who reads it in a log or an error body.
public enum AWSClientError: Error, Equatable, CustomStringConvertible {
    /// No credentials in the chain, or a configured source that failed.
    case credentials(String)
    /// No region, a malformed endpoint URL or shared-config file.
    case configuration(String)
    /// The service answered with an error.
    case service(AWSServiceError)
    /// No connection, a refused or reset one, or a response cut short.
    case connection(String)
    /// No complete answer before the call's deadline.
    case timeout
    /// An answer that is not what the protocol promises.
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .credentials(let reason): "AWS credentials: \(reason)"
        case .configuration(let reason): "AWS configuration: \(reason)"
        case .service(let error): error.description
        case .connection(let reason): "connection failed: \(reason)"
        case .timeout: "no answer before the deadline"
        case .invalidResponse(let reason): "invalid response: \(reason)"
        }
    }
}
