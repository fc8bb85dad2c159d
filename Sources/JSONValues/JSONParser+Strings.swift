/// Strings, the part of JSON with the most rules: escapes, surrogate pairs, and the control
/// characters that must not appear raw.
extension JSONParser {
    /// A string starting at the opening quote. Runs without escapes are copied as they are.
    mutating func string() throws(Failure) -> String {
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
    mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
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
    mutating func hexUnit() throws(Failure) -> UInt16 {
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
}
