/// Compact JSON text for a value, for request bodies built as values (the DynamoDB JSON
/// protocol) rather than from Codable types, whose encoders cannot express its shapes cheaply.
extension JSONValue: JSONWritable {
    public var serialized: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }

    package func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .number(let number): writer.number(number)
        case .string(let string): writer.string(string)
        case .array(let values): writer.array(values) { writer, value in value.write(to: &writer) }
        case .object(let members):
            writer.object { object in
                for key in members.keys.sorted() { object.member(key) { members[key]!.write(to: &$0) } }
            }
        }
    }
}
