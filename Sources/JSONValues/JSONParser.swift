/// A strict RFC 8259 parser from bytes to a `JSONValue`.
///
/// Every classification request is parsed, and Foundation's `JSONDecoder` into a `JSONValue`
/// cost a seventh of a keyed request's time in the server (through `Decodable`'s generic
/// containers and a thrown error per type it tried). This parser reads the bytes once and
/// reads what Foundation reads, except that it is stricter in two places: a trailing comma is
/// malformed, as RFC 8259 says, and so is a duplicate member name, so that no proxy or log in
/// front of Magpie can read a different `text` from the one classified. Errors name the byte
/// offset of the fault. `JSONParserTests` checks all of it against Foundation.
public struct JSONParser {
    /// Deeper documents are refused rather than risking the stack: no payload nests beyond a
    /// few levels, and Foundation stops at the same depth.
    public static let maximumDepth = 512

    public struct Failure: Error, Equatable {
        public var reason: String

        public init(reason: String) { self.reason = reason }
    }

    let bytes: [UInt8]
    var position = 0
    var depth = 0

    /// Parses one JSON value filling all of `bytes` (whitespace around it allowed). `bytes`
    /// must be valid UTF-8; the caller checks, so that invalid UTF-8 gets its own error.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func value() throws(Failure) -> JSONValue {
        guard position < bytes.count else { throw failure("unexpected end of input; expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("unexpected \(describeCurrent()); expected a value")
        }
    }

    mutating func object() throws(Failure) -> JSONValue {
        try enterContainer()
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            depth -= 1
            return .object(members)
        }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describeCurrent()); expected a member name in double quotes")
            }
            let nameStart = position
            let name = try string()
            guard members[name] == nil else { throw failure("duplicate member name", at: nameStart) }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw failure("unexpected \(describeCurrent()); expected ':'") }
            skipWhitespace()
            members[name] = try value()
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { break }
            guard consume(UInt8(ascii: ",")) else { throw failure("unexpected \(describeCurrent()); expected ',' or '}'") }
            skipWhitespace()
        }
        depth -= 1
        return .object(members)
    }

    mutating func array() throws(Failure) -> JSONValue {
        try enterContainer()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) {
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { break }
            guard consume(UInt8(ascii: ",")) else { throw failure("unexpected \(describeCurrent()); expected ',' or ']'") }
            skipWhitespace()
        }
        depth -= 1
        return .array(elements)
    }

    mutating func enterContainer() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a Double.
    mutating func number() throws(Failure) -> Double {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            if position < bytes.count, isDigit(bytes[position]) {
                throw failure("number with a leading zero", at: start)
            }
        } else {
            try digits(after: "'-'")
        }
        if consume(UInt8(ascii: ".")) { try digits(after: "'.'") }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            try digits(after: "an exponent")
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw failure("number \(text) is out of range", at: start)
        }
        return number
    }

    mutating func digits(after what: String) throws(Failure) {
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw failure("unexpected \(describeCurrent()) after \(what); expected a digit")
        }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count, bytes[position..<position + expected.count].elementsEqual(expected)
        else { throw failure("unexpected \(describeCurrent()); expected a value") }
        position += expected.count
        return value
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The character at `position` as a message shows it: printable ASCII quoted, the rest as
    /// a code point, so a message never carries raw control characters.
    func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte < 0x80 { return "U+\(hex4(UInt16(byte)))" }
        return "a non-ASCII character"
    }

    func failure(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(reason: "\(reason) at byte \(offset ?? position)")
    }

    func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
