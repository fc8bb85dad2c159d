import AWSClient
import Foundation
import JSONValues
import Storage

/// Brings the table to the layout this build expects: creates it when missing (on-demand
/// capacity, partition key `pk`, TTL on `expires_at` so old usage counters expire), then
/// records the layout's version in a `schema` item. A version is never edited once
/// released; a change is a new version, applied here once by whichever replica gets the
/// conditional write.
enum DynamoDBSchema {
    static let version = 1
    /// Usage counters outlive their period by this long, so listings of the last periods
    /// still find them, and are then deleted by DynamoDB's TTL.
    static let usageRetention = 90.0 * 86_400

    static func prepare(_ store: DynamoDBStore) async throws(StorageError) {
        let setup = store.timeout * 20
        if let description = try await describe(store, timeout: setup) {
            try checkKeySchema(description, table: store.table)
        } else {
            try await create(store, timeout: setup)
        }
        try await recordVersion(store)
    }

    /// The table's description, nil when it does not exist.
    private static func describe(_ store: DynamoDBStore, timeout: Duration) async throws(StorageError) -> [String: JSONValue]? {
        let output: [String: JSONValue]
        do {
            output = try await store.dynamoDB.call("DescribeTable", ["TableName": .string(store.table)], deadline: .now + timeout)
        } catch {
            if case .service(let answer) = error, answer.code == DynamoDB.resourceNotFound { return nil }
            throw DynamoDBStore.classify(error, operation: "DescribeTable")
        }
        guard case .object(let table)? = output["Table"] else { throw .database("DescribeTable answered without a table") }
        return table
    }

    private static func checkKeySchema(_ table: [String: JSONValue], table name: String) throws(StorageError) {
        let expected: JSONValue = .array([.object(["AttributeName": .string("pk"), "KeyType": .string("HASH")])])
        guard table["KeySchema"] == expected else {
            throw .database(
                "table \(name) exists with another key schema; Magpie needs a table whose only key is the string partition key 'pk'"
            )
        }
    }

    private static func create(_ store: DynamoDBStore, timeout: Duration) async throws(StorageError) {
        store.logger.info("creating DynamoDB table", metadata: ["table": "\(store.table)"])
        let input: [String: JSONValue] = [
            "TableName": .string(store.table), "BillingMode": .string("PAY_PER_REQUEST"),
            "AttributeDefinitions": .array([.object(["AttributeName": .string("pk"), "AttributeType": .string("S")])]),
            "KeySchema": .array([.object(["AttributeName": .string("pk"), "KeyType": .string("HASH")])]),
        ]
        do {
            _ = try await store.dynamoDB.call("CreateTable", input, deadline: .now + timeout)
        } catch {
            // Another replica created it first.
            guard case .service(let answer) = error, answer.code == DynamoDB.resourceInUse else {
                throw DynamoDBStore.classify(error, operation: "CreateTable")
            }
        }
        let deadline = ContinuousClock.now + timeout
        while try await describe(store, timeout: timeout)?["TableStatus"] != .string("ACTIVE") {
            guard ContinuousClock.now < deadline else {
                throw .unavailable("table \(store.table) did not become ACTIVE within \(timeout)")
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        _ = try await store.call(
            "UpdateTimeToLive",
            ["TimeToLiveSpecification": .object(["AttributeName": .string("expires_at"), "Enabled": .bool(true)])],
            timeout: timeout)
    }

    private static func recordVersion(_ store: DynamoDBStore) async throws(StorageError) {
        let recorded = try await store.item(DynamoDBKeys.schema)?.number("version").map(Int.init) ?? 0
        guard recorded <= version else {
            throw .database(
                "table \(store.table) has layout version \(recorded), newer than this build's \(version); upgrade magpie")
        }
        guard recorded < version else { return }
        _ = try await store.attempt(
            "PutItem",
            [
                "Item": .object(
                    DynamoDBKeys.item(DynamoDBKeys.schema).merging(["version": DynamoDBValue.number(version)]) { $1 }),
                "ConditionExpression": .string("attribute_not_exists(version) OR version < :version"),
                "ExpressionAttributeValues": .object([":version": DynamoDBValue.number(version)]),
            ])
    }
}
