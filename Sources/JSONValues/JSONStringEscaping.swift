/// Text written into JSON (or YAML, of which JSON is a subset) by hand-built documents:
/// request bodies from a template, the SAM template's quoted values.
public enum JSONStringEscaping {
    /// The text as the inside of a JSON string literal (RFC 8259, section 7): quotes,
    /// backslashes and control characters escaped, everything else as it is. The same text
    /// between double quotes is also a YAML 1.2 double-quoted scalar.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
