import Foundation

/// How many requests a key may make per calendar period, as API Gateway's usage-plan quota.
public struct Quota: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Quota periods start at 00:00 UTC: every day, every Monday (ISO weeks), or on the first
    /// of every month, so every replica and every restart agrees on the current period.
    public enum Period: String, Sendable, Codable, CaseIterable {
        case day, week, month
    }

    public var limit: Int
    public var period: Period

    public init(limit: Int, period: Period) throws(StorageError) {
        guard limit > 0 else { throw .invalidQuota("\(limit)/\(period.rawValue)") }
        self.limit = limit
        self.period = period
    }

    /// Parses `10000/month` (also `DAY`, `WEEK`, `MONTH` as API Gateway spells them).
    public init(parsing text: String) throws(StorageError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let limit = Int(parts[0].trimmingCharacters(in: .whitespaces)), limit > 0,
            let period = Period(rawValue: parts[1].trimmingCharacters(in: .whitespaces).lowercased())
        else { throw .invalidQuota(text) }
        self.limit = limit
        self.period = period
    }

    public var description: String { "\(limit)/\(period.rawValue)" }

    /// The period containing `date`: its start (inclusive) and end (exclusive).
    public func window(containing date: Date) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component
        switch period {
        case .day: component = .day
        case .week: component = .weekOfYear
        case .month: component = .month
        }
        let interval = calendar.dateInterval(of: component, for: date)!
        return (interval.start, interval.end)
    }
}
