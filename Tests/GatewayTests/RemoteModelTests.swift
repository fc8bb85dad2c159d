import AWSClient
import Clocks
import CoreMetrics
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import MagpieTestSupport
import ModelRuntime
import NIOCore
import RemoteModels
import Synchronization
import Testing

/// Remote models behind a real gateway on loopback, against upstream servers that misbehave on
/// cue: each failure the issue names, and the payload formats.
@Suite(.serialized) struct RemoteModelTests {
    static func endpoint(
        _ url: String, format: RemotePayloadFormat = .huggingFace, timeout: Duration = .seconds(30), attempts: Int = 3,
        breaker: Int = 5, cooldown: Duration = .seconds(30)
    ) -> RemoteEndpoint {
        RemoteEndpoint(
            target: .http(url: url, format: format), timeout: timeout, maxAttempts: attempts, breakerFailures: breaker,
            breakerCooldown: cooldown)
    }

    static func server(
        _ endpoint: RemoteEndpoint, name: String = "sentiment", fallback: String? = nil, maxConcurrency: Int = 8,
        maxQueue: Int = 16, environment: [String: String] = [:], logHandler: (any LogHandler)? = nil,
        clock: AnyClock<Duration> = AnyClock(ContinuousClock())
    ) async throws -> LiveServer {
        let metrics = GatewayMetrics.prometheus()
        let remote = try RemoteModel(
            name: name, endpoint: endpoint, environment: environment, metrics: metrics.factory, clock: clock)
        let deployment = ModelDeployment(
            name: name, path: "", idleTimeout: nil, maxConcurrency: maxConcurrency, maxQueue: maxQueue, remote: endpoint,
            fallback: fallback)
        return try await LiveServer(remotes: [(deployment, remote)], metrics: metrics, logHandler: logHandler)
    }

    @Test func everyRouteServesARemoteModel() async throws {
        let upstream = await ScriptedUpstream()
        let server = try await Self.server(Self.endpoint(upstream.url))
        let key = try await server.key()
        let single = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "great"}"#)
        #expect(single.status == 200)
        let object = try #require(single.json as? [String: Any])
        #expect(object["label"] as? String == "POSITIVE")
        #expect(object["model"] as? String == "sentiment")
        #expect(object["version"] as? String == "remote")
        #expect((object["scores"] as? [[String: Any]])?.count == 2)
        #expect(upstream.lastBody == #"{"inputs": "great"}"#)

