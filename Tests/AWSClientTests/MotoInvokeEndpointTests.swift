import AWSClient
import Foundation
import MagpieTestSupport
import Testing

/// A real moto server with request authentication on: it recomputes every signature with
/// botocore and refuses a mismatch.
@Suite(.serialized) struct MotoInvokeEndpointTests {
    let moto: HelperProcess
    let environment: [String: String]

    init() async throws {
        moto = try await HelperProcess.start(script: "scripts/aws/moto_with_auth.py")
        environment = [
            "AWS_ACCESS_KEY_ID": try moto.string("access_key_id"), "AWS_SECRET_ACCESS_KEY": try moto.string("secret_access_key"),
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": try moto.string("endpoint"), "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": "/nonexistent",
        ]
    }

    @Test func signedInvokeEndpointIsAccepted() async throws {
        let runtime = SageMakerRuntime(
            client: try AWSClient(service: .sageMakerRuntime, region: "us-east-1", environment: environment))
        let response = try await runtime.invokeEndpoint(
            "distilbert-imdb", body: Array(#"{"inputs": "a fine film"}"#.utf8), deadline: .now + .seconds(60))
        #expect(response.answer.status == 200)
        #expect(response.attempts == 1)
        #expect(!response.answer.body.isEmpty)
    }

    @Test func wrongSecretIsRefusedAsSignatureMismatch() async throws {
        var tampered = environment
        tampered["AWS_SECRET_ACCESS_KEY"] = "x" + (environment["AWS_SECRET_ACCESS_KEY"] ?? "")
        let runtime = SageMakerRuntime(
            client: try AWSClient(service: .sageMakerRuntime, region: "us-east-1", environment: tampered))
        let error = await #expect(throws: AWSClientError.self) {
            try await runtime.invokeEndpoint("distilbert-imdb", body: Array("{}".utf8), deadline: .now + .seconds(60))
        }
        guard case .service(let answer)? = error else {
            Issue.record("expected a service error, got \(String(describing: error))")
            return
        }
        #expect(answer.statusCode == 403)
        #expect(answer.code == "SignatureDoesNotMatch")
    }

    /// The same signed request with its body changed on the way: the signature covers the
    /// payload hash, so the server refuses it.
    @Test func bodyChangedAfterSigningIsRefused() async throws {
        let credentials = AWSCredentials(
            accessKeyID: try moto.string("access_key_id"), secretAccessKey: try moto.string("secret_access_key"))
        let endpoint = try moto.string("endpoint")
        let host = String(endpoint.dropFirst("http://".count))
        let signer = SigV4Signer(region: "us-east-1", service: "sagemaker")
        var request = SignableRequest(
            method: "POST", path: "/endpoints/distilbert-imdb/invocations",
            headers: [("Host", host), ("Content-Type", "application/json")], body: Array(#"{"inputs": "good"}"#.utf8))
        signer.sign(&request, credentials: credentials, date: Date())
        let transport = HTTPTransport()
        let headers = request.headers.filter { $0.name != "Host" }
        let accepted = try await transport.send(
            method: "POST", url: endpoint + request.path, headers: headers, body: request.body, deadline: .now + .seconds(60))
        #expect(accepted.status == 200)
        let refused = try await transport.send(
            method: "POST", url: endpoint + request.path, headers: headers, body: Array(#"{"inputs": "evil"}"#.utf8),
            deadline: .now + .seconds(60))
        #expect(refused.status == 403)
        #expect(
            AWSServiceError(statusCode: refused.status, headers: refused.headers, body: refused.body).code
                == "SignatureDoesNotMatch")
    }
}
