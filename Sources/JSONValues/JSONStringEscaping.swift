/// Text written into JSON (or YAML, of which JSON is a subset) by hand-built documents:
/// request bodies from a template, the SAM template's quoted values.
public enum JSONStringEscaping {
    /// The text as the inside of a JSON string literal (RFC 8259, section 7): quotes,
    /// backslashes and control characters escaped, everything else as it is, as `JSONWriter`
    /// writes strings. The same text between double quotes is also a YAML 1.2 double-quoted
    /// scalar.
    public static func escaped(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}
