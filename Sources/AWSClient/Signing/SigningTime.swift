import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The two UTC forms of a signing instant, `20150830T123600Z` and `20150830`, from the C
/// library's `gmtime_r` rather than `DateFormatter`, which costs more than the rest of a
/// signature.
package struct SigningTime: Sendable {
    package let timestamp: String
    package let dateStamp: String

    package init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        func padded(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        dateStamp = padded(fields.tm_year + 1900, 4) + padded(fields.tm_mon + 1, 2) + padded(fields.tm_mday, 2)
        timestamp = dateStamp + "T" + padded(fields.tm_hour, 2) + padded(fields.tm_min, 2) + padded(fields.tm_sec, 2) + "Z"
    }
}
