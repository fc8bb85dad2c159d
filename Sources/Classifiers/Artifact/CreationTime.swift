import Foundation

/// The creation time a manifest records: now, or `SOURCE_DATE_EPOCH` (seconds since 1970)
/// when set, the reproducible-builds convention, so that retraining with the same data,
/// options and seed can give a byte-identical artifact.
public enum CreationTime {
    public static func timestamp(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let date: Date
        if let epoch = environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init) {
            date = Date(timeIntervalSince1970: epoch)
        } else {
            date = Date()
        }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
