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
        var scalars = Array(text.unicodeScalars)
        decode(&scalars, passes: passes)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Decodes references in place.
    public static func decode(_ scalars: inout [Unicode.Scalar], passes: Int = 2) {
        for _ in 0..<passes {
            guard scalars.contains("&") else { return }
            guard decodeOnce(&scalars) else { return }
        }
    }

    /// Decodes references in place, keeping `sources` (one range per scalar, of wherever it
    /// came from) beside the scalars: a decoded scalar came from its whole reference.
    static func decode(_ scalars: inout [Unicode.Scalar], sources: inout [Range<Int>], passes: Int = 2) {
        for _ in 0..<passes {
            guard scalars.contains("&") else { return }
            let changed = decodeOnce(&scalars) { write, read, length in
                sources[write] = sources[read].lowerBound..<sources[read + length - 1].upperBound
            }
            sources.removeSubrange(scalars.count...)
            guard changed else { return }
        }
    }

    /// One left-to-right pass; returns whether anything was decoded. `moved(write, read,
    /// length)` hears where each written scalar came from.
    static func decodeOnce(
        _ scalars: inout [Unicode.Scalar], moved: (_ write: Int, _ read: Int, _ length: Int) -> Void = { _, _, _ in }
    ) -> Bool {
        var write = 0
        var read = 0
        var changed = false
        while read < scalars.count {
            if scalars[read] == "&", let (decoded, length) = reference(in: scalars, at: read) {
                scalars[write] = decoded
                moved(write, read, length)
                read += length
                changed = true
            } else {
                scalars[write] = scalars[read]
                moved(write, read, 1)
                read += 1
            }
            write += 1
        }
        scalars.removeSubrange(write...)
        return changed
    }

    /// The decoded scalar and the reference's length in scalars, for a well-formed reference
    /// starting at `start`; nil leaves the text as written.
    static func reference(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        let limit = min(scalars.count, start + 12)
        guard let end = (start + 1..<limit).first(where: { scalars[$0] == ";" }), end > start + 1 else { return nil }
        let length = end - start + 1
        if scalars[start + 1] == "#" {
            var value: UInt32 = 0
            var digits = (start + 2)..<end
            let radix: UInt32
            if let first = digits.first, scalars[first] == "x" || scalars[first] == "X" {
                radix = 16
                digits = (first + 1)..<end
            } else {
                radix = 10
            }
            guard !digits.isEmpty else { return nil }
            for position in digits {
                guard let digit = Character(scalars[position]).hexDigitValue, UInt32(digit) < radix else { return nil }
                value = value &* radix &+ UInt32(digit)
                if value > 0x10FFFF { return nil }
            }
            guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, length)
        }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[(start + 1)..<end])
        guard let scalar = named[String(name)] else { return nil }
        return (scalar, length)
    }
}
