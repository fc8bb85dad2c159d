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

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

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

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func value() throws(Failure) -> JSONValue {
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

    private mutating func object() throws(Failure) -> JSONValue {
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

    private mutating func array() throws(Failure) -> JSONValue {
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

    private mutating func enterContainer() throws(Failure) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
    }

    /// A string starting at the opening quote. Runs without escapes are copied as they are.
    private mutating func string() throws(Failure) -> String {
        position += 1
        var decoded: [UInt8] = []
        var runStart = position
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                let text: String
                if decoded.isEmpty {
                    text = String(decoding: bytes[runStart..<position], as: UTF8.self)
                } else {
                    decoded.append(contentsOf: bytes[runStart..<position])
                    text = String(decoding: decoded, as: UTF8.self)
                }
                position += 1
                return text
            case UInt8(ascii: "\\"):
                decoded.append(contentsOf: bytes[runStart..<position])
                try escape(into: &decoded)
                runStart = position
            case 0..<0x20:
                throw failure("unescaped control character U+\(hex4(UInt16(byte))) in a string")
            default:
                position += 1
            }
        }
        throw failure("unexpected end of input inside a string")
    }

    /// One escape sequence, from its backslash, appended as UTF-8.
    private mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
        position += 1
        guard position < bytes.count else { throw failure("unexpected end of input inside a string") }
        let simple: UInt8? =
            switch bytes[position] {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case UInt8(ascii: "/"): UInt8(ascii: "/")
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            decoded.append(simple)
            position += 1
            return
        }
        guard bytes[position] == UInt8(ascii: "u") else { throw failure("invalid escape \\\(describeCurrent())") }
        let escapeStart = position - 1
        let unit = try hexUnit()
        let scalar: Unicode.Scalar?
        switch unit {
        case 0xD800...0xDBFF:
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("unpaired UTF-16 surrogate \\u\(hex4(unit))", at: escapeStart) }
            position += 1
            let low = try hexUnit()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure("unpaired UTF-16 surrogate \\u\(hex4(unit))", at: escapeStart)
            }
            scalar = Unicode.Scalar(0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00))
        case 0xDC00...0xDFFF:
            throw failure("unpaired UTF-16 surrogate \\u\(hex4(unit))", at: escapeStart)
        default:
            scalar = Unicode.Scalar(unit)
        }
        guard let scalar else { throw failure("invalid escape", at: escapeStart) }
        decoded.append(contentsOf: UTF8.encode(scalar)!)
    }

    /// The four hex digits after `\u`, with `position` on the `u`.
    private mutating func hexUnit() throws(Failure) -> UInt16 {
        position += 1
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw failure("unexpected end of input inside a \\u escape") }
            let digit: UInt8
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = bytes[position] - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = bytes[position] - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = bytes[position] - UInt8(ascii: "A") + 10
            default: throw failure("unexpected \(describeCurrent()) in a \\u escape; expected a hex digit")
            }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a Double.
    private mutating func number() throws(Failure) -> Double {
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

    private mutating func digits(after what: String) throws(Failure) {
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw failure("unexpected \(describeCurrent()) after \(what); expected a digit")
        }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count, bytes[position..<position + expected.count].elementsEqual(expected)
        else { throw failure("unexpected \(describeCurrent()); expected a value") }
        position += expected.count
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The character at `position` as a message shows it: printable ASCII quoted, the rest as
    /// a code point, so a message never carries raw control characters.
    private func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte < 0x80 { return "U+\(hex4(UInt16(byte)))" }
        return "a non-ASCII character"
    }

    private func failure(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(reason: "\(reason) at byte \(offset ?? position)")
    }

    private func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
