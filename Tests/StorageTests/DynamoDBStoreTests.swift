import AWSClient
import Foundation
import JSONValues
import Logging
import MagpieTestSupport
import Storage
import StorageBackends
import StorageDynamoDB
import Testing

/// What only the DynamoDB store does, against moto's server: the table it creates, the
/// tables it refuses, and what an unreachable endpoint gives.
@Suite struct DynamoDBStoreTests {
    let environment: [String: String]

    init() async throws {
        environment = try await DynamoDBFixture.environment()
    }

    func describe(_ table: String) async throws -> [String: JSONValue] {
        let dynamoDB = DynamoDB(client: try AWSClient(service: .dynamoDB, environment: environment))
        var output: [String: JSONValue] = [:]
        for operation in ["DescribeTable", "DescribeTimeToLive"] {
            output.merge(try await dynamoDB.call(operation, ["TableName": .string(table)], deadline: .now + .seconds(120))) { $1 }
        }
        return output
    }

    /// On-demand capacity, the `pk` key, TTL on `expires_at`, and usage counters that expire
    /// 90 days after their period.
    @Test func createsTheTableOnDemandWithTimeToLive() async throws {
        let location = DynamoDBFixture.location()
        let table = String(location.dropFirst("dynamodb://".count).prefix { $0 != "?" })
        let store = try await StoreLocation(parsing: location).open(logger: Logger(label: "test"), environment: environment)
        let description = try await describe(table)
        guard case .object(let tableDescription)? = description["Table"],
            case .object(let billing)? = tableDescription["BillingModeSummary"],
            case .object(let ttl)? = description["TimeToLiveDescription"]
        else {
            Issue.record("unexpected description: \(description)")
            return
        }
        #expect(billing["BillingMode"] == .string("PAY_PER_REQUEST"))
        #expect(ttl["AttributeName"] == .string("expires_at"))
        #expect(ttl["TimeToLiveStatus"] == .string("ENABLED"))

        try await store.createPlan(try UsagePlan(name: "daily", quota: try Quota(parsing: "5/day"), rate: 10, burst: 10))
        let (key, _) = try await store.createKey(name: "k", plan: "daily")
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let quota = try Quota(parsing: "5/day")
        _ = try await store.consume(keyID: key.id, quota: quota, at: now)
        let dynamoStore = try #require(store as? DynamoDBStore)
        let counter = try #require(
            try await dynamoStore.item(
                DynamoDBKeys.usage(keyID: key.id, periodStart: quota.window(containing: now).start.timeIntervalSince1970)))
        #expect(counter.number("expires_at") == quota.window(containing: now).end.timeIntervalSince1970 + 90 * 86_400)
        await store.close()

        // Opening again finds the table and its layout version, and keeps the data.
        let reopened = try await StoreLocation(parsing: location).open(logger: Logger(label: "test"), environment: environment)
        #expect(try await reopened.usage(keyID: key.id, quota: quota, at: now) == 1)
    }

    @Test func refusesATableWithAnotherKeySchema() async throws {
        let table = "magpie-other-\(UUID().uuidString.prefix(8).lowercased())"
        let dynamoDB = DynamoDB(client: try AWSClient(service: .dynamoDB, environment: environment))
        _ = try await dynamoDB.call(
            "CreateTable",
            [
                "TableName": .string(table), "BillingMode": .string("PAY_PER_REQUEST"),
                "AttributeDefinitions": .array([.object(["AttributeName": .string("id"), "AttributeType": .string("S")])]),
                "KeySchema": .array([.object(["AttributeName": .string("id"), "KeyType": .string("HASH")])]),
            ], deadline: .now + .seconds(120))
        await #expect {
            try await StoreLocation(parsing: "dynamodb://\(table)").open(logger: Logger(label: "test"), environment: environment)
        } throws: { error in
            "\(error)".contains("another key schema") && "\(error)".contains(table)
        }
    }

    @Test func refusesWrongCredentialsAtStartWithTheServicesReason() async throws {
        var wrong = environment
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        await #expect {
            try await StoreLocation(parsing: DynamoDBFixture.location()).open(logger: Logger(label: "test"), environment: wrong)
        } throws: { error in
            "\(error)".contains("cannot open database dynamodb://") && "\(error)".contains("Signature")
        }
    }

    /// An endpoint where nothing listens at start is waited for `start_timeout`, then refused
    /// with the reason (`UnreachableStoreTests` checks the server's side of it).
    @Test func anUnreachableEndpointIsRefusedAfterTheStartTimeout() async throws {
        var unreachable = environment
        unreachable["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:\(LoopbackPort.closed())"
        await #expect {
            try await DynamoDBStore.open(
                table: "magpie-nowhere", environment: unreachable, timeout: .milliseconds(500), startTimeout: .seconds(1),
                logger: Logger(label: "test"))
        } throws: { error in
            // The reason is the refused connection, or on a loaded machine the attempt's deadline.
            "\(error)".contains("cannot open database dynamodb://magpie-nowhere")
                && "\(error)".contains("DescribeTable") && "\(error)".contains("still unreachable after 1 s")
        }
    }
}
