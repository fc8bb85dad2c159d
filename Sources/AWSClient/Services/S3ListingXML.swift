/// Reads the few elements of an S3 `ListBucketResult` Magpie needs (`Contents` with `Key`,
/// `Size` and `ETag`; `IsTruncated`; `NextContinuationToken`). The listing is flat, text-only
/// XML, so a scan for start and end tags with entity decoding reads it exactly, and the static
/// binary needs no libxml2 (which FoundationXML would link).
struct S3ListingXML {
    let text: Substring

    init(_ bytes: [UInt8]) {
        text = Substring(String(decoding: bytes, as: UTF8.self))
    }

    private init(text: Substring) {
        self.text = text
    }

    /// The content of each `<name>…</name>` in order, as documents of their own.
    func elements(_ name: String) -> [S3ListingXML] {
        var found: [S3ListingXML] = []
        var rest = text[...]
        while let content = Self.nextElement(name, in: &rest) { found.append(S3ListingXML(text: content)) }
        return found
    }

    /// The decoded text of the first `<name>…</name>`.
    func first(_ name: String) -> String? {
        var rest = text[...]
        return Self.nextElement(name, in: &rest).map { Self.decodeEntities($0) }
    }

    private static func nextElement(_ name: String, in rest: inout Substring) -> Substring? {
        let open = "<\(name)>"
        let close = "</\(name)>"
        guard let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) else { return nil }
        rest = rest[end.upperBound...]
        return rest.base[start.upperBound..<end.lowerBound]
    }

    /// XML's five named entities and numeric references (S3 escapes `&`, `<`, `>`, quotes,
    /// and control characters in keys).
    static func decodeEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text[...]
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += rest[ampersand...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}
