import Foundation

/// One moto server per test process (`scripts/aws/moto_with_auth.py`: request authentication
/// on, signatures checked with botocore), and a fresh table per test.
public enum DynamoDBFixture {
    /// Started once, by the first test that asks; the others await the same start.
    private static let starting = Task { try await HelperProcess.start(script: "scripts/aws/moto_with_auth.py") }

    public static var server: HelperProcess {
        get async throws { try await starting.value }
    }

    /// The AWS settings a process needs to reach moto's DynamoDB (the shared server, or
    /// `moto`, one a test stops and starts), and nothing from the machine's own configuration.
    public static func environment(_ dedicated: HelperProcess? = nil) async throws -> [String: String] {
        let moto: HelperProcess
        if let dedicated { moto = dedicated } else { moto = try await server }
        return [
            "AWS_ACCESS_KEY_ID": try moto.string("access_key_id"), "AWS_SECRET_ACCESS_KEY": try moto.string("secret_access_key"),
            "AWS_REGION": try moto.string("region"), "AWS_ENDPOINT_URL_DYNAMODB": try moto.string("endpoint"),
            "AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent",
        ]
    }

    /// `dynamodb://` and a table name no other test uses; the store creates the table. Its
    /// timeout is generous, since moto serves one request at a time and the full suite loads
    /// both cores.
    public static func location() -> String {
        "dynamodb://magpie-test-\(UUID().uuidString.prefix(13).lowercased())?timeout=60"
    }
}
