import Foundation
import Gateway
import Testing

/// Configured routes that choose the model per request, from a JSON field or a header.
@Suite struct RoutingTests {
    static let routes = [
        ModelRoute(
            name: "assistant", selector: .jsonField("task"), choices: ["hate-speech": "hate-speech", "toxicity": "hate-speech"]),
        ModelRoute(name: "by-header", selector: .header("X-Task"), choices: ["hate": "hate-speech"], defaultChoice: "hate"),
        ModelRoute(name: "dangling", selector: .jsonField("task"), choices: ["gone": "sentiment"]),
    ]

    @Test func aJSONFieldOrAHeaderChoosesTheModel() async throws {
        let server = try await LiveServer(routes: Self.routes)
        let key = try await server.key()
        let direct = try #require(try await server.classify("you are a bitch", key: key).json as? [String: Any])
        let byField = try await server.request(
            "POST", "/v1/routes/assistant", key: key, json: #"{"task": "toxicity", "text": "you are a bitch"}"#)
        #expect(byField.status == 200)
        let routed = try #require(byField.json as? [String: Any])
        #expect(routed["model"] as? String == "hate-speech" && routed["label"] as? String == direct["label"] as? String)
        let byHeader = try await server.request(
            "POST", "/v1/routes/by-header", key: key, headers: ["X-Task": "hate"], json: #"{"texts": ["a", "b"]}"#)
        #expect(byHeader.status == 200 && ((byHeader.json as? [String: Any])?["results"] as? [Any])?.count == 2)
        let byDefault = try await server.request("POST", "/v1/routes/by-header", key: key, json: #"{"text": "hello"}"#)
        #expect(byDefault.status == 200)
    }

    @Test func badChoicesAreRefusedWithTheValidOnes() async throws {
        let server = try await LiveServer(routes: Self.routes)
        let key = try await server.key()
        let cases: [(path: String, headers: [String: String], json: String, status: Int, message: String)] = [
            (
                "/v1/routes/assistant", [:], #"{"task": "weather", "text": "hi"}"#, 422,
                "unknown choice 'weather' in field 'task'; valid: hate-speech, toxicity"
            ),
            (
                "/v1/routes/assistant", [:], #"{"text": "hi"}"#, 422,
                "this route needs a field 'task' choosing one of: hate-speech, toxicity"
            ),
            ("/v1/routes/assistant", [:], #"{"task": 3, "text": "hi"}"#, 422, "task must be a string, not a number"),
            (
                "/v1/routes/by-header", ["X-Task": "cats"], #"{"text": "hi"}"#, 422,
                "unknown choice 'cats' in header 'X-Task'; valid: hate"
            ),
            ("/v1/routes/nope", [:], #"{"text": "hi"}"#, 404, "no route named 'nope' (routes: assistant, by-header, dangling)"),
            (
                "/v1/routes/dangling", [:], #"{"task": "gone", "text": "hi"}"#, 404,
                "no model named 'sentiment' (models: hate-speech)"
            ),
        ]
        for (path, headers, json, status, message) in cases {
            let response = try await server.request("POST", path, key: key, headers: headers, json: json)
            #expect(response.status == status, "\(path) \(json)")
            #expect(response.message == message)
        }
        #expect(try await server.request("POST", "/v1/routes/assistant", json: #"{"text": "hi"}"#).status == 403)
    }
}
