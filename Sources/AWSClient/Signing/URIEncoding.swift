/// Percent-encoding exactly as SigV4 canonicalizes: every byte but `A–Z a–z 0–9 - . _ ~`
/// becomes `%XX` in uppercase hex. Foundation's encoders leave other characters alone (`+`,
/// `=`, `/`), which breaks signatures on keys and tokens that contain them.
enum URIEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// Appends `text` encoded to `output`; `keepSlash` leaves `/` as it is (paths). Writes
    /// through a buffer pointer: appending byte by byte checked uniqueness on every byte and
    /// was a third of a presigned URL's cost.
    static func append(_ text: some Collection<UInt8>, to output: inout [UInt8], keepSlash: Bool = false) {
        let encoded = [UInt8](unsafeUninitializedCapacity: text.count * 3) { buffer, count in
            var position = 0
            for byte in text {
                if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                    buffer[position] = byte
                    position += 1
                } else {
                    buffer[position] = UInt8(ascii: "%")
                    buffer[position + 1] = hexDigits[Int(byte >> 4)]
                    buffer[position + 2] = hexDigits[Int(byte & 0x0F)]
                    position += 3
                }
            }
            count = position
        }
        output += encoded
    }

    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        append(text.utf8, to: &output, keepSlash: keepSlash)
        return String(decoding: output, as: UTF8.self)
    }

    /// `%XX` sequences decoded; a `%` without two hex digits after it stays as it is, as AWS
    /// services read it.
    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The path with `.` and `..` segments resolved and repeated slashes folded, keeping a
    /// trailing slash: RFC 3986's remove_dot_segments as every SDK but S3's applies it.
    static func normalizedPath(_ path: String) -> String {
        let needsWork = path.utf8.withContiguousStorageIfAvailable { bytes in
            zip(bytes, bytes.dropFirst()).contains {
                $0 == UInt8(ascii: "/") && ($1 == UInt8(ascii: "/") || $1 == UInt8(ascii: "."))
            }
        }
        if needsWork == false { return path }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        let lastSegment = path.split(separator: "/", omittingEmptySubsequences: false).last
        let keepsTrailingSlash = path.hasSuffix("/") || lastSegment == "." || lastSegment == ".."
        let joined = "/" + segments.joined(separator: "/")
        return keepsTrailingSlash && !segments.isEmpty ? joined + "/" : joined
    }
}
