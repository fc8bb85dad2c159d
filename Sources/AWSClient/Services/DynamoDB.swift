import JSONValues

/// DynamoDB's JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`): an operation's
/// input as a JSON object in, its output out. Items and expressions are built by the caller;
/// this type knows only the protocol and the error codes callers act on.
public struct DynamoDB: Sendable {
    public let client: AWSClient

    /// A `ConditionExpression` was false; nothing was written.
    public static let conditionalCheckFailed = "ConditionalCheckFailedException"
    /// A transaction was cancelled, for example because one of its conditions was false.
    public static let transactionCanceled = "TransactionCanceledException"
    /// The table does not exist, or is not yet active.
    public static let resourceNotFound = "ResourceNotFoundException"
    /// `CreateTable` for a table that exists or is being created.
    public static let resourceInUse = "ResourceInUseException"

    public init(client: AWSClient) {
        self.client = client
    }

    /// Runs `operation` (e.g. `UpdateItem`) with `input` and returns its output.
    ///
    /// - Parameter idempotent: false for writes that must not run twice, such as an `ADD`;
    ///   they are retried only when DynamoDB refused them unrun.
    public func call(
        _ operation: String, _ input: [String: JSONValue], deadline: ContinuousClock.Instant, idempotent: Bool = true
    ) async throws(AWSClientError) -> [String: JSONValue] {
        let response = try await client.send(
            method: "POST", path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.\(operation)")],
            body: Array(JSONValue.object(input).serialized.utf8), deadline: deadline, idempotent: idempotent)
        guard case .object(let output)? = try? JSONParser.parse(response.answer.body) else {
            throw .invalidResponse("DynamoDB \(operation) answered with a body that is not a JSON object")
        }
        return output
    }
}
