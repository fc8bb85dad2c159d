import Foundation
import HTTPTypes

/// The OpenAPI 3.1 description served at `/openapi.json`, generated from what the gateway
/// actually uses: its route table (`Endpoint.routes`), its limits, and its error table
/// (`GatewayError.Kind`). CI runs schemathesis against a live server with it, and a test sends
/// every kind of request and checks that each status it gets is described here.
enum OpenAPIDocument {
    static func json(limits: GatewayLimits, routes: RouteTable<Endpoint> = Endpoint.routes) -> [UInt8] {
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "Magpie", "version": "1",
                "description": "Text classification behind API keys, usage plans and lazily loaded or remote models.",
            ],
            "components": [
                "securitySchemes": ["apiKey": ["type": "apiKey", "in": "header", "name": "x-api-key"]],
                "headers": headers,
                "schemas": OpenAPISchemas.schemas(limits: limits),
            ],
            "paths": Dictionary(uniqueKeysWithValues: routes.routes.map { ($0.path, pathItem($0)) }),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
        return Array(data ?? Data())
    }

    static var headers: [String: Any] {
        [
            "RetryAfter": header("Seconds until a retry may succeed."),
            "RequestId": header("The request's id: the client's X-Request-Id if it sent a plain one, else generated."),
            "RateLimit": header("The key's remaining quota and when it resets (IETF RateLimit fields)."),
            "RateLimitPolicy": header("The key's quota and window (IETF RateLimit fields)."),
            "ServerTiming": header(
                "Model load, queue (waiting for a batch), inference, upstream and gateway time in milliseconds."),
            "ServedBy": header("The fallback model that answered instead of the one asked for."),
            "ColdStart": header("true when this request waited for the model to load."),
            "ModelVersion": header("The version of the model that answered (`remote` for a remote model)."),
        ]
    }

    static func header(_ description: String) -> [String: Any] {
        ["description": description, "schema": ["type": "string"]]
    }

    static func reference(_ name: String, in section: String = "schemas") -> [String: Any] {
        ["$ref": "#/components/\(section)/\(name)"]
    }

    static func pathItem(_ route: RouteTable<Endpoint>.Route) -> [String: Any] {
        let endpoint = route.describedTarget
        var item: [String: Any] = [:]
        if !route.parameters.isEmpty {
            item["parameters"] = route.parameters.map { name in
                [
                    "name": name, "in": "path", "required": true, "schema": ["type": "string"],
                    "description": name == "model" ? "A served model's name (see GET /v1/models)." : "A configured route's name.",
                ] as [String: Any]
            }
        }
        for method in route.methods {
            item[method.rawValue.lowercased()] = operation(endpoint)
        }
        if route.isVersioned {
            item["options"] = [
                "summary": "CORS preflight.",
                "responses": ["200": ["description": "Preflight answer with the Access-Control-Allow-* headers."]],
            ]
        }
        return item
    }

    static func operation(_ endpoint: Endpoint) -> [String: Any] {
        let content = OpenAPISchemas.exchange(for: endpoint)
        var operation: [String: Any] = ["summary": content.summary]
        if endpoint.isKeyed { operation["security"] = [["apiKey": [String]()]] }
        if endpoint.possibleFailures.contains(.unknownVersion) {
            operation["parameters"] = [
                [
                    "name": "X-Magpie-Model-Version", "in": "header", "required": false, "schema": ["type": "string"],
                    "description":
                        "Pins a version of a versioned model instead of the one its release chooses (see GET /v1/models).",
                ] as [String: Any]
            ]
        }
        if let request = content.request {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": request]]]
        }
        var success: [String: Any] = [
            "description": content.successDescription, "content": [content.mediaType: ["schema": content.response]],
            "headers": successHeaders(endpoint),
        ]
        if content.mediaType != "application/json" { success["content"] = [content.mediaType: ["schema": ["type": "string"]]] }
        var responses: [String: Any] = ["200": success]
        let byStatus = Dictionary(grouping: endpoint.possibleFailures, by: \.status.code)
        for (status, kinds) in byStatus {
            responses[String(status)] = failureResponse(kinds, endpoint: endpoint)
        }
        operation["responses"] = responses
        return operation
    }

    static func successHeaders(_ endpoint: Endpoint) -> [String: Any] {
        var headers: [String: Any] = ["X-Request-Id": reference("RequestId", in: "headers")]
        if endpoint.isKeyed {
            headers["RateLimit"] = reference("RateLimit", in: "headers")
            headers["RateLimit-Policy"] = reference("RateLimitPolicy", in: "headers")
        }
        if endpoint.classifies {
            headers["Server-Timing"] = reference("ServerTiming", in: "headers")
            headers["X-Magpie-Served-By"] = reference("ServedBy", in: "headers")
            headers["X-Magpie-Cold-Start"] = reference("ColdStart", in: "headers")
            headers["X-Magpie-Model-Version"] = reference("ModelVersion", in: "headers")
        }
        return headers
    }

    /// One status's answer: which `error_type`s it carries and what each means, the body
    /// schema (the reference Lambda's `{"issue"}` for infer's 422), and `Retry-After` where sent.
    static func failureResponse(_ kinds: [GatewayError.Kind], endpoint: Endpoint) -> [String: Any] {
        let description = kinds.map { "`\($0.rawValue)`: \($0.meaning)" }.joined(separator: "; ")
        var schema = reference("Message")
        if case .infer = endpoint, kinds.contains(.invalidRequest) { schema = reference("Issue") }
        var headers: [String: Any] = ["X-Request-Id": reference("RequestId", in: "headers")]
        if kinds.contains(where: \.retries) { headers["Retry-After"] = reference("RetryAfter", in: "headers") }
        return [
            "description": description + ".", "headers": headers,
            "content": ["application/json": ["schema": schema]],
        ]
    }
}
