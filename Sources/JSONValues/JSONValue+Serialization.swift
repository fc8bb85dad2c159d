/// Compact JSON text for a value, for request bodies built as values (the DynamoDB JSON
/// protocol) rather than from Codable types, whose encoders cannot express its shapes cheaply.
extension JSONValue {
    public var serialized: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number) where !number.isFinite: text += "null"
        case .number(let number):
            text += number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .string(let string): text += "\"" + JSONStringEscaping.escaped(string) + "\""
        case .array(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                value.write(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                text += "\"" + JSONStringEscaping.escaped(key) + "\":"
                members[key]?.write(to: &text)
            }
            text += "}"
        }
    }
}
