/// What can go wrong talking to the Runtime API itself. Any of these ends the process: Lambda
/// then starts a new execution environment, which is AWS's documented recovery.
public enum RuntimeAPIError: Error, CustomStringConvertible, Equatable {
    case invalidEndpoint(String)
    case connectionClosed
    case unexpectedStatus(path: String, status: Int, body: String)
    case missingHeader(String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let value):
            "AWS_LAMBDA_RUNTIME_API must be HOST:PORT (Lambda sets it), not '\(value)'"
        case .connectionClosed:
            "the Lambda Runtime API closed the connection"
        case .unexpectedStatus(let path, let status, let body):
            "the Lambda Runtime API answered \(status) to \(path): \(body)"
        case .missingHeader(let name):
            "the Lambda Runtime API sent an invocation without the \(name) header"
        }
    }
}
