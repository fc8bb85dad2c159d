import AWSClient
import Foundation
import JSONValues
import Logging
import Storage

/// Keys, plans and quota counters in one DynamoDB table, shared by every replica and every
/// Lambda execution environment that names it. Each quota decision is one `UpdateItem` that
/// `ADD`s 1 to the period's counter under a `ConditionExpression` (below the limit, key not
/// revoked): DynamoDB applies writes to an item one at a time and checks the condition against
/// the latest version, so however many callers race, a key is counted at most `limit` times
/// a period, and a counted request is durable before its answer.
public final class DynamoDBStore: KeyStore {
    let dynamoDB: DynamoDB
    let table: String
    let logger: Logger
    /// How long one operation, retries included, may take before it counts as unavailable.
    let timeout: Duration
    let lastUsedTouches = LastUsedTouches()

    public var location: String { "dynamodb://\(table)" }

    /// Opens `table` with the region, endpoint and credentials the AWS settings in
    /// `environment` give, creating the table (on-demand capacity, TTL on `expires_at`) when
    /// it does not exist.
    public static func open(
        table: String, environment: [String: String], timeout: Duration = .seconds(3), startTimeout: Duration = .seconds(15),
        logger: Logger
    ) async throws(StorageError) -> DynamoDBStore {
        let client: AWSClient
        do {
            // The SDKs' DynamoDB defaults: a short first backoff, since its throttling clears fast.
            client = try AWSClient(
                service: .dynamoDB, environment: environment,
                retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(25), maxBackoff: .seconds(1)))
        } catch {
            throw .cannotOpen(path: "dynamodb://\(table)", reason: error.description)
        }
        let store = DynamoDBStore(dynamoDB: DynamoDB(client: client), table: table, timeout: timeout, logger: logger)
        let location = "\(store.location) in \(client.region) at \(client.endpoint)"
        // No connection, no credentials yet, throttling: waited for; access denied or another
        // key schema: refused at once.
        try await StartupWait(
            store: "DynamoDB table \(location)", setting: "start_timeout in the URL", within: startTimeout, logger: logger
        ).run(
            location: location, isTransient: Self.isTransientAtStart, reason: { ($0 as? StorageError)?.reason ?? "\($0)" },
            { try await DynamoDBSchema.prepare(store) })
        return store
    }

    static func isTransientAtStart(_ error: any Error) -> Bool {
        if case .unavailable? = error as? StorageError { return true }
        return false
    }

    private init(dynamoDB: DynamoDB, table: String, timeout: Duration, logger: Logger) {
        self.dynamoDB = dynamoDB
        self.table = table
        self.timeout = timeout
        self.logger = logger
    }

    public func close() async {}

    /// Runs `operation` on the table (its `TableName` added) and returns the output.
    func call(
        _ operation: String, _ input: [String: JSONValue], idempotent: Bool = true, timeout: Duration? = nil
    ) async throws(StorageError) -> [String: JSONValue] {
        switch try await attempt(operation, input, idempotent: idempotent, timeout: timeout) {
        case .done(let output): return output
        case .refused(let error): throw .database("DynamoDB \(operation): \(error)")
        }
    }

    /// What a conditional write came to.
    enum Outcome {
        case done([String: JSONValue])
        /// A condition was false (or, for a transaction, any of its conditions); nothing was written.
        case refused(AWSServiceError)
    }

    func attempt(
        _ operation: String, _ input: [String: JSONValue], idempotent: Bool = true, timeout: Duration? = nil
    ) async throws(StorageError) -> Outcome {
        var input = input
        input["TableName"] = .string(table)
        do {
            return .done(
                try await dynamoDB.call(
                    operation, input, deadline: .now + (timeout ?? self.timeout), idempotent: idempotent))
        } catch {
            if case .service(let answer) = error,
                [DynamoDB.conditionalCheckFailed, DynamoDB.transactionCanceled].contains(answer.code)
            {
                return .refused(answer)
            }
            throw Self.classify(error, operation: operation)
        }
    }

    /// Failures that may pass (no connection, no answer in time, throttling, 5xx, no
    /// credentials from the instance or container) are `unavailable`: the gateway answers 503
    /// with `Retry-After`. Anything else (access denied, a missing table) is `database`.
    static func classify(_ error: AWSClientError, operation: String) -> StorageError {
        switch error {
        case .connection, .timeout, .credentials:
            return .unavailable("DynamoDB \(operation): \(error)")
        case .service(let answer)
        where answer.statusCode >= 500 || RetryPolicy.throttlingCodes.contains(answer.code) || answer.statusCode == 429:
            return .unavailable("DynamoDB \(operation): \(error)")
        case .service, .configuration, .invalidResponse:
            return .database("DynamoDB \(operation): \(error)")
        }
    }

    /// Every item whose `pk` starts with `prefix`, read page by page with strong consistency.
    func scan(prefix: String) async throws(StorageError) -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var startKey: JSONValue?
        repeat {
            var input: [String: JSONValue] = [
                "ConsistentRead": .bool(true), "FilterExpression": .string("begins_with(pk, :prefix)"),
                "ExpressionAttributeValues": .object([":prefix": DynamoDBValue.string(prefix)]),
            ]
            input["ExclusiveStartKey"] = startKey
            let output = try await call("Scan", input, timeout: timeout * 10)
            if case .array(let page)? = output["Items"] {
                for case .object(let attributes) in page { items.append(DynamoDBItem(attributes)) }
            }
            startKey = output["LastEvaluatedKey"]
        } while startKey != nil
        return items
    }

    /// The item under `key`, read with strong consistency; nil when there is none.
    package func item(_ key: String) async throws(StorageError) -> DynamoDBItem? {
        let output = try await call(
            "GetItem", ["Key": .object(DynamoDBKeys.item(key)), "ConsistentRead": .bool(true)])
        return DynamoDBItem(output, member: "Item")
    }
}
