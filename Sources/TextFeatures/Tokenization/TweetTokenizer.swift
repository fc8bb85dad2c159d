/// Splits normalized social-media text into the tokens a reader sees: words with their
/// contractions (`don't`, `y'all`), hashtags (`#maga`), each emoji on its own, and `!`/`?`
/// runs, with every URL and @mention folded into one placeholder token.
///
/// Contractions and hashtags stay whole because splitting them loses meaning (`can't` is not
/// `can`); emoji are tokens because in tweets they often carry the sentiment.
public struct TweetTokenizer: Sendable, Codable, Equatable {
    /// Replaces every URL with `urlToken`: an address itself rarely generalizes.
    public var replaceURLs: Bool
    /// Replaces every @mention with `mentionToken`: user names are identities, not language.
    public var replaceMentions: Bool

    public static let urlToken = "<url>"
    public static let mentionToken = "<user>"

    public init(replaceURLs: Bool = true, replaceMentions: Bool = true) {
        self.replaceURLs = replaceURLs
        self.replaceMentions = replaceMentions
    }

    /// Convenience for callers outside the hot path.
    public func tokenize(_ text: String) -> [String] {
        var buffer = TokenBuffer()
        tokenize(text, into: &buffer)
        return buffer.strings
    }

    /// Appends the tokens of `text` to `buffer`.
    public func tokenize(_ text: String, into buffer: inout TokenBuffer) {
        tokenize(Array(text.unicodeScalars), into: &buffer)
    }

    /// Appends the tokens of already-normalized scalars to `buffer`, with where each lay in
    /// `scalars`.
    public func tokenize(_ scalars: [Unicode.Scalar], into buffer: inout TokenBuffer) {
        var index = 0
        while index < scalars.count {
            let start = index
            let scalar = scalars[index]
            if Self.isWhitespace(scalar) {
                index += 1
                continue
            } else if let end = Self.urlEnd(scalars, from: index) {
                Self.append(scalars[index..<end], or: replaceURLs ? Self.urlToken : nil, to: &buffer)
                index = end
            } else if scalar == "@", index + 1 < scalars.count, Self.isWordScalar(scalars[index + 1]) {
                let end = Self.wordEnd(scalars, from: index + 1, allowApostrophes: false)
                Self.append(scalars[index..<end], or: replaceMentions ? Self.mentionToken : nil, to: &buffer)
                index = end
            } else if scalar == "#", index + 1 < scalars.count, Self.isWordScalar(scalars[index + 1]) {
                let end = Self.wordEnd(scalars, from: index + 1, allowApostrophes: false)
                Self.append(scalars[index..<end], or: nil, to: &buffer)
                index = end
            } else if Self.isWordScalar(scalar) {
                let end = Self.wordEnd(scalars, from: index, allowApostrophes: true)
                buffer.beginToken()
                for position in index..<end {
                    let value = scalars[position] == "’" ? UInt32(UInt8(ascii: "'")) : scalars[position].value
                    buffer.append(value)
                }
                index = end
            } else if scalar == "!" || scalar == "?" {
                buffer.beginToken()
                buffer.append(scalar.value)
                while index < scalars.count, scalars[index] == scalar { index += 1 }
            } else if Self.isPictographic(scalar) {
                buffer.beginToken()
                buffer.append(scalar.value)
                index += 1
            } else {
                index += 1
                continue
            }
            buffer.recordSource(start..<index)
        }
    }

    /// Appends `span` as one token, or `placeholder` instead when there is one.
    static func append(_ span: ArraySlice<Unicode.Scalar>, or placeholder: String?, to buffer: inout TokenBuffer) {
        if let placeholder {
            buffer.appendToken(placeholder)
        } else {
            buffer.beginToken()
            for scalar in span { buffer.append(scalar.value) }
        }
    }

    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x30 && value <= 0x39) || value == 0x5F
        }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
            || properties.generalCategory == .nonspacingMark
            || properties.generalCategory == .spacingMark
    }

    /// Emoji and other pictographs, including the private-use code points that old Twitter
    /// clients used for emoji (`&#57361;` in the bundled data). Skin-tone modifiers are not:
    /// they qualify the emoji before them and mean nothing alone.
    static func isPictographic(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return false }
        let properties = scalar.properties
        if properties.isEmojiModifier { return false }
        if properties.isEmojiPresentation { return true }
        switch properties.generalCategory {
        case .otherSymbol, .mathSymbol, .currencySymbol, .privateUse: return true
        default: return false
        }
    }

    /// The end of a word starting at `start`; an apostrophe between two word scalars stays
    /// inside the word so contractions survive.
    static func wordEnd(_ scalars: [Unicode.Scalar], from start: Int, allowApostrophes: Bool) -> Int {
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if isWordScalar(scalar) {
                index += 1
            } else if allowApostrophes, scalar == "'" || scalar == "’", index + 1 < scalars.count,
                index > start, isWordScalar(scalars[index + 1])
            {
                index += 1
            } else {
                break
            }
        }
        return index
    }

    /// The end of a URL starting at `start` (`http://`, `https://` or `www.`), or nil.
    static func urlEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard scalars[start] == "h" || scalars[start] == "w" || scalars[start] == "H" || scalars[start] == "W"
        else { return nil }
        if start > 0, isWordScalar(scalars[start - 1]) { return nil }
        let prefixes = ["http://", "https://", "www."]
        for prefix in prefixes where hasPrefix(scalars, start, prefix) {
            var index = start + prefix.unicodeScalars.count
            guard index < scalars.count, !isWhitespace(scalars[index]) else { return nil }
            while index < scalars.count, !isWhitespace(scalars[index]) { index += 1 }
            return index
        }
        return nil
    }

    /// Case-insensitive for ASCII letters, so `HTTPS://` is a URL even without lowercasing.
    static func hasPrefix(_ scalars: [Unicode.Scalar], _ start: Int, _ prefix: String) -> Bool {
        var index = start
        for expected in prefix.unicodeScalars {
            guard index < scalars.count else { return false }
            let value = scalars[index].value
            let folded = (value >= 0x41 && value <= 0x5A) ? value | 0x20 : value
            guard folded == expected.value else { return false }
            index += 1
        }
        return true
    }
}
