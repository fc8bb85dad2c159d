/// The canonical decomposition of precomposed Hangul syllables into conjoining jamo, which
/// Unicode defines by arithmetic rather than by table (The Unicode Standard, section 3.12).
enum HangulSyllable {
    private static let firstSyllable: UInt32 = 0xAC00
    private static let leadingBase: UInt32 = 0x1100
    private static let vowelBase: UInt32 = 0x1161
    private static let trailingBase: UInt32 = 0x11A7
    private static let vowelCount: UInt32 = 21
    private static let trailingCount: UInt32 = 28
    private static let syllableCount: UInt32 = 11_172

    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= firstSyllable && scalar.value < firstSyllable + syllableCount
    }

    static func appendDecomposition(of scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        let index = scalar.value - firstSyllable
        let perLeading = vowelCount * trailingCount
        output.append(Unicode.Scalar(leadingBase + index / perLeading)!)
        output.append(Unicode.Scalar(vowelBase + (index % perLeading) / trailingCount)!)
        if index % trailingCount != 0 { output.append(Unicode.Scalar(trailingBase + index % trailingCount)!) }
    }
}
