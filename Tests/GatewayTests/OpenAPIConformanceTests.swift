import CoreMetrics
import Foundation
import Gateway
import ModelRuntime
import RemoteModels
import Testing

/// `/openapi.json` against what the server does: every route the gateway routes is described
/// with each of its methods, every status a battery of requests gets (successes, each client
/// error, each remote-model failure) is listed for the route and method that gave it, and a
/// 405's `Allow` names exactly the methods described.
@Suite struct OpenAPIConformanceTests {
    struct Served: Hashable, CustomStringConvertible {
        var path: String
        var method: String
        var status: Int
        var description: String { "\(method) \(path) → \(status)" }
    }

    /// The route table's path for a concrete path, as the gateway itself matches it.
    static func template(of path: String) -> String? {
        let segments = path.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
        return Endpoint.routes.routes.first { $0.captures(segments) != nil }?.path
    }

    @Test func everyRouteAndEveryStatusServedIsDescribed() async throws {
        let upstream = await RemoteModelTests.ScriptedUpstream()
        let endpoint = RemoteModelTests.endpoint(upstream.url, timeout: .seconds(1), attempts: 1, breaker: 1000)
        let remote = try RemoteModel(
            name: "sentiment", endpoint: endpoint, environment: [:], metrics: NOOPMetricsHandler.instance)
        let deployment = ModelDeployment(name: "sentiment", path: "", idleTimeout: nil, remote: endpoint)
        let routes = [ModelRoute(name: "by-task", selector: .jsonField("task"), choices: ["hate": "hate-speech"])]
        let server = try await LiveServer(routes: routes, remotes: [(deployment, remote)])
        let key = try await server.key()
        let document = try #require(try await server.request("GET", "/openapi.json").json as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])

        for route in Endpoint.routes.routes {
            let item = try #require(paths[route.path], "\(route.path) is served but not described")
            for method in route.allowed {
                #expect(item[method.rawValue.lowercased()] != nil, "\(method) \(route.path) is served but not described")
            }
        }
        #expect(Set(paths.keys) == Set(Endpoint.routes.routes.map(\.path)), "the document describes paths nobody serves")

        var served: Set<Served> = []
        var allowed: [String: String] = [:]
        func send(
            _ method: String, _ path: String, key: String? = nil, headers: [String: String] = [:], json: String? = nil,
            body: Data? = nil
        ) async throws -> Int {
            let response = try await server.request(method, path, key: key, headers: headers, json: json, body: body)
            let template = try #require(Self.template(of: path), "\(path) matched no route")
            if response.status == 405 {
                allowed[template] = response.header("Allow")
            } else {
                served.insert(Served(path: template, method: method.lowercased(), status: response.status))
            }
            return response.status
        }

        for path in ["/health", "/ready", "/metrics", "/openapi.json"] {
            #expect(try await send("GET", path) == 200)
            #expect(try await send("DELETE", path) == 405)
        }
        #expect(try await send("GET", "/v1/models", key: key) == 200)
        #expect(try await send("GET", "/v1/models") == 403)
        #expect(try await send("OPTIONS", "/v1/models") == 200)
        #expect(try await send("PUT", "/v1/models", key: key) == 405)

        let text = #"{"text": "you are lovely"}"#
        let modelPaths = [
            ("/v1/models/hate-speech/classify", text), ("/v1/models/hate-speech/invocations", #"{"inputs": "you are lovely"}"#),
            ("/v1/infer/hate-speech", text), ("/v1/routes/by-task", #"{"task": "hate", "text": "you are lovely"}"#),
            ("/v1/models/hate-speech/explain", text),
        ]
        for (path, valid) in modelPaths {
            #expect(try await send("POST", path, key: key, json: valid) == 200, "\(path)")
            #expect(try await send("POST", path, json: valid) == 403, "\(path)")
            let malformed = try await send("POST", path, key: key, json: "{\"text\": ")
            #expect(malformed == 400, "\(path): \(malformed)")
            #expect(
                try await send("POST", path, key: key, headers: ["Content-Type": "text/plain"], body: Data(valid.utf8)) == 415)
            let large = #"{"text": "\#(String(repeating: "a", count: 70_000))"}"#
            #expect(try await send("POST", path, key: key, json: large) == 413, "\(path)")
            #expect(try await send("POST", path, key: key, json: #"{"text": ""}"#) == 422, "\(path)")
            let notUTF8 = try await send(
                "POST", path, key: key, headers: ["Content-Type": "application/json"], body: Data([0x7B, 0xFF, 0x7D]))
            #expect(notUTF8 == 400, "\(path): \(notUTF8)")
            #expect(try await send("OPTIONS", path) == 200)
            #expect(try await send("GET", path, key: key) == 405)
        }
        for path in [
            "/v1/models/nothing/classify", "/v1/models/nothing/invocations", "/v1/infer/nothing", "/v1/routes/nothing",
            "/v1/models/nothing/explain",
        ] {
            #expect(try await send("POST", path, key: key, json: #"{"text": "x", "inputs": "x"}"#) == 404, "\(path)")
        }
        #expect(try await send("POST", "/v1/routes/by-task", key: key, json: #"{"task": "nope", "text": "x"}"#) == 422)

        let feedback = "/v1/models/hate-speech/feedback"
        let answered = try await server.request("POST", "/v1/models/hate-speech/classify", key: key, json: text)
        let requestID = try #require(answered.header("X-Request-Id"))
        #expect(try await send("POST", feedback, key: key, json: #"{"request_id": "\#(requestID)", "label": "Neither"}"#) == 200)
        #expect(try await send("POST", feedback, json: #"{"request_id": "x", "label": "Neither"}"#) == 403)
        #expect(try await send("POST", feedback, key: key, json: #"{"request_id": "x", "label": "Neither"}"#) == 404)
        #expect(try await send("POST", feedback, key: key, json: #"{"request_id": "x"}"#) == 422)
        #expect(try await send("POST", feedback, key: key, json: "{\"request_id\": ") == 400)
        #expect(
            try await send("POST", feedback, key: key, headers: ["Content-Type": "text/plain"], body: Data("{}".utf8)) == 415)
        #expect(try await send("GET", feedback, key: key) == 405)

        let throttled = try await server.key(rate: 0.001, burst: 1)
        _ = try await send("POST", "/v1/infer/hate-speech", key: throttled, json: text)
        #expect(try await send("POST", "/v1/infer/hate-speech", key: throttled, json: text) == 429)

        let classify = "/v1/models/sentiment/classify"
        upstream.then(.answer(status: 424, headers: ["x-amzn-ErrorType": "ModelError"], body: #"{"message": "failed"}"#))
        #expect(try await send("POST", classify, key: key, json: text) == 502)
        upstream.then(.answer(status: 503, headers: [:], body: "{}"))
        #expect(try await send("POST", classify, key: key, json: text) == 503)
        upstream.then(.delay(.seconds(3), then: upstream.normal))
        #expect(try await send("POST", classify, key: key, json: text) == 504)

        let ready = try await LiveServer(ready: false)
        let notReady = try await ready.request("GET", "/ready")
        #expect(notReady.status == 503)
        served.insert(Served(path: "/ready", method: "get", status: notReady.status))

        let statuses = Set(served.map(\.status))
        #expect(statuses.isSuperset(of: [200, 400, 403, 404, 413, 415, 422, 429, 502, 503, 504]), "\(statuses.sorted())")
        // A method the document does not list gets 405, whose Allow names exactly the listed ones.
        #expect(allowed.count == Endpoint.routes.routes.count, "\(allowed)")
        for (path, allow) in allowed {
            let listed = Set((paths[path] ?? [:]).keys.filter { $0 != "parameters" }.map { $0.uppercased() })
            let answered = Set(allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(answered == listed, "\(path): Allow \(allow), described \(listed.sorted())")
        }
        for answer in served.sorted(by: { $0.description < $1.description }) {
            let operation = paths[answer.path]?[answer.method] as? [String: Any]
            let responses = operation?["responses"] as? [String: Any]
            #expect(responses?[String(answer.status)] != nil, "\(answer) is served but not described")
        }
    }

    /// Each failure status names the `error_type`s it carries, from the error table.
    @Test func failureResponsesNameTheirErrorTypes() async throws {
        let server = try await LiveServer()
        let document = try #require(try await server.request("GET", "/openapi.json").json as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let classify = try #require(paths["/v1/models/{model}/classify"]?["post"] as? [String: Any])
        let responses = try #require(classify["responses"] as? [String: [String: Any]])
        for kind in Endpoint.classify(model: "m").possibleFailures {
            let description = responses[String(kind.status.code)]?["description"] as? String ?? ""
            #expect(description.contains("`\(kind.rawValue)`"), "\(kind) missing from \(kind.status.code): \(description)")
        }
        let throttledHeaders = responses["429"]?["headers"] as? [String: Any]
        #expect(throttledHeaders?["Retry-After"] != nil)
    }
}
