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
    ///
    /// Computed on the proleptic Gregorian calendar in whole days rather than with
    /// `Calendar`, which costs tens of microseconds on Linux and runs on every keyed request.
    public func window(containing date: Date) -> (start: Date, end: Date) {
        let day = Int((date.timeIntervalSince1970 / Self.secondsPerDay).rounded(.down))
        let (startDay, endDay): (Int, Int)
        switch period {
        case .day:
            (startDay, endDay) = (day, day + 1)
        case .week:
            // 1970-01-01 was a Thursday, three days after the Monday that starts ISO weeks.
            let monday = day - (day + 3).modulo(7)
            (startDay, endDay) = (monday, monday + 7)
        case .month:
            let (year, month) = CivilDate.yearAndMonth(ofDay: day)
            let next = month == 12 ? (year + 1, 1) : (year, month + 1)
            (startDay, endDay) = (CivilDate.day(year: year, month: month), CivilDate.day(year: next.0, month: next.1))
        }
        return (
            Date(timeIntervalSince1970: Double(startDay) * Self.secondsPerDay),
            Date(timeIntervalSince1970: Double(endDay) * Self.secondsPerDay)
        )
    }

    private static let secondsPerDay = 86_400.0
}

extension Int {
    /// The remainder with the sign of the divisor, so days before 1970 fall in the right week.
    fileprivate func modulo(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
