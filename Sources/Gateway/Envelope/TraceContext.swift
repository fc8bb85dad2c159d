import HTTPTypes

/// A request's trace context, passed on to remote models and written to the log line, so one
/// request can be followed across Magpie and the server behind it: the W3C `traceparent`
/// (kept only when well-formed) and the X-Ray `X-Amzn-Trace-Id` that Lambda and API Gateway set.
struct TraceContext: Sendable, Equatable {
    var traceparent: String?
    var amazonTraceID: String?

    static let traceparentHeader = HTTPField.Name("traceparent")!
    static let amazonTraceHeader = HTTPField.Name("X-Amzn-Trace-Id")!

    /// Nil when the request carries neither header.
    init?(_ headers: HTTPFields) {
        traceparent = headers[Self.traceparentHeader].flatMap { Self.isValidTraceparent($0) ? $0 : nil }
        amazonTraceID = headers[Self.amazonTraceHeader].flatMap { Envelope.isSafeRequestID($0) ? $0 : nil }
        if traceparent == nil && amazonTraceID == nil { return nil }
    }

    /// The trace id for logs: the W3C trace id, else X-Ray's `Root`.
    var traceID: String? {
        if let traceparent { return String(traceparent.split(separator: "-")[1]) }
        guard let amazonTraceID else { return nil }
        for field in amazonTraceID.split(separator: ";") where field.hasPrefix("Root=") {
            return String(field.dropFirst("Root=".count))
        }
        return nil
    }

    /// `version-traceid-parentid-flags`: 2, 32, 16 and 2 lowercase hex digits, the ids not
    /// all zeros, as the W3C recommendation requires.
    static func isValidTraceparent(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.map(\.utf8.count) == [2, 32, 16, 2] else { return false }
        let digits: ClosedRange<UInt8> = UInt8(ascii: "0")...UInt8(ascii: "9")
        let letters: ClosedRange<UInt8> = UInt8(ascii: "a")...UInt8(ascii: "f")
        let isHex = parts.allSatisfy { part in part.utf8.allSatisfy { digits.contains($0) || letters.contains($0) } }
        return isHex && parts[0] != "ff" && parts[1].contains { $0 != "0" } && parts[2].contains { $0 != "0" }
    }
}
