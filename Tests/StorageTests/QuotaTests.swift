import Foundation
import Storage
import Testing

@Suite struct QuotaTests {
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func parsesAPIGatewayStyleQuotas() throws {
        #expect(try Quota(parsing: "10000/month") == Quota(limit: 10_000, period: .month))
        #expect(try Quota(parsing: "5/DAY") == Quota(limit: 5, period: .day))
        for bad in ["", "10000", "0/day", "-1/day", "ten/day", "10/year", "10/day/extra"] {
            #expect(throws: StorageError.invalidQuota(bad)) { try Quota(parsing: bad) }
        }
    }

    @Test func periodsAreUTCCalendarPeriods() throws {
        let moment = Self.utc("2026-11-22T23:59:59Z")  // a Sunday
        let day = try Quota(limit: 1, period: .day).window(containing: moment)
        #expect(day.start == Self.utc("2026-11-22T00:00:00Z") && day.end == Self.utc("2026-11-23T00:00:00Z"))
        let week = try Quota(limit: 1, period: .week).window(containing: moment)
        #expect(week.start == Self.utc("2026-11-16T00:00:00Z") && week.end == Self.utc("2026-11-23T00:00:00Z"))
        let month = try Quota(limit: 1, period: .month).window(containing: Self.utc("2026-12-31T12:00:00Z"))
        #expect(month.start == Self.utc("2026-12-01T00:00:00Z") && month.end == Self.utc("2027-01-01T00:00:00Z"))
    }

    /// The arithmetic windows agree with Foundation's ISO 8601 calendar in UTC across leap
    /// years, century rules, dates before 1970 and period boundaries.
    @Test(arguments: Quota.Period.allCases) func windowsMatchFoundationsCalendar(period: Quota.Period) throws {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component =
            switch period {
            case .day: .day
            case .week: .weekOfYear
            case .month: .month
            }
        let quota = try Quota(limit: 1, period: period)
        var generator = SystemRandomNumberGenerator()
        let boundaries = [
            "1900-03-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2000-02-29T12:00:00Z",
            "2100-02-28T23:59:59Z", "2100-03-01T00:00:00Z", "2024-12-30T00:00:00Z", "2026-11-22T23:59:59Z",
        ].map(Self.utc)
        let randomDates = (0..<2000).map { _ in
            Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)))
        }
        for date in boundaries + randomDates {
            let expected = calendar.dateInterval(of: component, for: date)!
            let window = quota.window(containing: date)
            #expect(window.start == expected.start && window.end == expected.end, "\(period) of \(date)")
        }
    }
}
