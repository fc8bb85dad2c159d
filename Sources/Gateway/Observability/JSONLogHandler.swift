import Foundation
import Logging

/// One JSON object per line on standard output (`timestamp`, `level`, `label`, `message`, and
/// the metadata, keys sorted), what log collectors such as CloudWatch parse without
/// configuration. Lines are built by hand: the server logs every request, and a
/// `JSONEncoder` per line would cost more than serving the request.
package struct JSONLogHandler: LogHandler {
    package let label: String
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]

    package init(label: String, logLevel: Logger.Level = .info) {
        self.label = label
        self.logLevel = logLevel
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata {
            if merged.isEmpty { merged = extra } else { merged.merge(extra, uniquingKeysWith: { $1 }) }
        }
        var fields: [(key: String, value: String)] = [
            ("timestamp", Self.timestamp(Date())), ("level", event.level.rawValue), ("label", label),
            ("message", "\(event.message)"),
        ]
        for (key, value) in merged where !Self.standardKeys.contains(key) {
            if case .string(let text) = value { fields.append((key, text)) } else { fields.append((key, "\(value)")) }
        }
        fields.sort { $0.key < $1.key }
        var line: [UInt8] = [UInt8(ascii: "{")]
        for (position, field) in fields.enumerated() {
            if position > 0 { line.append(UInt8(ascii: ",")) }
            Self.appendString(field.key, to: &line)
            line.append(UInt8(ascii: ":"))
            Self.appendString(field.value, to: &line)
        }
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        // One write(2) per line: lines from concurrent requests never interleave.
        line.withUnsafeBytes { bytes in _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count) }
    }

    /// Fields every line has; metadata of the same name does not replace them.
    package static let standardKeys: Set<String> = ["timestamp", "level", "label", "message"]

    /// ISO 8601 in UTC with milliseconds, `2026-11-22T09:33:40.846Z`, from `gmtime_r`: a
    /// `Date.ISO8601FormatStyle` costs several microseconds, paid on every request.
    package static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.quotientRoundingDown(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2))."
            + "\(digits(Int32(milliseconds - Int64(seconds) * 1000), 3))Z"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    package static func appendString(_ string: String, to line: inout [UInt8]) {
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

extension Int64 {
    /// Division rounding towards negative infinity, so instants before 1970 keep a positive
    /// millisecond part.
    fileprivate func quotientRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
