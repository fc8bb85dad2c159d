import Foundation
import Gateway
import HTTPTypes
import JSONValues

/// Turns API Gateway proxy events into the gateway's requests and its responses back into the
/// event's own response format, so an API behind API Gateway behaves exactly like
/// `magpie serve`.
enum APIGatewayAdapter {
    /// Reads an event of either payload format: 2.0 says so in `version`, 1.0 has `httpMethod`.
    static func event(from bytes: [UInt8]) throws(FunctionError) -> APIGatewayEvent {
        struct Probe: Decodable {
            var version: String?
            var httpMethod: String?
        }
        let data = Data(bytes)
        let decoder = JSONDecoder()
        do {
            let probe = try decoder.decode(Probe.self, from: data)
            if probe.version == "2.0" { return .v2(try decoder.decode(APIGatewayEvent.HTTPEvent.self, from: data)) }
            if probe.httpMethod != nil { return .v1(try decoder.decode(APIGatewayEvent.RESTEvent.self, from: data)) }
        } catch {
            throw invalidEvent("it is not an API Gateway proxy event (\(describe(error)))")
        }
        throw invalidEvent("it is neither payload format 1.0 (httpMethod) nor 2.0 (version \"2.0\")")
    }

    static func request(from event: APIGatewayEvent) throws(FunctionError) -> GatewayRequest {
        let method: String
        let path: String
        var headers = HTTPFields()
        let body: String?
        let isBase64Encoded: Bool
        let client: String?
        switch event {
        case .v1(let rest):
            (method, path, body, isBase64Encoded) = (rest.httpMethod, rest.path, rest.body, rest.isBase64Encoded ?? false)
            client = rest.requestContext?.identity?.sourceIp
            if let multiValueHeaders = rest.multiValueHeaders, !multiValueHeaders.isEmpty {
                for (name, values) in multiValueHeaders.sorted(by: { $0.key < $1.key }) {
                    for value in values { append(name, value, to: &headers) }
                }
            } else {
                for (name, value) in (rest.headers ?? [:]).sorted(by: { $0.key < $1.key }) { append(name, value, to: &headers) }
            }
        case .v2(let http):
            (method, path, body, isBase64Encoded) = (
                http.requestContext.http.method, http.rawPath, http.body, http.isBase64Encoded ?? false
            )
            client = http.requestContext.http.sourceIp
            for (name, value) in (http.headers ?? [:]).sorted(by: { $0.key < $1.key }) { append(name, value, to: &headers) }
            if let cookies = http.cookies, !cookies.isEmpty { append("cookie", cookies.joined(separator: "; "), to: &headers) }
        }
        guard let requestMethod = HTTPRequest.Method(method) else {
            throw invalidEvent("its method '\(method)' is not an HTTP method")
        }
        return GatewayRequest(
            method: requestMethod, path: gatewayPath(for: path), headers: headers,
            body: try bytes(of: body, isBase64Encoded: isBase64Encoded), clientAddress: client)
    }

    /// API Gateway strips the stage from the path: `/infer/hate-speech` on stage `v1` is the
    /// server's `/v1/infer/hate-speech`. A path that still carries `/v1` (an HTTP API stage
    /// named `v1`, a custom domain mapping) and the unversioned endpoints stay as they are.
    static func gatewayPath(for path: String) -> String {
        let path = path.hasPrefix("/") ? path : "/" + path
        if path == GatewayRequest.apiPrefix || path.hasPrefix(GatewayRequest.apiPrefix + "/")
            || GatewayRequest.unversionedPaths.contains(path)
        {
            return path
        }
        return GatewayRequest.apiPrefix + path
    }

    /// The response in the event's format: `statusCode`, `headers`, `body` and
    /// `isBase64Encoded`, with `multiValueHeaders` for 1.0 and `cookies` for 2.0. Bodies that
    /// are not UTF-8 go base64-encoded.
    static func response(_ response: GatewayResponse, format: PayloadFormat) -> [UInt8] {
        var single: [String: String] = [:]
        var multiple: [String: [String]] = [:]
        var cookies: [String] = []
        for field in response.headers {
            let name = field.name.rawName
            if format == .v2 && field.name == .setCookie {
                cookies.append(field.value)
                continue
            }
            multiple[name, default: []].append(field.value)
            single[name] = single[name].map { $0 + ", " + field.value } ?? field.value
        }
        let text = String(validating: response.body, as: UTF8.self)
        var document: [String: JSONValue] = [
            "statusCode": .number(Double(response.status.code)),
            "headers": .object(single.mapValues(JSONValue.string)),
            "body": .string(text ?? Data(response.body).base64EncodedString()),
            "isBase64Encoded": .bool(text == nil),
        ]
        switch format {
        case .v1: document["multiValueHeaders"] = .object(multiple.mapValues { .array($0.map(JSONValue.string)) })
        case .v2: if !cookies.isEmpty { document["cookies"] = .array(cookies.map(JSONValue.string)) }
        }
        // JSONValue's writer, not JSONSerialization: sorting keys there sets up ICU's collator,
        // milliseconds of every cold start's first response.
        return Array(JSONValue.object(document).serialized.utf8)
    }

    private static func append(_ name: String, _ value: String, to headers: inout HTTPFields) {
        guard let fieldName = HTTPField.Name(name) else { return }
        headers.append(HTTPField(name: fieldName, value: value))
    }

    private static func bytes(of body: String?, isBase64Encoded: Bool) throws(FunctionError) -> [UInt8]? {
        guard let body else { return nil }
        guard isBase64Encoded else { return body.isEmpty ? nil : Array(body.utf8) }
        guard let data = Data(base64Encoded: body) else { throw invalidEvent("its body is marked base64 but is not") }
        return data.isEmpty ? nil : Array(data)
    }

    static func invalidEvent(_ reason: String) -> FunctionError {
        FunctionError(type: "Runtime.InvalidEvent", message: "Magpie cannot answer this event: \(reason)")
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "not JSON" : "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "\(error)"
        }
    }
}
