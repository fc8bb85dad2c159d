/// The one JSON writer: the API's and the console's bodies, `JSONValue`s and escaped text all
/// go through it. Strings and numbers come out byte for byte as `JSONEncoder` with unescaped
/// slashes writes them (`JSONWriterTests` compares the two), without `Encodable`'s generic
/// containers, which cost as much as the model in a keyed request. Payload types write their
/// members in sorted order themselves.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 128) {
        bytes.reserveCapacity(capacity)
    }

    /// `{`, the members `body` writes, `}`.
    package mutating func object(_ body: (inout ObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var members = ObjectWriter(writer: self)
        bytes = []  // so that `members` holds the only reference and appends without a copy
        body(&members)
        self = members.writer
        bytes.append(UInt8(ascii: "}"))
    }

    /// `[`, `write` for each element, `]`.
    package mutating func array<Elements: Sequence>(_ elements: Elements, _ write: (inout JSONWriter, Elements.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    package mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                append("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Shortest round-trip decimal, as `JSONEncoder` writes a `Float`: `1` rather than `1.0`.
    /// Scores are probabilities, always finite.
    package mutating func number(_ value: Float) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A whole number as an integer (`3`, not `3.0`) while a double holds it exactly, as
    /// counts and timestamps are; a non-finite number, which JSON cannot hold, as `null`.
    package mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        if value == value.rounded() && abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    package mutating func number(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    package mutating func null() {
        append("null")
    }

    package mutating func bool(_ value: Bool) {
        append(value ? "true" : "false")
    }

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes an object's members, commas between them.
    package struct ObjectWriter {
        fileprivate var writer: JSONWriter
        private var first = true

        fileprivate init(writer: JSONWriter) {
            self.writer = writer
        }

        /// `"name":` then the value `write` writes. Callers give names in sorted order.
        package mutating func member(_ name: String, _ write: (inout JSONWriter) -> Void) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.string(name)
            writer.bytes.append(UInt8(ascii: ":"))
            write(&writer)
        }
    }
}

/// A body written with `JSONWriter`.
package protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    package var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.array(self) { writer, element in element.write(to: &writer) }
    }
}

extension Dictionary: JSONWritable where Key == String, Value == String {
    /// Members in sorted order, as `JSONEncoder` with `.sortedKeys` writes them.
    package func write(to writer: inout JSONWriter) {
        writer.object { members in
            for (name, value) in sorted(by: { $0.key < $1.key }) { members.member(name) { $0.string(value) } }
        }
    }
}
