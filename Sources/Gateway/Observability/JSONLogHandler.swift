import Foundation
import JSONValues
import Logging

/// One JSON object per line on standard output (`timestamp`, `level`, `label`, `message`, and
/// the metadata, keys sorted), what log collectors such as CloudWatch parse without
/// configuration. Lines are written with `JSONWriter`: the server logs every request, and a
/// `JSONEncoder` per line would cost more than serving the request.
package struct JSONLogHandler: LogHandler {
    package let label: String
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]

    let output: LogOutput

    /// - Parameter output: where lines go; `.direct` unless the caller buffers.
    package init(label: String, logLevel: Logger.Level = .info, output: LogOutput = .direct) {
        self.label = label
        self.logLevel = logLevel
        self.output = output
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        output.write(line(event))
    }

    /// The event as one line of JSON: the standard fields, then the metadata, keys sorted.
    package func line(_ event: LogEvent) -> [UInt8] {
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
        var writer = JSONWriter(capacity: 256)
        writer.object { members in
            for field in fields { members.member(field.key) { $0.string(field.value) } }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }

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
}

extension Int64 {
    /// Division rounding towards negative infinity, so instants before 1970 keep a positive
    /// millisecond part.
    fileprivate func quotientRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
