import Foundation
import Gateway
import Testing

/// Every status the API documents, through a real server on a loopback port.
@Suite struct StatusTests {
    @Test func classifiesWithEveryPayloadFormat() async throws {
        let server = try await LiveServer()
        let key = try await server.key()
        let single = try await server.classify("you are a bitch", key: key)
        #expect(single.status == 200)
        let object = try #require(single.json as? [String: Any])
        #expect(object["model"] as? String == "hate-speech" && object["version"] as? String == "1")
        let scores = try #require(object["scores"] as? [[String: Any]])
        #expect(scores.map { $0["label"] as? String } == ["Hate Speech", "Offensive Language", "Neither"])
        let total = scores.compactMap { $0["score"] as? Double }.reduce(0, +)
        #expect(abs(total - 1) < 1e-4)
        #expect(
            object["label"] as? String == scores.max { ($0["score"] as! Double) < ($1["score"] as! Double) }?["label"] as? String)

        let batch = try await server.request(
            "POST", "/v1/models/hate-speech/classify", key: key, json: #"{"texts": ["you are a bitch", "what a lovely day"]}"#)
        #expect(batch.status == 200)
        let results = try #require((batch.json as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.count == 2 && results[0]["label"] as? String == object["label"] as? String)

        let infer = try await server.request("POST", "/v1/infer/hate-speech", key: key, json: #"{"text": "you are a bitch"}"#)
        #expect(infer.status == 200)
        #expect((infer.json as? [String: String]) == ["category": object["label"] as! String])

        let invocations = try await server.request(
            "POST", "/v1/models/hate-speech/invocations", key: key, json: #"{"inputs": ["you are a bitch", "hello"]}"#)
        let pairs = try #require(invocations.json as? [[String: Any]])
        #expect(invocations.status == 200 && pairs.count == 2 && pairs[0]["label"] as? String == object["label"] as? String)
        let one = try await server.request(
            "POST", "/v1/models/hate-speech/invocations", key: key, json: #"{"inputs": "you are a bitch"}"#)
        #expect((one.json as? [[String: Any]])?.count == 1)
    }

    /// Every error body carries a stable `error_type` beside its message.
    @Test func errorBodiesNameTheirType() async throws {
        let server = try await LiveServer()
        let key = try await server.key()
        let cases: [(status: Int, type: String, response: LiveServer.Response)] = [
            (404, "route_not_found", try await server.request("GET", "/nope")),
            (404, "unknown_model", try await server.request("POST", "/v1/models/nope/classify", key: key, json: "{}")),
            (405, "method_not_allowed", try await server.request("GET", "/v1/models/hate-speech/classify", key: key)),
            (403, "forbidden", try await server.request("POST", "/v1/models/hate-speech/classify", json: "{}")),
            (
                415, "unsupported_media_type",
                try await server.request(
                    "POST", "/v1/models/hate-speech/classify", key: key, headers: ["Content-Type": "text/plain"],
                    body: Data("x".utf8))
            ),
            (400, "malformed_json", try await server.request("POST", "/v1/models/hate-speech/classify", key: key, json: "{")),
            (422, "invalid_request", try await server.request("POST", "/v1/models/hate-speech/classify", key: key, json: "{}")),
        ]
        for (status, type, response) in cases {
            let body = try #require(response.json as? [String: String])
            #expect(response.status == status)
            #expect(body["error_type"] == type, "\(body)")
            #expect(body["message"]?.isEmpty == false)
        }
    }

    @Test func referenceLambdaValidationErrors() async throws {
        let server = try await LiveServer()
        let key = try await server.key()
        let path = "/v1/infer/hate-speech"
        let missing = try await server.request("POST", path, key: key)
        #expect(
            missing.status == 422
                && (missing.json as? [String: String]) == [
                    "issue": "Request payload is missing", "error_type": "invalid_request",
                ])
        for body in [#"{}"#, #"{"text": ""}"#, #"{"text": "   "}"#, #"{"text": 7}"#, #"["text"]"#] {
            let response = try await server.request("POST", path, key: key, json: body)
            #expect(response.status == 422, "\(body)")
            #expect(
                (response.json as? [String: String]) == [
                    "issue": "Please provide an input text", "error_type": "invalid_request",
                ],
                "\(body)")
        }
    }

    @Test func malformedRequestsGetClientErrorsWithMessages() async throws {
        let server = try await LiveServer(limits: GatewayLimits(maxBodyBytes: 2048, maxTextLength: 100, maxBatchSize: 3))
        let key = try await server.key()
        let classify = "/v1/models/hate-speech/classify"
        let cases: [(json: String?, body: Data?, contentType: String?, status: Int, message: String)] = [
            (#"{"text": "#, nil, nil, 400, "not valid JSON"),
            (
                nil, Data([0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), "application/json", 400,
                "not valid UTF-8"
            ),
            (nil, Data(#"{"text": "hi"}"#.utf8), "text/plain", 415, "content type 'text/plain'"),
            (nil, Data(#"{"text": "hi"}"#.utf8), nil, 415, "content type"),
            (nil, Data(repeating: 0x20, count: 5000), "application/json", 413, "larger than the limit of 2048 bytes"),
            (#"[1, 2]"#, nil, nil, 422, "must be a JSON object"),
            (#"{"text": 5}"#, nil, nil, 422, "text must be a string, not a number"),
            (#"{"text": "a", "texts": ["b"]}"#, nil, nil, 422, "either text or texts"),
            (#"{"words": "a"}"#, nil, nil, 422, "needs text"),
            (#"{"text": "\#(String(repeating: "a", count: 101))"}"#, nil, nil, 422, "longer than the limit of 100 characters"),
            (#"{"texts": ["a", "b", "c", "d"]}"#, nil, nil, 422, "the limit is 3"),
            (#"{"texts": []}"#, nil, nil, 422, "texts must not be empty"),
            (#"{"texts": ["a", ""]}"#, nil, nil, 422, "texts[1] must not be empty"),
        ]
        for (json, body, contentType, status, message) in cases {
            var headers: [String: String] = [:]
            if let contentType { headers["Content-Type"] = contentType }
            let response = try await server.request("POST", classify, key: key, headers: headers, json: json, body: body)
            #expect(response.status == status, "\(json ?? contentType ?? "")")
            #expect(response.message?.contains(message) == true, "\(response.message ?? "no message") for \(json ?? "")")
            #expect(response.header("Content-Type") == "application/json")
        }
        let invocations = try await server.request(
            "POST", "/v1/models/hate-speech/invocations", key: key, json: #"{"inputs": {"a": 1}}"#)
        #expect(invocations.status == 422 && invocations.message == "inputs must be a string, not an object")
    }

    @Test func routesModelsAndMethods() async throws {
        let server = try await LiveServer()
        let key = try await server.key()
        let warmUp = try await server.classify("hello", key: key)
        #expect(warmUp.status == 200)
        let missing = try await server.request("POST", "/v1/models/sentiment/classify", key: key, json: #"{"text": "hi"}"#)
        #expect(missing.status == 404 && missing.message == "no model named 'sentiment' (models: hate-speech)")
        let noRoute = try await server.request("GET", "/v2/anything")
        #expect(noRoute.status == 404 && noRoute.message == "no route for /v2/anything")
        let wrongMethod = try await server.request("GET", "/v1/infer/hate-speech", key: key)
        #expect(wrongMethod.status == 405 && wrongMethod.header("Allow") == "POST, OPTIONS")
        let postHealth = try await server.request("POST", "/health", json: "{}")
        #expect(postHealth.status == 405)
        let health = try await server.request("GET", "/health")
        #expect(health.status == 200)
        let models = try await server.request("GET", "/v1/models", key: key)
        let listed = try #require((models.json as? [String: Any])?["models"] as? [[String: Any]])
        #expect(listed.count == 1 && listed[0]["name"] as? String == "hate-speech" && listed[0]["state"] as? String == "warm")
        #expect(listed[0]["labels"] as? [String] == ["Hate Speech", "Offensive Language", "Neither"])
        let document = try await server.request("GET", "/openapi.json")
        #expect(document.status == 200 && (document.json as? [String: Any])?["openapi"] as? String == "3.1.0")
    }

    /// The document states the limits the gateway enforces, not the defaults.
    @Test func openAPIDocumentStatesConfiguredLimits() async throws {
        let server = try await LiveServer(limits: GatewayLimits(maxTextLength: 500, maxBatchSize: 8))
        let document = try #require(try await server.request("GET", "/openapi.json").json as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        #expect((schemas["Text"] as? [String: Any])?["maxLength"] as? Int == 500)
        #expect((schemas["Texts"] as? [String: Any])?["maxItems"] as? Int == 8)
        let key = try await server.key()
        let long = String(repeating: "a", count: 501)
        #expect(try await server.classify(long, key: key).status == 422)
    }

    @Test func readinessWaitsForMarkReady() async throws {
        let server = try await LiveServer(ready: false)
        let before = try await server.request("GET", "/ready")
        #expect(before.status == 503 && before.header("Retry-After") == "1")
        server.gateway.markReady()
        #expect(try await server.request("GET", "/ready").status == 200)
    }

    @Test func requestIDsAreEchoedOrGenerated() async throws {
        let server = try await LiveServer()
        let echoed = try await server.request("GET", "/health", headers: ["X-Request-Id": "abc-123"])
        #expect(echoed.header("X-Request-Id") == "abc-123")
        let generated = try await server.request("GET", "/health", headers: ["X-Request-Id": "bad\"id"])
        let id = try #require(generated.header("X-Request-Id"))
        let next = try #require(try await server.request("GET", "/health").header("X-Request-Id"))
        #expect(id != "bad\"id" && id.count == 33 && next.count == 33 && next != id)
    }
}
