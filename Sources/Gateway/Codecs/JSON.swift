import JSONValues

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
