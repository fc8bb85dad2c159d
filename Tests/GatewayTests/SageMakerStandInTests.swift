import Foundation
import Gateway
import MagpieTestSupport
import ModelRuntime
import RemoteModels
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A remote model on the SageMaker stand-in (`scripts/sagemaker_standin.py`), which checks
/// every request's signature with botocore and answers with a real Magpie model: the
/// reference stack's shape, Magpie in front of a serverless endpoint.
@Suite(.serialized) struct SageMakerStandInTests {
    let backend: LiveServer
    let standIn: HelperProcess
    let environment: [String: String]

    init() async throws {
        backend = try await LiveServer()
        let backendKey = try await backend.key()
        standIn = try await HelperProcess.start(
            script: "scripts/sagemaker_standin.py",
            arguments: [
                "--magpie-url", "http://127.0.0.1:\(backend.port)", "--magpie-key", backendKey, "--cold-for", "1.5",
                "--max-concurrency", "4",
            ])
        environment = [
            "AWS_ACCESS_KEY_ID": try standIn.string("access_key_id"),
            "AWS_SECRET_ACCESS_KEY": try standIn.string("secret_access_key"),
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": try standIn.string("endpoint"), "HOME": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    func server(attempts: Int = 3, timeout: Duration = .seconds(30), environment: [String: String]? = nil) async throws
        -> LiveServer
    {
        let endpoint = RemoteEndpoint(
            target: .sageMaker(endpoint: "distilbert-imdb", region: "us-east-1"), timeout: timeout, maxAttempts: attempts)
        return try await RemoteModelTests.server(endpoint, environment: environment ?? self.environment)
    }

    func steer(_ json: String) async throws {
        var request = URLRequest(url: URL(string: try standIn.string("endpoint") + "/_standin")!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        _ = try await URLSession.shared.data(for: request)
    }

    /// The signed call is accepted and answers what the Magpie model behind it answers.
    @Test func signedCallAnswersLikeTheModelBehindIt() async throws {
        let server = try await server()
        let key = try await server.key()
        let backendKey = try await backend.key()
        let text = #"{"texts": ["you are lovely", "I hate you all"]}"#
        let proxied = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: text)
        let direct = try await backend.request("POST", "/v1/models/hate-speech/classify", key: backendKey, json: text)
        #expect(proxied.status == 200)
        let proxiedLabels = ((proxied.json as? [String: Any])?["results"] as? [[String: Any]])?.map { $0["label"] as? String }
        let directLabels = ((direct.json as? [String: Any])?["results"] as? [[String: Any]])?.map { $0["label"] as? String }
        #expect(proxiedLabels == directLabels)
        #expect(proxiedLabels?.count == 2)
    }

    @Test func wrongCredentialsAreRefusedByTheService() async throws {
        var wrong = environment
        wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        let server = try await server(environment: wrong)
        let key = try await server.key()
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 502)
        #expect(response.message?.contains("SignatureDoesNotMatch") == true)
    }

    /// A cold serverless endpoint answers ModelNotReadyException for 1.5 s; with backoff
    /// inside the 10 s timeout the request still succeeds.
    @Test func coldEndpointIsRetriedUntilWarm() async throws {
        let server = try await server(attempts: 8)
        let key = try await server.key()
        try await steer(#"{"cold": true}"#)
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 200)
        #expect(start.duration(to: clock.now) >= .seconds(1))
    }

    /// Still cold when the attempts run out: 503 with Retry-After, the endpoint's message.
    @Test func coldEndpointBeyondTheRetriesIsUnavailable() async throws {
        let server = try await server(attempts: 1)
        let key = try await server.key()
        try await steer(#"{"cold": true}"#)
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 503)
        #expect(response.message?.contains("not ready") == true)
        #expect(response.header("Retry-After") != nil)
    }

    @Test func modelErrorCarriesTheContainersMessage() async throws {
        let server = try await server()
        let key = try await server.key()
        try await steer(#"{"fail_next": 1, "status": 424, "message": "input too long for the tokenizer"}"#)
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 502)
        #expect(response.message == "model 'sentiment' failed: input too long for the tokenizer")
        #expect((response.json as? [String: Any])?["error_type"] as? String == "upstream_error")
    }

    @Test func slowEndpointTimesOut() async throws {
        let server = try await server(timeout: .seconds(1))
        let key = try await server.key()
        try await steer(#"{"latency_ms": 2500}"#)
        defer { Task { try? await steer(#"{"latency_ms": 0}"#) } }
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 504)
        #expect(response.message == "Endpoint request timed out")
    }
}