        upstream.then(
            .answer(
                status: 200, headers: [:],
                body: #"[[{"label": "NEGATIVE", "score": 0.7}], [{"label": "POSITIVE", "score": 0.8}]]"#))
        let before = upstream.callCount
        let batch = try await server.request(
            "POST", "/v1/models/sentiment/classify", key: key, json: #"{"texts": ["bad", "good"]}"#)
        #expect(batch.status == 200)
        #expect(upstream.callCount == before + 1)
        let results = try #require((batch.json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.map { $0["label"] as? String } == ["NEGATIVE", "POSITIVE"])
        #expect(upstream.lastBody == #"{"inputs": ["bad", "good"]}"#)

        let infer = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "great"}"#)
        #expect(infer.status == 200)
        #expect((infer.json as? [String: Any])?["category"] as? String == "POSITIVE")
        let invocations = try await server.request(
            "POST", "/v1/models/sentiment/invocations", key: key, json: #"{"inputs": "great"}"#)
        #expect((invocations.json as? [[String: Any]])?.first?["label"] as? String == "POSITIVE")
        let missing = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{}"#)
        #expect(missing.status == 422)
    }

    @Test func timingTraceAndListing() async throws {
        let upstream = await ScriptedUpstream()
        let records = LogRecords()
        let server = try await Self.server(Self.endpoint(upstream.url), logHandler: RecordingLogHandler(records: records))
        let key = try await server.key()
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        upstream.then(.delay(.milliseconds(50), then: upstream.normal))
        let response = try await server.request(
            "POST", "/v1/models/sentiment/classify", key: key, headers: ["traceparent": traceparent], json: #"{"text": "x"}"#)
        #expect(response.status == 200)
        let timing = try #require(response.header("Server-Timing"))
        let upstreamMilliseconds = try #require(Self.timing("upstream", in: timing))
        #expect(upstreamMilliseconds >= 50)
        #expect(Self.timing("gateway", in: timing) != nil)
        #expect(upstream.lastHeader("traceparent") == traceparent)
        #expect(records.lines.withLock { $0 }.contains { $0.contains("trace_id=4bf92f3577b34da6a3ce929d0e0e4736") })

        let listing = try await server.request("GET", "/v1/models", key: key)
        let models = try #require((listing.json as? [String: Any])?["models"] as? [[String: Any]])
        let remote = try #require(models.first { $0["name"] as? String == "sentiment" })
        #expect((remote["location"] as? [String: String]) == ["kind": "http", "url": upstream.url, "format": "huggingface"])
        #expect((remote["health"] as? [String: Any])?["status"] as? String == "healthy")
        let local = try #require(models.first { $0["name"] as? String == "hate-speech" })
        #expect((local["location"] as? [String: String]) == ["kind": "local"])

        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"magpie_upstream_attempts_total{model="sentiment"} 1"#))
        #expect(metrics.contains(#"magpie_upstream_request_duration_seconds_count{model="sentiment"} 1"#))
        #expect(metrics.contains(#"magpie_upstream_breaker_state{model="sentiment"} 0"#))
        #expect(metrics.contains(#"magpie_upstream_in_flight{model="sentiment"} 0"#))
    }

    @Test func transientFailuresAreRetried() async throws {
        let upstream = await ScriptedUpstream()
        let server = try await Self.server(Self.endpoint(upstream.url, attempts: 3))
        let key = try await server.key()
        upstream.then(
            .answer(status: 503, headers: [:], body: "{}"),
            .answer(status: 400, headers: ["x-amzn-ErrorType": "ThrottlingException"], body: #"{"message": "slow down"}"#))
        let response = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 200)
        #expect(upstream.callCount == 3)
        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"magpie_upstream_retries_total{model="sentiment"} 2"#))
    }

    @Test func modelErrorIsABadGatewayWithTheModelsMessage() async throws {
        let upstream = await ScriptedUpstream()
        let server = try await Self.server(Self.endpoint(upstream.url))
        let key = try await server.key()
        upstream.then(
            .answer(
                status: 424, headers: ["x-amzn-ErrorType": "ModelError"],
                body:
                    #"{"message": "Received client error (400)", "OriginalStatusCode": 400, "OriginalMessage": "token indices too long"}"#
            ))
        let response = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 502)
        #expect(response.message?.contains("token indices too long") == true)
        #expect((response.json as? [String: Any])?["error_type"] as? String == "upstream_error")
        #expect(upstream.callCount == 1)
    }

    @Test func timeoutIsAPIGatewaysAnswer() async throws {
        let upstream = await ScriptedUpstream()
        let server = try await Self.server(Self.endpoint(upstream.url, timeout: .seconds(1)))
        let key = try await server.key()
        upstream.then(.delay(.seconds(3), then: upstream.normal))
        let response = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 504)
        #expect(response.message == "Endpoint request timed out")
        #expect((response.json as? [String: Any])?["error_type"] as? String == "upstream_timeout")
    }

    @Test func refusedConnectionIsRetriedThenUnavailable() async throws {
        let closed = LoopbackPort.closed()
        let server = try await Self.server(Self.endpoint("http://127.0.0.1:\(closed)/predict", attempts: 2))
        let key = try await server.key()
        let response = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(response.status == 503)
        #expect((response.json as? [String: Any])?["error_type"] as? String == "upstream_unavailable")
        #expect(response.header("Retry-After") != nil)
        #expect(try await server.request("GET", "/health").status == 200)
        let metrics = String(decoding: try await server.request("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"magpie_upstream_errors_total{model="sentiment",code="connection"} 1"#))
        #expect(metrics.contains(#"magpie_upstream_retries_total{model="sentiment"} 1"#))
    }

    /// Three failures open the breaker: the next request gets 503 with Retry-After and no
    /// upstream call; after the cooldown one probe goes through and closes it.
    @Test func circuitBreakerOpensAndAProbeClosesIt() async throws {
        let upstream = await ScriptedUpstream()
        let clock = TestClock()
        let server = try await Self.server(
            Self.endpoint(upstream.url, attempts: 1, breaker: 3, cooldown: .seconds(1)), clock: AnyClock(clock))
        let key = try await server.key()
        upstream.then(
            .answer(status: 500, headers: [:], body: "{}"), .answer(status: 500, headers: [:], body: "{}"),
            .answer(status: 500, headers: [:], body: "{}"))
        for _ in 0..<3 {
            let failed = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
            #expect(failed.status == 502)
        }
        let refused = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(refused.status == 503)
        #expect((refused.json as? [String: Any])?["error_type"] as? String == "circuit_open")
        #expect(refused.header("Retry-After") == "1")
        #expect(upstream.callCount == 3)
        #expect(try await server.request("GET", "/health").status == 200)
        let listing = try await server.request("GET", "/v1/models", key: key)
        let models = try #require((listing.json as? [String: Any])?["models"] as? [[String: Any]])
        let health = try #require(models.first { $0["name"] as? String == "sentiment" }?["health"] as? [String: Any])
        #expect(health["breaker"] as? String == "open")
        #expect(health["status"] as? String == "unavailable")

        await clock.advance(by: .seconds(1))
        let probe = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(probe.status == 200)
        #expect(upstream.callCount == 4)
        let after = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        #expect(after.status == 200)
    }

    @Test func fallbackAnswersAndSaysSo() async throws {
        let closed = LoopbackPort.closed()
        let server = try await Self.server(
            Self.endpoint("http://127.0.0.1:\(closed)/predict", attempts: 1), fallback: "hate-speech")
        let key = try await server.key()
        let response = try await server.request(
            "POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "you are lovely"}"#)
        #expect(response.status == 200)
        #expect(response.header("X-Magpie-Served-By") == "hate-speech")
        #expect((response.json as? [String: Any])?["model"] as? String == "hate-speech")
        let infer = try await server.request("POST", "/v1/infer/sentiment", key: key, json: #"{"text": "you are lovely"}"#)
        #expect(infer.status == 200)
        #expect(infer.header("X-Magpie-Served-By") == "hate-speech")
    }

    /// Like an endpoint's MaxConcurrency: one call at a time, none queued, the second gets
    /// 503 with Retry-After.
    @Test func concurrencyLimitQueuesThenRefuses() async throws {
        let upstream = await ScriptedUpstream()
        let server = try await Self.server(Self.endpoint(upstream.url), maxConcurrency: 1, maxQueue: 0)
        let key = try await server.key()
        upstream.then(.delay(.seconds(3), then: upstream.normal))
        async let slow = server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "x"}"#)
        // Wait until the slow call holds the one slot.
        let givingUp = ContinuousClock.now + .seconds(30)
        while upstream.callCount == 0 && ContinuousClock.now < givingUp { try await Task.sleep(for: .milliseconds(20)) }
        let refused = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "y"}"#)
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") != nil)
        #expect(try await slow.status == 200)
    }

    static func timing(_ name: String, in header: String) -> Double? {
        for part in header.split(separator: ",") {
            let fields = part.trimmingCharacters(in: .whitespaces).split(separator: ";")
            guard fields.first == Substring(name), let duration = fields.dropFirst().first, duration.hasPrefix("dur=") else {
                continue
            }
            return Double(duration.dropFirst(4))
        }
        return nil
    }
}
