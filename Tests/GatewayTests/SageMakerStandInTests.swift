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

    /// What the stand-in counted: answered, not_ready, throttled, failed.
    func counts() async throws -> [String: Int] {
        let url = URL(string: try standIn.string("endpoint") + "/_standin")!
        let (data, _) = try await URLSession.shared.data(from: url)
        let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return report?["counts"] as? [String: Int] ?? [:]
    }

    /// A serverless endpoint that stays cold for 6 s, longer than AWS's three attempts take
    /// (at most 1 s + 2 s of backoff), is still reached within the model's timeout: "not
    /// ready" is retried until the deadline whatever `max_attempts` says. The timeout is far
    /// (60 s), so that a busy test machine's slow attempts cannot decide the outcome; the
    /// deadline itself is checked by `coldEndpointBeyondTheTimeoutIsUnavailable`.
    @Test func coldEndpointIsRetriedUntilWarmWithinTheTimeout() async throws {
        let server = try await server(attempts: 3, timeout: .seconds(60))
        let key = try await server.key()
        // Timed from before the steer: the stand-in's 6 s start when it takes the steer, which
        // is before the steer's answer arrives here (a run measured 5.998 s from after it).
        let clock = ContinuousClock()
        let start = clock.now
        try await steer(#"{"cold": true, "cold_for": 6}"#)
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        let elapsed = start.duration(to: clock.now)
        #expect(response.status == 200, "\(response.message ?? "") after \(elapsed)")
        #expect(elapsed >= .seconds(6))
        let counts = try await counts()
        #expect(counts["answered"] == 1)
        #expect((counts["not_ready"] ?? 0) >= 3, "\(counts)")
    }

    /// Still cold when the timeout runs out: 503 with Retry-After and the endpoint's message,
    /// at the deadline rather than once the endpoint is warm. The endpoint stays cold for a
    /// minute, so that a busy test machine's slow attempts cannot blur the two.
    @Test func coldEndpointBeyondTheTimeoutIsUnavailable() async throws {
        let server = try await server(attempts: 1, timeout: .seconds(3))
        let key = try await server.key()
        try await steer(#"{"cold": true, "cold_for": 60}"#)
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        let elapsed = start.duration(to: clock.now)
        #expect(response.status == 503)
        #expect(response.message?.contains("not ready") == true)
        #expect(response.header("Retry-After") != nil)
        // Long before the endpoint warms: the retries stopped at the deadline.
        #expect(elapsed < .seconds(40), "\(elapsed)")
        #expect((try await counts()["not_ready"] ?? 0) >= 1)
    }

    /// Failures other than "not ready yet" keep `max_attempts`: three 503s, then the answer.
    @Test func otherFailuresKeepMaxAttempts() async throws {
        let server = try await server(attempts: 3, timeout: .seconds(20))
        let key = try await server.key()
        try await steer(#"{"fail_next": 10, "status": 503, "message": "try later"}"#)
        let response = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 503)
        #expect(try await counts()["failed"] == 3)
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
