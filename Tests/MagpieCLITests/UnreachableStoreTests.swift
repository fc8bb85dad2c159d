import Foundation
import MagpieTestSupport
import Testing

/// `magpie serve` whose shared store cannot be reached: one `error` line names the store (its
/// password masked) and the reason, repeated while it waits for `start_timeout`, then the
/// server exits non-zero with the reason, instead of hanging without a port. A store that
/// refuses for good (a missing database) is reported at once.
@Suite struct UnreachableStoreTests {
    struct Start {
        var result: MagpieProcess.Result
        var elapsed: Duration
        /// The JSON log lines at `error` level.
        var errorLines: [[String: Any]] {
            result.standardOutput.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }.filter { $0["level"] as? String == "error" }
        }
    }

    static func serve(database: String, environment: [String: String] = [:]) async throws -> Start {
        let workspace = try Workspace()
        let models = try FaultTests.models(in: workspace)
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await MagpieProcess.run(
            ["serve", "--database", database, "--models", models, "--port", "0"], environment: environment)
        return Start(result: result, elapsed: start.duration(to: clock.now))
    }

    @Test func anUnreachablePostgreSQLIsNamedWithItsReasonThenTheServerExits() async throws {
        let port = LoopbackPort.closed()
        let start = try await Self.serve(database: "postgres://magpie:hunter2@127.0.0.1:\(port)/keys?start_timeout=3")
        #expect(start.result.status != 0)
        let message = start.result.standardError
        #expect(message.contains("postgres://magpie:***@127.0.0.1:\(port)/keys"), "\(message)")
        #expect(message.contains("connection refused"), "\(message)")
        #expect(message.contains("still unreachable after 3 s"), "\(message)")
        let lines = start.errorLines
        #expect(lines.count >= 1 && lines.count <= 2, "\(start.result.standardOutput)")
        let line = try #require(lines.first?["message"] as? String)
        #expect(line.contains("cannot reach PostgreSQL at postgres://magpie:***@127.0.0.1:\(port)/keys"))
        #expect(line.contains("connection refused"))
        #expect(!(start.result.standardOutput + message).contains("hunter2"))
        // Bounded, not fast: the whole suite loads both cores while this runs.
        #expect(start.elapsed >= .seconds(3) && start.elapsed < .seconds(90), "\(start.elapsed)")
    }

    @Test func aDatabaseThatDoesNotExistIsRefusedAtOnceWithTheServersWords() async throws {
        let existing = try await PostgresFixture.database()
        var components = try #require(URLComponents(string: existing))
        components.path = "/no_such_database"
        let start = try await Self.serve(database: try #require(components.string))
        #expect(start.result.status != 0)
        #expect(start.result.standardError.contains("\"no_such_database\" does not exist"), "\(start.result.standardError)")
        #expect(start.errorLines.isEmpty)
        #expect(start.elapsed < .seconds(60), "\(start.elapsed)")
    }

    @Test func anUnreachableDynamoDBEndpointIsNamedThenTheServerExits() async throws {
        let port = LoopbackPort.closed()
        let start = try await Self.serve(
            database: "dynamodb://magpie-keys?start_timeout=2",
            environment: [
                "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:\(port)", "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_EC2_METADATA_DISABLED": "true",
            ])
        #expect(start.result.status != 0)
        let message = start.result.standardError
        #expect(message.contains("magpie-keys"), "\(message)")
        #expect(message.contains("127.0.0.1:\(port)"), "\(message)")
        #expect(message.contains("still unreachable after 2 s"), "\(message)")
        let line = try #require(start.errorLines.first?["message"] as? String, "\(start.result.standardOutput)")
        #expect(line.contains("cannot reach DynamoDB table"))
        #expect(start.elapsed >= .seconds(2) && start.elapsed < .seconds(90), "\(start.elapsed)")
    }
}
