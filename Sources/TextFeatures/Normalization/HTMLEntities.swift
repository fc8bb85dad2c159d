/// Decodes the HTML character references that tweets and scraped text carry (`&amp;`,
/// `&#128514;`, `&#x1F602;`), because the same word must produce the same features whether
/// or not a platform escaped it on the way into the data set.
public enum HTMLEntities {
    /// The named entities seen in social-media text; the full HTML table has over 2,000
    /// names, nearly all of which never occur in the data Magpie is trained on.
    static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’",
        "ldquo": "“", "rdquo": "”", "copy": "©", "reg": "®", "trade": "™", "euro": "€",
        "pound": "£", "cent": "¢", "deg": "°", "times": "×", "laquo": "«", "raquo": "»",
    ]

    /// Decodes references until none is left, at most `passes` times: scraped tweets are
    /// often escaped twice (`&amp;#128514;`), and a fixed bound keeps hostile input linear.
    public static func decode(_ text: String, passes: Int = 2) -> String {
        var current = text
        for _ in 0..<passes {
            guard current.utf8.contains(UInt8(ascii: "&")) else { return current }
            let decoded = decodeOnce(current)
            if decoded == current { return current }
            current = decoded
        }
        return current
    }

    static func decodeOnce(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        output.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "&", let (decoded, length) = reference(in: scalars, at: index) {
                output.append(decoded)
                index += length
            } else {
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }

    /// The decoded scalar and the reference's length in scalars, for a well-formed reference
    /// starting at `start`; nil leaves the text as written.
    static func reference(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        let limit = min(scalars.count, start + 12)
        guard let end = (start + 1..<limit).first(where: { scalars[$0] == ";" }), end > start + 1
        else { return nil }
        let body = String(String.UnicodeScalarView(scalars[(start + 1)..<end]))
        let length = end - start + 1
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return nil }
            return (scalar, length)
        }
        guard let scalar = named[body] else { return nil }
        return (scalar, length)
    }
}
