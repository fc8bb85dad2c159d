import Foundation
import Gateway
import Logging
import Synchronization
import Testing

/// API keys, throttling and quotas with API Gateway's bodies and the IETF rate-limit headers.
@Suite struct AccessTests {
    @Test func missingUnknownAndRevokedKeysAreForbidden() async throws {
        let server = try await LiveServer()
        let key = try await server.key()
        for candidate in [nil, "", "mgp_not-a-key"] {
            let response = try await server.classify("hello", key: candidate ?? "")
            #expect(response.status == 403 && response.message == "Forbidden")
        }
        let noHeader = try await server.request("POST", "/v1/infer/hate-speech", json: #"{"text": "hi"}"#)
        #expect(noHeader.status == 403 && noHeader.message == "Forbidden")
        // Unknown keys learn nothing about which models exist.
        let unknownModel = try await server.request("POST", "/v1/infer/nothing", key: "mgp_x", json: #"{"text": "hi"}"#)
        #expect(unknownModel.status == 403)
        #expect(try await server.classify("hello", key: key).status == 200)
        let id = try #require(try await server.store.keys().first?.id)
        try await server.store.revokeKey(id: id)
        #expect(try await server.classify("hello", key: key).status == 403)
    }

    @Test func quotaAdmitsExactlyItsLimitUnder96ConcurrentRequests() async throws {
        let server = try await LiveServer()
        let key = try await server.key(quota: "40/day")
        let responses = try await withThrowingTaskGroup(of: LiveServer.Response.self) { group in
            for index in 0..<96 { group.addTask { try await server.classify("request \(index)", key: key) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.filter { $0.status == 200 }.count == 40)
        let refused = responses.filter { $0.status == 429 }
        #expect(refused.count == 56)
        #expect(refused.allSatisfy { $0.message == "Limit Exceeded" })
        let retryAfter = try #require(refused.first?.header("Retry-After").flatMap(Int.init))
        #expect(retryAfter > 0 && retryAfter <= 86_400)
        let remaining = responses.compactMap { $0.header("RateLimit") }.sorted()
        #expect(remaining.count == 40 && remaining.contains { $0.hasPrefix("\"quota\";r=0;") })
        #expect(responses.first { $0.status == 200 }?.header("RateLimit-Policy")?.hasPrefix("\"quota\";q=40;w=86400") == true)
        let id = try #require(try await server.store.keys().first?.id)
        #expect(try await server.store.usage(keyID: id, quota: .init(parsing: "40/day")) == 40)
    }

    @Test func tokenBucketThrottlesBurstsWithoutUsingQuota() async throws {
        let server = try await LiveServer()
        // One token per 1,000 s: even a test starved for minutes in the parallel run sees none refilled.
        let key = try await server.key(quota: "100/day", rate: 0.001, burst: 3)
        var statuses: [Int] = []
        var throttled: LiveServer.Response?
        for _ in 0..<5 {
            let response = try await server.classify("hello", key: key)
            statuses.append(response.status)
            if response.status == 429 { throttled = response }
        }
        #expect(statuses == [200, 200, 200, 429, 429])
        #expect(throttled?.message == "Too Many Requests")
        #expect(throttled?.header("Retry-After").flatMap(Int.init).map { (1...1_000).contains($0) } == true)
        let id = try #require(try await server.store.keys().first?.id)
        #expect(try await server.store.usage(keyID: id, quota: .init(parsing: "100/day")) == 3)
    }

    @Test func corsPreflightAndAllowedOrigins() async throws {
        let open = try await LiveServer()
        let preflight = try await open.request("OPTIONS", "/v1/infer/hate-speech")
        #expect(preflight.status == 200)
        #expect(preflight.header("Access-Control-Allow-Origin") == "*")
        #expect(preflight.header("Access-Control-Allow-Headers") == "Content-Type,x-api-key")
        #expect(preflight.header("Access-Control-Allow-Methods") == "OPTIONS,POST")

        let restricted = try await LiveServer(cors: CORSPolicy(allowedOrigins: ["https://app.example"]))
        let key = try await restricted.key()
        let allowed = try await restricted.request(
            "POST", "/v1/infer/hate-speech", key: key, headers: ["Origin": "https://app.example"], json: #"{"text": "hi"}"#)
        #expect(allowed.header("Access-Control-Allow-Origin") == "https://app.example" && allowed.header("Vary") == "Origin")
        let other = try await restricted.request(
            "OPTIONS", "/v1/infer/hate-speech", headers: ["Origin": "https://evil.example"])
        #expect(other.status == 200 && other.header("Access-Control-Allow-Origin") == nil)
    }

    @Test func logsNeverContainKeysOrTexts() async throws {
        let records = LogRecords()
        let server = try await LiveServer(logHandler: RecordingLogHandler(records: records))
        let key = try await server.key()
        let text = "a very particular sentence 8e1f"
        #expect(try await server.classify(text, key: key).status == 200)
        _ = try await server.classify(text, key: "mgp_wrong-key-value")
        _ = try await server.request("POST", "/v1/infer/hate-speech", key: key, json: #"{"text": 5, "note": "\#(text)"}"#)
        let lines = records.lines.withLock { $0 }
        #expect(lines.count >= 3)
        for line in lines {
            #expect(!line.contains(key) && !line.contains("mgp_wrong") && !line.contains("8e1f"), "\(line)")
        }
        #expect(lines.contains { $0.contains("status=200") && $0.contains("route=classify") && $0.contains("request_id=") })
    }
}

final class LogRecords: Sendable {
    let lines = Mutex<[String]>([])
}

/// Keeps every log line (message and metadata) for inspection.
struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        records.lines.withLock { $0.append("\(event.message) " + fields.joined(separator: " ")) }
    }
}
