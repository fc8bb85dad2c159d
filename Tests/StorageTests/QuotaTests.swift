import Foundation
import Testing

@testable import Storage

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
}
