/// A parsed JSON document, so payload validation can say exactly which field is wrong instead
/// of reporting a decoder's type mismatch.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// What a client would call this value's type, for messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

enum JSON {
    /// Parses a request body: invalid UTF-8 and malformed JSON are 400s, told apart.
    static func parseObject(_ body: [UInt8]) throws(GatewayError) -> [String: JSONValue] {
        guard String(validating: body, as: UTF8.self) != nil else { throw .invalidUTF8 }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .malformedJSON(error.reason)
        }
        guard case .object(let object) = value else {
            throw .invalidRequest("request body must be a JSON object, not \(value.typeName)")
        }
        return object
    }
}
