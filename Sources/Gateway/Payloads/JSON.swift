import Foundation

/// A parsed JSON document, so payload validation can say exactly which field is wrong instead
/// of reporting a decoder's type mismatch.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Tries the likeliest types first: every failed attempt costs a thrown error, and request
    /// bodies are objects of strings. Bool is tried before number, which would not accept it.
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

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
    /// Sorted keys make every response byte-for-byte predictable for clients and caches.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) -> [UInt8] {
        // Encoding our own payload types cannot fail: they hold only strings and finite numbers.
        Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Parses a request body: invalid UTF-8 and malformed JSON are 400s, told apart.
    static func parseObject(_ body: [UInt8]) throws(GatewayError) -> [String: JSONValue] {
        guard String(validating: body, as: UTF8.self) != nil else { throw .invalidUTF8 }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw .malformedJSON(Self.reason(error))
        }
        guard case .object(let object) = value else {
            throw .invalidRequest("request body must be a JSON object, not \(value.typeName)")
        }
        return object
    }

    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
            {
                return detail
            }
            return context.debugDescription
        }
        return "unreadable"
    }
}
