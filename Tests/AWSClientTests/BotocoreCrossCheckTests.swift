import AWSClient
import MagpieTestSupport
import Testing

/// Real requests from the client, each checked on arrival by botocore's own signer
/// (`scripts/aws/sigv4_crosscheck.py`).
@Suite(.serialized) struct BotocoreCrossCheckTests {
    let server: HelperProcess

    init() async throws {
        server = try await HelperProcess.start(script: "scripts/aws/sigv4_crosscheck.py")
    }

    func client(signingName: String, token: String? = nil) throws -> AWSClient {
        var environment = [
            "AWS_ACCESS_KEY_ID": try server.string("access_key_id"),
            "AWS_SECRET_ACCESS_KEY": try server.string("secret_access_key"),
            "AWS_ENDPOINT_URL": try server.string("endpoint"), "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
        ]
        if let token { environment["AWS_SESSION_TOKEN"] = token }
        let service = AWSService(id: "Cross Check", signingName: signingName, endpointPrefix: "crosscheck")
        return try AWSClient(service: service, region: "eu-west-3", environment: environment)
    }

    static let requests: [(method: String, path: String, query: String, headers: [(name: String, value: String)], body: String)] =
        [
            (
                "POST", "/endpoints/distilbert-imdb/invocations", "", [("Content-Type", "application/json")],
                #"{"inputs": "fine"}"#
            ),
            ("GET", "/", "", [], ""),
            ("GET", "/a%20b/c~d/%C3%A9t%C3%A9", "", [], ""),
            ("GET", "/list", "prefix=a%2Fb&max-keys=10&marker=", [], ""),
            (
                "PUT", "/objects/key", "", [("X-Custom", "  spaced    value  "), ("Content-Type", "text/plain; charset=utf-8")],
                "héllo"
            ),
            ("POST", "/", "Action=Query&Version=2012-08-10", [("X-Amz-Target", "DynamoDB_20120810.GetItem")], "{}"),
            ("DELETE", "/items/%2B%3D", "versionId=3", [], ""),
        ]

    @Test(arguments: ["sagemaker", "dynamodb", "s3"], [nil, "FwoGZXIvYXdzEK//////////token+/="])
    func botocoreAcceptsEverySignature(signingName: String, token: String?) async throws {
        let client = try client(signingName: signingName, token: token)
        for request in Self.requests {
            do {
                let response = try await client.send(
                    method: request.method, path: request.path, query: request.query, headers: request.headers,
                    body: Array(request.body.utf8), deadline: .now + .seconds(60))
                #expect(response.answer.status == 200)
            } catch {
                Issue.record("\(signingName) \(request.method) \(request.path)?\(request.query): \(error)")
            }
        }
    }

    @Test func botocoreRefusesAWrongSecret() async throws {
        let service = AWSService(id: "Cross Check", signingName: "sagemaker", endpointPrefix: "crosscheck")
        let client = try AWSClient(
            service: service, region: "eu-west-3",
            environment: [
                "AWS_ACCESS_KEY_ID": try server.string("access_key_id"), "AWS_SECRET_ACCESS_KEY": "wrong",
                "AWS_ENDPOINT_URL": try server.string("endpoint"), "HOME": "/nonexistent",
            ])
        await #expect(throws: AWSClientError.self) {
            try await client.send(method: "GET", path: "/", deadline: .now + .seconds(60))
        }
    }
}
