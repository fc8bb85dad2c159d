import Foundation

extension TextNormalizer {
    /// The normalized scalars of `text`, as `normalize` gives them, and for each the range of
    /// `text`'s Unicode scalars it came from, so that an explanation can point at the words
    /// it scores. An entity's decoded scalar came from the whole entity; a character that
    /// Unicode normalization rewrote, from that character. Nil sources where normalizing
    /// character by character would not give `normalize`'s scalars (compositions across
    /// characters, which no text seen so far needs).
    public func normalizeTrackingSources(_ text: String) -> (scalars: [Unicode.Scalar], sources: [Range<Int>]?) {
        var expected: [Unicode.Scalar] = []
        normalize(text, into: &expected)
        var scalars = Array(text.unicodeScalars)
        var sources = scalars.indices.map { $0..<($0 + 1) }
        if decodeHTMLEntities { HTMLEntities.decode(&scalars, sources: &sources) }
        var tracked: [Unicode.Scalar] = []
        var trackedSources: [Range<Int>] = []
        var position = 0
        var characters = String.UnicodeScalarView()
        characters.append(contentsOf: scalars)
        for character in String(characters) {
            let count = character.unicodeScalars.count
            let source = sources[position].lowerBound..<sources[position + count - 1].upperBound
            position += count
            for scalar in normalized(character) {
                tracked.append(scalar)
                trackedSources.append(source)
            }
        }
        return (expected, tracked == expected ? trackedSources : nil)
    }

    /// One character as `normalize` would leave it: lowercased, compatibility-mapped and
    /// without default-ignorable code points, as set.
    private func normalized(_ character: Character) -> [Unicode.Scalar] {
        if character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first, scalar.isASCII {
            let isUpper = scalar.value >= 0x41 && scalar.value <= 0x5A
            return [lowercase && isUpper ? Unicode.Scalar(scalar.value | 0x20)! : scalar]
        }
        var text = String(character)
        if unicodeCompatibility { text = text.precomposedStringWithCompatibilityMapping }
        if lowercase { text = text.lowercased() }
        return text.unicodeScalars.filter { !(unicodeCompatibility && $0.properties.isDefaultIgnorableCodePoint) }
    }
}
