import HTTPTypes
import JSONValues

/// Reading a request's body: present, declared JSON, valid UTF-8 and well-formed, and for a
/// classification, the texts in the endpoint's payload. The envelope checked its size.
package enum RequestBody {
    /// The body as a JSON object, with the API's checks and errors (missing, not JSON,
    /// malformed); the console reads its bodies through it too.
    package static func object(_ request: GatewayRequest) throws(GatewayError) -> [String: JSONValue] {
        try JSON.parseObject(try bytes(request, missing: .invalidRequest("request body is missing; send a JSON object")))
    }

    /// The texts of a classification request, in the endpoint's payload: the reference
    /// Lambda's `{"text"}` for `infer`, the Hugging Face `{"inputs"}` for `invocations`,
    /// Magpie's `{"text"}` or `{"texts"}` for the rest.
    static func classification(_ endpoint: Endpoint, _ request: GatewayRequest, limits: GatewayLimits)
        throws(GatewayError) -> ClassificationInput
    {
        switch endpoint {
        case .infer:
            // The reference Lambda answers every unusable payload with the same 422 issue.
            let object: [String: JSONValue]
            do {
                object = try JSON.parseObject(try bytes(request, missing: .issue("Request payload is missing")))
            } catch .invalidRequest {
                throw .issue("Please provide an input text")
            }
            guard case .string(let text)? = object["text"], !text.allSatisfy(\.isWhitespace) else {
                throw .issue("Please provide an input text")
            }
            guard text.unicodeScalars.count <= limits.maxTextLength else {
                throw .issue("Input text is longer than the limit of \(limits.maxTextLength) characters")
            }
            return .single(text)
        case .invocations, .sageMakerInvocations:
            return try ClassificationInput.invocations(try object(request), limits: limits)
        default:
            return try ClassificationInput.native(try object(request), limits: limits)
        }
    }

    /// The body, present and declared JSON.
    private static func bytes(_ request: GatewayRequest, missing: GatewayError) throws(GatewayError) -> [UInt8] {
        guard let body = request.body, !body.isEmpty else { throw missing }
        let contentType = request.headers[.contentType]
        guard let contentType, isJSON(contentType) else { throw .unsupportedMediaType(contentType) }
        return body
    }

    /// `application/json` or any `application/*+json`, parameters and case ignored; compared
    /// on bytes because it runs on every request.
    package static func isJSON(_ contentType: String) -> Bool {
        var mediaType = Substring(contentType).utf8.prefix { $0 != UInt8(ascii: ";") }
        while let first = mediaType.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            mediaType = mediaType.dropFirst()
        }
        while let last = mediaType.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            mediaType = mediaType.dropLast()
        }
        let lowercased = mediaType.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        let application = Array("application/".utf8)
        let json = Array("json".utf8)
        let suffix = Array("+json".utf8)
        guard lowercased.starts(with: application) else { return false }
        let subtype = lowercased.dropFirst(application.count)
        return subtype.elementsEqual(json) || (subtype.count > suffix.count && subtype.suffix(suffix.count).elementsEqual(suffix))
    }
}
