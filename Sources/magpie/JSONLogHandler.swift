import Foundation
import Logging

/// One JSON object per line on standard output (`timestamp`, `level`, `label`, `message`, and
/// the metadata, keys sorted), what log collectors such as CloudWatch parse without
/// configuration. Lines are built by hand: the server logs every request, and a
/// `JSONEncoder` per line would cost more than serving the request.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).mapValues { "\($0)" }
        fields["timestamp"] = Date().formatted(.iso8601.time(includingFractionalSeconds: true).year().month().day())
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        var line: [UInt8] = [UInt8(ascii: "{")]
        for (position, key) in fields.keys.sorted().enumerated() {
            if position > 0 { line.append(UInt8(ascii: ",")) }
            Self.appendString(key, to: &line)
            line.append(UInt8(ascii: ":"))
            Self.appendString(fields[key]!, to: &line)
        }
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        // One write(2) per line: lines from concurrent requests never interleave.
        line.withUnsafeBytes { bytes in _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count) }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func appendString(_ string: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                line.append(UInt8(ascii: "\\"))
                line.append(byte)
            case 0x0A: line.append(contentsOf: Array("\\n".utf8))
            case 0x0D: line.append(contentsOf: Array("\\r".utf8))
            case 0x09: line.append(contentsOf: Array("\\t".utf8))
            case 0..<0x20: line.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
